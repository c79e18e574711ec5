"""Checks every service makes of its input, each raising `ValidationFailed` that names the
field with a Chinese message. Services call these instead of writing their own."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, overload

from django.utils.translation import gettext as _

from gongjian.core.errors import NotFound, ValidationFailed

# Zero-width and direction marks that phones add when text is copied.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e")
)


def invalid(field: str, message: str) -> ValidationFailed:
    """The error for one field."""
    return ValidationFailed(message, fields={field: [message]})


def clean_text(
    field: str,
    value: Any,
    label: Any,
    max_length: int,
    *,
    required: bool = True,
    multiline: bool = False,
) -> str:
    """Text, stripped, without NUL or invisible marks; refused when empty (if required) or
    longer than `max_length` characters."""
    text = "" if value is None else str(value)
    if "\x00" in text:
        raise invalid(field, _("%(label)s不能包含空字符") % {"label": label})
    text = text.translate(_INVISIBLE).strip()
    if not multiline:
        text = " ".join(text.split())
    if required and not text:
        raise invalid(field, _("%(label)s不能为空") % {"label": label})
    if len(text) > max_length:
        raise invalid(field, _("%(label)s不能超过%(n)d个字") % {"label": label, "n": max_length})
    return text


@overload
def clean_int(
    field: str,
    value: Any,
    label: Any,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    required: Literal[True] = True,
) -> int: ...


@overload
def clean_int(
    field: str,
    value: Any,
    label: Any,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    required: bool,
) -> int | None: ...


def clean_int(
    field: str,
    value: Any,
    label: Any,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    required: bool = True,
) -> int | None:
    """A whole number within bounds (given as text or a number)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise invalid(field, _("请填写%(label)s") % {"label": label})
        return None
    if isinstance(value, bool):
        raise invalid(field, _("%(label)s应为整数") % {"label": label})
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise invalid(field, _("%(label)s应为整数") % {"label": label}) from None
    if minimum is not None and number < minimum:
        raise invalid(field, _("%(label)s不能小于%(n)d") % {"label": label, "n": minimum})
    if maximum is not None and number > maximum:
        raise invalid(field, _("%(label)s不能大于%(n)d") % {"label": label, "n": maximum})
    return number


def clean_decimal(
    field: str,
    value: Any,
    label: Any,
    *,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    places: int | None = 2,
    required: bool = True,
) -> Decimal | None:
    """A number within bounds, rounded to `places` decimals (`None`: kept as given)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise invalid(field, _("请填写%(label)s") % {"label": label})
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise invalid(field, _("%(label)s应为数字") % {"label": label}) from None
    if not number.is_finite():
        raise invalid(field, _("%(label)s应为数字") % {"label": label})
    if minimum is not None and number < minimum:
        raise invalid(field, _("%(label)s不能小于%(n)s") % {"label": label, "n": minimum})
    if maximum is not None and number > maximum:
        raise invalid(field, _("%(label)s不能大于%(n)s") % {"label": label, "n": maximum})
    if places is None:
        return number
    try:
        return number.quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:  # more digits than a decimal holds
        raise invalid(field, _("%(label)s数值过大") % {"label": label}) from None


def clean_choice(field: str, value: Any, label: Any, choices: Iterable[Any]) -> str:
    """One of `choices` (values, or `(value, label)` pairs, or a Django `TextChoices`)."""
    keys = {c[0] if isinstance(c, tuple) else str(c) for c in choices}
    text = "" if value is None else str(value).strip()
    if text not in keys:
        raise invalid(field, _("请选择有效的%(label)s") % {"label": label})
    return text


def parse_date(value: Any) -> dt.date | None:
    """A date as people type it: 2026-12-01, 2026/12/1, 2026.12.1, 2026年12月1日; None when
    it is not a real date (2015-13-01 is not)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    text = text.replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-")
    text = text.replace("日", "").split("T")[0].split(" ")[0]
    parts = text.split("-")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


@overload
def clean_date(
    field: str,
    value: Any,
    label: Any,
    *,
    required: Literal[True] = True,
    not_before: dt.date | None = None,
) -> dt.date: ...


@overload
def clean_date(
    field: str,
    value: Any,
    label: Any,
    *,
    required: bool,
    not_before: dt.date | None = None,
) -> dt.date | None: ...


def clean_date(
    field: str,
    value: Any,
    label: Any,
    *,
    required: bool = True,
    not_before: dt.date | None = None,
) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise invalid(field, _("请填写%(label)s") % {"label": label})
        return None
    date = parse_date(value)
    if date is None:
        raise invalid(field, _("%(label)s不是有效日期") % {"label": label})
    if not_before is not None and date < not_before:
        raise invalid(
            field,
            _("%(label)s不能早于%(d)s") % {"label": label, "d": f"{not_before:%Y年%m月%d日}"},
        )
    return date


def object_id(value: Any, *, message: str | None = None) -> int:
    """An id from a URL or a form: a positive integer, else `NotFound` (the two look alike)."""
    text = str(value).strip() if value is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise NotFound(message or _("对象不存在或无权查看"))
    return int(text)


def public_key(value: Any, *, message: str | None = None) -> uuid.UUID:
    """An unguessable public id from a URL or a form, else `NotFound` (the two look alike)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value or "").strip()[:64])
    except ValueError:
        raise NotFound(message or _("对象不存在或无权查看")) from None
