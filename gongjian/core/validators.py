"""Validators for personal identifiers: the resident ID-card number (GB 11643-1999,
ISO 7064 MOD 11-2 check digit) and the mainland mobile number.

Both are normalised the way people really type them before anything is checked or hashed, so
one person has one lookup hash: NFKC (full-width to ASCII), any Unicode decimal digit to ASCII
(Arabic-Indic, Devanagari …), zero-width and direction marks that phones add when a contact is
copied removed, spaces, dashes, dots and brackets removed, and for phones `+86`/`0086`/`86`.
Which mobile prefixes exist comes from the `phonenumbers` metadata (libphonenumber), not from a
hand-written range."""

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
_SEPARATORS = re.compile(r"[\s\u3000\-–—.·()（）]+")
_MOBILE = re.compile(r"^1\d{10}$")


def _ascii_digits(value: str) -> str:
    """Every Unicode decimal digit as its ASCII digit; format characters (zero-width spaces,
    joiners, direction marks, the byte-order mark) dropped."""
    out = []
    for ch in value:
        if ch.isascii():
            out.append(ch)
            continue
        digit = unicodedata.decimal(ch, None)
        if digit is not None:
            out.append(str(digit))
        elif unicodedata.category(ch) != "Cf":
            out.append(ch)
    return "".join(out)


def normalize_text(value: str) -> str:
    """What a person typed, as one canonical string: NFKC, ASCII digits, no invisible marks,
    no spaces, dashes, dots or brackets."""
    return _SEPARATORS.sub("", _ascii_digits(unicodedata.normalize("NFKC", value or "")))


def _is_mainland_mobile(value: str) -> bool:
    import phonenumbers

    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number_for_region(number, "CN") and phonenumbers.number_type(
        number
    ) in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: dt.date
    gender: str  # "male" or "female", from the 17th digit
    warnings: list[str] = field(default_factory=list)


_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?E[+-]?\d+$", re.IGNORECASE)


def is_scientific(value: str) -> bool:
    """A number as a spreadsheet shows it in scientific notation: 1.10199E+17."""
    return bool(_SCIENTIFIC.match(value.strip()))


def scientific_message(label: str, value: str) -> str:
    return _(
        "%(f)s“%(v)s”被表格软件当成数字显示成了科学计数法，后几位已经丢失："
        "请把该列单元格格式设为“文本”，重新输入完整的%(f)s后再导入"
    ) % {"f": label, "v": value.strip()}


def parse_id_number(raw: str, *, field_name: str = "id_number") -> IdNumber:
    """Validate and normalise an 18-digit resident ID-card number, or raise ValidationFailed."""
    typed = unicodedata.normalize("NFKC", raw or "").strip()
    if is_scientific(typed):
        message = scientific_message(_("身份证号"), typed)
        raise ValidationFailed(message, fields={field_name: [message]})
    value = normalize_text(raw).upper()
    if not value.isascii():
        message = _("身份证号只能包含数字，最后一位可以是X")
        raise ValidationFailed(message, fields={field_name: [message]})

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
    """Validate a mainland mobile number, typed in any common form (`+86 138-0013-8000`,
    `(+86)13800138000`, `０１３８…` is not one: a leading 0 is a landline), and return its 11
    ASCII digits. A number of a prefix no operator has is refused."""
    typed = unicodedata.normalize("NFKC", raw or "").strip()
    if is_scientific(typed):
        message = scientific_message(_("手机号"), typed)
        raise ValidationFailed(message, fields={field_name: [message]})
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
    if not _is_mainland_mobile(value):
        message = _("手机号%(p)s开头的号段不存在，请核对") % {"p": value[:3]}
        raise ValidationFailed(message, fields={field_name: [message]})
    return value
