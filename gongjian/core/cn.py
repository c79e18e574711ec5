"""Dates and large figures as a Chinese reader expects them.

- `cn_date(2026-12-01)` → "2026年12月1日", or "12月1日" within the current year
  (`full=True` always names the year), with the weekday on request ("12月1日（周二）");
- `cn_datetime` → "12月1日 14:30" (the year named outside the current year);
- `wan(32014.5)` → "3.2万" from ten thousand up, the figure as it is below;
- `numeral(12)` → "十二": a section's or a grid's Chinese number.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def _today() -> dt.date:
    return timezone.localdate()


def cn_date(
    value: Any, *, full: bool = False, weekday: bool = False, today: dt.date | None = None
) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    if not isinstance(value, dt.date):
        return str(value)
    this_year = (today or _today()).year
    text = (
        f"{value.month}月{value.day}日"
        if value.year == this_year and not full
        else f"{value.year}年{value.month}月{value.day}日"
    )
    if weekday:
        text += f"（{WEEKDAYS[value.weekday()]}）"
    return text


def cn_datetime(
    value: Any, *, full: bool = False, weekday: bool = False, today: dt.date | None = None
) -> str:
    if value is None or value == "":
        return "—"
    if not isinstance(value, dt.datetime):
        return cn_date(value, full=full, weekday=weekday, today=today)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    day = cn_date(value.date(), full=full, weekday=weekday, today=today)
    return f"{day} {value:%H:%M}"


def wan(value: Any, digits: int = 1) -> str:
    """A large figure in 万 (ten thousands) or 亿 (hundred millions), trailing zeros dropped."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    for size, unit in ((Decimal(100_000_000), "亿"), (Decimal(10_000), "万")):
        if abs(number) >= size:
            scaled = (number / size).quantize(Decimal(1).scaleb(-digits))
            return f"{scaled.normalize():f}{unit}"
    if number == number.to_integral_value():
        return f"{int(number)}"
    return f"{number.normalize():f}"
