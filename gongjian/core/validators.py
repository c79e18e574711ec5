"""Validators for personal identifiers: the resident ID-card number (GB 11643-1999,
ISO 7064 MOD 11-2 check digit) and the mainland mobile number."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from gongjian.core.errors import ValidationFailed

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# The provincial-level prefixes of GB/T 2260.
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 "
    "64 65 71 81 82".split()
)
_SPACE = re.compile(r"[\s\u3000\-–—]+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_text(value: str) -> str:
    """Full-width digits and letters to ASCII (NFKC), and spaces and dashes removed."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", value or ""))


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: dt.date
    gender: str  # "male" or "female", from the 17th digit
    warnings: list[str] = field(default_factory=list)


def parse_id_number(raw: str, *, field_name: str = "id_number") -> IdNumber:
    """Validate and normalise an 18-digit resident ID-card number, or raise ValidationFailed."""
    value = normalize_text(raw).upper()

    def fail(message: str) -> ValidationFailed:
        return ValidationFailed(message, fields={field_name: [message]})

    if len(value) != 18:
        raise fail(_("身份证号应为18位，实际为%(n)d位") % {"n": len(value)})
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise fail(_("身份证号只能包含数字，最后一位可以是X"))
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise fail(_("身份证号中的出生日期不存在")) from None
    if birth.year < 1900 or birth > dt.date.today():  # noqa: DTZ011 — a calendar date
        raise fail(_("身份证号中的出生日期不合理"))
    if id_check_digit(value[:17]) != value[17]:
        raise fail(_("身份证号校验位不正确"))
    warnings = []
    if value[:2] not in _PROVINCES:
        warnings.append(_("身份证号的地区码%(code)s不在已知行政区划中") % {"code": value[:6]})
    gender = "male" if int(value[16]) % 2 else "female"
    return IdNumber(value=value, birth_date=birth, gender=gender, warnings=warnings)


def normalize_mobile(raw: str, *, field_name: str = "phone") -> str:
    """Validate a mainland mobile number (after stripping +86, spaces and dashes)."""
    value = normalize_text(raw)
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
            break
    else:
        if len(value) == 13 and value.startswith("86"):
            value = value[2:]
    if not _MOBILE.match(value):
        message = _("手机号应为以1开头的11位大陆手机号码")
        raise ValidationFailed(message, fields={field_name: [message]})
    return value
