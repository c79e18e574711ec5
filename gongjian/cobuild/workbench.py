"""What direct-link co-building puts on a workbench (`core.workbench`): the deadlines of the
caller's campaigns that fall this week, and the projects under way they may write to."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjian.cobuild import selectors
from gongjian.cobuild.models import Campaign, Project
from gongjian.core.cn import cn_date
from gongjian.core.workbench import DUE, WAITING, Item, week_of
from gongjian.orgs import scope

DEADLINES = (
    (Campaign.Status.DRAFT, "lists_due", gettext_lazy("清单截止")),
    (Campaign.Status.OPEN, "preferences_due", gettext_lazy("双向选择截止")),
    (Campaign.Status.SIGNING, "signing_due", gettext_lazy("签约截止")),
)


def items(*, actor: Any, today: dt.date) -> list[Item]:
    if not scope.posts_of(actor).is_staff_like:
        return []
    out: list[Item] = []
    monday, sunday = week_of(today)
    campaigns = selectors.campaign_list(actor=actor).exclude(status=Campaign.Status.CLOSED)
    for campaign in campaigns[:20]:
        for status, field, label in DEADLINES:
            due = getattr(campaign, field, None)
            if campaign.status == status and due is not None and monday <= due <= sunday:
                out.append(
                    Item(
                        DUE,
                        f"{campaign.name}：{label}",
                        reverse("cobuild:campaign_detail", args=[campaign.pk]),
                        detail=cn_date(due, weekday=True),
                        order=45,
                    )
                )
    active = selectors.project_list(actor=actor).filter(status=Project.Status.ACTIVE)
    out.append(
        Item(
            WAITING,
            _("实施中、需更新进展的共建项目"),
            reverse("cobuild:project_list") + "?status=active",
            count=active.count(),
            order=45,
        )
    )
    return out
