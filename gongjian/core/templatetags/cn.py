"""Template filters for Chinese dates and large figures (`core.cn`):

{% load cn %}
{{ d|cn_date }}            12月1日 (2026年12月1日 outside the current year)
{{ d|cn_date:"full" }}     2026年12月1日
{{ d|cn_date:"weekday" }}  12月1日（周二）
{{ t|cn_datetime }}        12月1日 14:30
{{ n|wan }}                3.2万
"""

from __future__ import annotations

from typing import Any

from django import template

from gongjian.core import cn

register = template.Library()


def _flags(arg: str) -> tuple[bool, bool]:
    words = {w.strip() for w in (arg or "").split(",")}
    return "full" in words, "weekday" in words


@register.filter
def cn_date(value: Any, arg: str = "") -> str:
    full, weekday = _flags(arg)
    return cn.cn_date(value, full=full, weekday=weekday)


@register.filter
def cn_datetime(value: Any, arg: str = "") -> str:
    full, weekday = _flags(arg)
    return cn.cn_datetime(value, full=full, weekday=weekday)


@register.filter
def wan(value: Any) -> str:
    return cn.wan(value)
