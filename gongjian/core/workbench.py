"""What a person's home page (the workbench) shows, gathered from every app.

Each app that has something to put on someone's workbench exposes it in
`gongjian/<app>/workbench.py`:

    def items(*, actor, today: datetime.date) -> list[Item]

The function reads through its own app's selectors (so through the caller's scope) and returns
only what concerns the caller: counts of what is waiting for them, what is due this week, what is
late in their scope, their own things (a member's report, next activities, hours), and
shortcuts to what they do most. It returns nothing for a person it has nothing for. The home
page (`orgs.views.home`) finds these functions through the app registry, as `reports` finds
`figures.py`; an app added later plugs in by adding the module, nothing else changes.

Every count links to the list of the records it counts, filtered the same way.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

WAITING = "waiting"  # 待办: something waits for the caller's decision or answer
DUE = "due"  # 本周: happens or falls due this week
LATE = "late"  # 逾期: past its deadline, in the caller's scope
MINE = "mine"  # 我的: the caller's own things (a member's report, activities, hours)
SHORTCUT = "shortcut"  # 常用: what the caller does most

SECTIONS = (WAITING, DUE, LATE, MINE, SHORTCUT)
SHORTCUTS_SHOWN = 4  # the few things a post does most; the menu has the rest
TITLES = {
    WAITING: _("待办"),
    DUE: _("本周"),
    LATE: _("逾期"),
    MINE: _("我的"),
    SHORTCUT: _("常用"),
}


@dataclass(frozen=True)
class Item:
    """One line of a workbench. `count` is shown when it is not None (a zero count of a
    waiting, due or late item is dropped: nothing to do is said once, by the page). `action`
    is an optional (label, url) button, such as a member's "签到"."""

    section: str
    label: str
    url: str
    count: int | None = None
    detail: str = ""
    action: tuple[str, str] | None = None
    app: str = ""
    order: int = 100


@dataclass
class Workbench:
    sections: dict[str, list[Item]] = field(default_factory=dict)

    @property
    def parts(self) -> list[tuple[str, str, list[Item]]]:
        """The sections that have items, in their order, with their titles."""
        return [(s, str(TITLES[s]), self.sections[s]) for s in SECTIONS if self.sections.get(s)]

    @property
    def nothing_waiting(self) -> bool:
        return not any(self.sections.get(s) for s in (WAITING, DUE, LATE))


ItemsFunction = Callable[..., list[Item]]


def providers() -> list[tuple[str, ItemsFunction]]:
    """Every installed app's `workbench.items`, in INSTALLED_APPS order."""
    from django.apps import apps

    out: list[tuple[str, ItemsFunction]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("gongjian."):
            continue
        name = f"{config.name}.workbench"
        if importlib.util.find_spec(name) is None:
            continue
        fn = getattr(importlib.import_module(name), "items", None)
        if callable(fn):
            out.append((config.label, fn))
    return out


def week_of(today: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the week of `today`."""
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=6)


def workbench_for(*, actor: Any, today: dt.date) -> Workbench:
    """Every app's items for the caller, by section, in each section by `order`."""
    bench = Workbench()
    for label, fn in providers():
        for item in fn(actor=actor, today=today):
            if item.section in (WAITING, DUE, LATE) and item.count == 0:
                continue
            if not item.app:
                item = Item(**{**item.__dict__, "app": label})
            bench.sections.setdefault(item.section, []).append(item)
    for items in bench.sections.values():
        items.sort(key=lambda i: i.order)
    if SHORTCUT in bench.sections:
        bench.sections[SHORTCUT] = bench.sections[SHORTCUT][:SHORTCUTS_SHOWN]
    return bench
