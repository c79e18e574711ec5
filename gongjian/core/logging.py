"""A logging filter that keeps ID numbers and phone numbers out of every log line, in the
forms people type them (the same normalisation as `core.validators`): full-width or other
Unicode digits, `+86`/`0086`, spaces, dashes and dots between digits."""

from __future__ import annotations

import logging
import re
import unicodedata

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
