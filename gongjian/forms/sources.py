"""Sourced fields: the platform's figures (`core.figures`) for a filler's scope and a round's
period. Only the app that owns a figure is asked (its key's prefix), once per return."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gongjian.core.figures import Figure, Scope, providers
from gongjian.core.periods import Period
from gongjian.forms.models import Field, Return


def scope_of(ret: Return) -> Scope:
    if ret.unit_id:
        return Scope(unit_id=ret.unit_id)
    area = ret.area
    if area is None:
        return Scope(area_id=0, area_path="/none/")
    return Scope(area_id=area.pk, area_path=area.path, area_kind=area.kind)


def catalogue() -> list[tuple[str, str, str]]:
    """Every figure a field may be bound to: (key, label, unit), counted for nobody (an empty
    scope), so the list costs no real counting."""
    import datetime as dt

    day = dt.date(2000, 1, 1)
    out: list[tuple[str, str, str]] = []
    for label, fn in providers():
        if label == "forms":
            continue  # a form is not filled from returns of forms
        for f in fn(
            actor=None, scope=Scope(area_id=0, area_path="/none/"), period=Period(day, day)
        ):
            out.append((f.key, f.label, f.unit))
    return out


def live_values(*, actor: Any, ret: Return, fields: list[Field]) -> dict[int, tuple[Decimal, str]]:
    """The figure behind each sourced field, for the return's filler and period: field id →
    (value, the link to the records it counts)."""
    wanted = {f.source.split(".", 1)[0] for f in fields if f.source}
    if not wanted:
        return {}
    period = Period(ret.round.start, ret.round.end)
    found: dict[str, Figure] = {}
    scope = scope_of(ret)
    for label, fn in providers():
        if label in wanted:
            for figure in fn(actor=actor, scope=scope, period=period):
                found[figure.key] = figure
    out: dict[int, tuple[Decimal, str]] = {}
    for f in fields:
        hit = found.get(f.source) if f.source else None
        if hit is not None:
            out[f.pk] = (Decimal(str(hit.value)).quantize(Decimal("0.0001")), hit.url)
    return out
