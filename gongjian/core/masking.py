"""How personal identifiers are shown to those who may not see them whole."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """`110101199003071234` → `1101**********1234`."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_phone(value: str | None) -> str:
    """`13800138000` → `138****8000`."""
    if not value:
        return ""
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def mask_name(value: str | None) -> str:
    """`张三` → `张*`, `欧阳明华` → `欧***`: a name on a public page."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1) if len(value) > 1 else "*"
