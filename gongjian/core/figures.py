"""What a figure is, for every app: a number with its Chinese label, the records it counts and
a link to the list of those records, for a scope and a period.

Each domain app that has figures exposes them in `gongjian/<app>/figures.py`:

    def figures(*, actor, scope: Scope, period: Period) -> list[Figure]

`Scope` names one node: an area (district, street, community, grid) or a unit; `None` for
both is the whole platform. The function counts with its own app's models (and the selectors
of the apps below it), never another peer app's models. `reports` (dashboard, briefing,
statistics) and `forms` (sourced fields) find these functions through the app registry and
compose them; a number on a page is always `Figure.url`, whose list counts the same records.
Definitions are written once, in `docs/figures.md`, under the figure's `key`.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.dispatch import Signal

from gongjian.core.periods import Period

# Sent by a write that changes a figure but sends no model signal (`QuerySet.update()`, a bulk
# insert): `sender` the model, `instance` the row (or `instances`). The dashboard's caches and
# rollups listen to it as they listen to `post_save` (gongjian/reports/signals.py).
written = Signal()


@dataclass(frozen=True)
class Scope:
    """One node of the trees: an area (by id and path) or a unit (by id); empty: everything."""

    area_id: int | None = None
    area_path: str = ""
    area_kind: str = ""
    unit_id: int | None = None

    @property
    def everything(self) -> bool:
        return self.area_id is None and self.unit_id is None


@dataclass(frozen=True)
class Figure:
    """One number: `key` (e.g. `consult.suggestions_answered`, defined in docs/figures.md),
    its Chinese `label`, the `unit` it is counted in (人, 人次, 条, 次, 小时, %), its `value`, and
    `url`, the list of the records it counts, filtered to the same scope and period."""

    key: str
    label: str
    value: int | Decimal | float
    unit: str = ""
    url: str = ""
    group: str = ""  # the section a dashboard shows it in (e.g. 协商议事)


FiguresFunction = Callable[..., list[Figure]]


def providers() -> list[tuple[str, FiguresFunction]]:
    """Every installed app's `figures.figures`, in INSTALLED_APPS order."""
    from django.apps import apps

    out: list[tuple[str, FiguresFunction]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("gongjian."):
            continue
        name = f"{config.name}.figures"
        if importlib.util.find_spec(name) is None:
            continue
        fn = getattr(importlib.import_module(name), "figures", None)
        if callable(fn):
            out.append((config.label, fn))
    return out


def all_figures(*, actor: Any, scope: Scope, period: Period) -> dict[str, Figure]:
    """Every app's figures for one scope and period, by key."""
    out: dict[str, Figure] = {}
    for _label, fn in providers():
        for figure in fn(actor=actor, scope=scope, period=period):
            out[figure.key] = figure
    return out


def list_url(name: str, *args: Any, **params: Any) -> str:
    """The address of the list behind a figure (a URL name, its arguments, its filters), or
    "" where that list's page does not exist (yet)."""
    from django.urls import NoReverseMatch, reverse
    from django.utils.http import urlencode

    try:
        url = reverse(name, args=args or None)
    except NoReverseMatch:
        return ""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{url}?{query}" if query else url
