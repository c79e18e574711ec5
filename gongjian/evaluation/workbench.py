"""What model-organ campaigns put on a workbench (`core.workbench`): a unit's assessments to
fill in, and the assessments waiting for the working committee's decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from gongjian.core.workbench import WAITING, Item
from gongjian.evaluation import selectors
from gongjian.evaluation.models import Assessment, Campaign
from gongjian.orgs import scope


def items(*, actor: Any, today: dt.date) -> list[Item]:
    out: list[Item] = []
    posts = scope.posts_of(actor)
    if posts.unit_ids:
        drafts = selectors.my_assessments(actor=actor).filter(
            status=Assessment.Status.DRAFT, campaign__status=Campaign.Status.OPEN
        )
        first = drafts.first()
        out.append(
            Item(
                WAITING,
                _("待填报的模范机关测评"),
                reverse("evaluation:assessment_detail", args=[first.public_id])
                if first is not None
                else reverse("evaluation:campaign_list"),
                count=drafts.count(),
                order=50,
            )
        )
    if posts.superuser or scope.is_committee(actor):
        waiting = selectors.assessment_list(actor=actor).filter(
            status__in=(Assessment.Status.SUBMITTED, Assessment.Status.REVIEWED),
            campaign__status=Campaign.Status.OPEN,
        )
        out.append(
            Item(
                WAITING,
                _("待审核的模范机关测评"),
                reverse("evaluation:campaign_list") + "?status=open",
                count=waiting.count(),
                order=51,
            )
        )
    return out
