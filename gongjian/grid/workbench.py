"""What grid work puts on a workbench (`core.workbench`): for those who keep or visit grids
(a grid leader, a cadre sent down, the community and the posts above it), the grids behind
their coverage target and the households due a visit — every 独居老人 monthly, every
household yearly (`selectors.TARGETS`) — and a shortcut to log a visit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from gongjian.core.workbench import DUE, LATE, SHORTCUT, Item
from gongjian.grid import selectors


def items(*, actor: Any, today: dt.date) -> list[Item]:
    rows = selectors.coverage_rows(actor=actor, end=today)
    if not rows:  # no grid to keep or visit
        return []
    behind = selectors.chase_list(rows)
    out: list[Item] = [
        Item(
            LATE,
            _("走访覆盖未达标的网格"),
            reverse("grid:coverage") + "?behind=1",
            count=len(behind),
            detail=_("全部住户每年走访一次；最落后：%(g)s") % {"g": behind[0].grid}
            if behind
            else "",
            order=60,
        )
    ]
    flags = {"elderly_alone": 60, "": 62}
    since = {f: today - dt.timedelta(days=selectors.TARGETS[f][1] - 1) for f in flags}
    due = selectors.households_due(actor=actor, since=since)
    for flag, order in flags.items():
        query = {"unvisited_since": since[flag].isoformat(), **({"flag": flag} if flag else {})}
        out.append(
            Item(
                DUE,
                _("待走访的独居老人") if flag else _("一年内未走访的住户"),
                reverse("grid:household_list") + "?" + urlencode(query),
                count=due[flag],
                detail=str(selectors.TARGETS[flag][0]),
                order=order,
            )
        )
    out.append(Item(SHORTCUT, _("记录入户走访"), reverse("grid:visit_new"), order=60))
    return out
