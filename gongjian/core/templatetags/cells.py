"""How a list's cell (`Listing.table()`) reads on a page: dates in Chinese, ratios as
percentages, nothing as a dash."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def cell(value: Any, kind: str = "") -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if kind == "percent" and isinstance(value, int | float):
        return f"{value * 100:.1f}%"
    return str(value)
