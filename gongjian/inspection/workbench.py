"""What inspections put on a workbench (`core.workbench`): findings to rectify or review,
supervised tasks to report on, and what is past its deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from gongjian.core.workbench import LATE, SHORTCUT, WAITING, Item
from gongjian.inspection import selectors
from gongjian.inspection.models import Finding, Task

OPEN = (Finding.Status.OPEN, Finding.Status.RETURNED)


def items(*, actor: Any, today: dt.date) -> list[Item]:
    out: list[Item] = []
    findings = reverse("inspection:finding_list")
    tasks = reverse("inspection:task_list")
    to_rectify = selectors.findings_to_rectify(actor=actor).filter(status__in=OPEN)
    out.append(
        Item(
            WAITING,
            _("待整改的问题"),
            findings + "?status=open",
            count=to_rectify.count(),
            order=40,
        )
    )
    to_review = selectors.findings_to_review(actor=actor).filter(status=Finding.Status.SUBMITTED)
    out.append(
        Item(
            WAITING,
            _("待复核的整改"),
            findings + "?status=submitted",
            count=to_review.count(),
            order=41,
        )
    )
    to_report = selectors.tasks_to_report(actor=actor).filter(status=Task.Status.OPEN)
    out.append(
        Item(
            WAITING,
            _("推进中的督办事项"),
            tasks + "?status=open",
            count=to_report.count(),
            order=42,
        )
    )
    late = selectors.finding_list(actor=actor, overdue=True).count()
    out.append(Item(LATE, _("逾期未整改的问题"), findings + "?overdue=1", count=late, order=40))
    late_tasks = selectors.task_list(actor=actor, overdue=True).count()
    out.append(Item(LATE, _("逾期的督办事项"), tasks + "?overdue=1", count=late_tasks, order=41))
    if selectors.may_inspect(actor):
        out.append(Item(SHORTCUT, _("新建督导"), reverse("inspection:inspection_new"), order=40))
    return out
