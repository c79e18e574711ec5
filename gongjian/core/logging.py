"""A logging filter that keeps ID numbers and phone numbers out of every log line, in the
forms people type them (the same normalisation as `core.validators`): full-width or other
Unicode digits, `+86`/`0086`, spaces, dashes and dots between digits."""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import unicodedata
import uuid

# `\d` matches every Unicode decimal digit; separators may sit between any two digits.
_SEP = r"[\s\u3000\-–—.·]?"
_PHONE = rf"(?:(?:\+|00)?86{_SEP})?1(?:{_SEP}\d){{10}}"
_ID = rf"\d(?:{_SEP}\d){{16}}{_SEP}[\dXx]"
_PII = re.compile(rf"(?<![\d+])(?:{_ID}|{_PHONE})(?!\d)", re.ASCII)
_INVISIBLE = dict.fromkeys(
    ch for ch in range(0x2000, 0x2070) if unicodedata.category(chr(ch)) == "Cf"
) | {0xFEFF: None}


def _ascii_digit(ch: str) -> str:
    digit = unicodedata.decimal(ch, None) if not ch.isascii() else None
    if digit is not None:
        return str(digit)
    return {"＋": "+", "Ｘ": "X", "ｘ": "x"}.get(ch, ch)


def redact(text: str) -> str:
    """The text with every phone and ID number replaced by a marker (and, where one was found,
    without invisible marks); unchanged where there is none."""
    cleaned = text.translate(_INVISIBLE)
    # Matched on a copy whose digits are ASCII, character for character, so positions agree.
    probe = "".join(_ascii_digit(ch) for ch in cleaned)
    spans = [m.span() for m in _PII.finditer(probe)]
    if not spans:
        return text
    out, last = [], 0
    for start, end in spans:
        out.append(cleaned[last:start])
        out.append("[已隐藏]")
        last = end
    out.append(cleaned[last:])
    return "".join(out)


class RedactPersonalInfo(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        # A traceback carries the exception's message (often the offending value) too.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


# Structured logs ---------------------------------------------------------------------------

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "gongjian_request_id", default=None
)
_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def request_id() -> str | None:
    """The id of the request in progress (from nginx's X-Request-ID, or made here)."""
    return _request_id.get()


def set_request_id(value: str | None) -> contextvars.Token[str | None]:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token[str | None]) -> None:
    _request_id.reset(token)


def clean_request_id(value: str | None) -> str:
    """The client's request id when it looks like one, otherwise a new one."""
    if value and _REQUEST_ID_OK.match(value):
        return value
    return uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, the request id
    and the user id of the request in progress, and the traceback if any. Nothing personal:
    only the user's numeric id, and the message has passed `RedactPersonalInfo`."""

    def format(self, record: logging.LogRecord) -> str:
        from gongjian.core import context

        entry: dict[str, object] = {
            "ts": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = record.__dict__.get("request_id") or request_id()
        if rid:
            entry["request_id"] = rid
        user = context.current().user
        user_id = record.__dict__.get("user_id", getattr(user, "pk", None))
        if user_id is not None:
            entry["user_id"] = user_id
        for key in ("method", "path", "status", "duration_ms", "view"):
            value = record.__dict__.get(key)
            if value is not None:
                entry[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(self.formatException(record.exc_info))
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)
