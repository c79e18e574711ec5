"""A logging filter that keeps ID numbers and phone numbers out of every log line."""

from __future__ import annotations

import logging
import re

_PII = re.compile(r"(?<!\d)(\d{17}[\dXx]|1[3-9]\d{9})(?!\d)")


def redact(text: str) -> str:
    return _PII.sub("[已隐藏]", text)


class RedactPersonalInfo(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        if _PII.search(message):
            record.msg = redact(message)
            record.args = None
        # A traceback carries the exception's message (often the offending value) too.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and _PII.search(record.exc_text):
            record.exc_text = redact(record.exc_text)
        if record.stack_info and _PII.search(record.stack_info):
            record.stack_info = redact(record.stack_info)
        return True
