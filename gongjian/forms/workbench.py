"""What report forms put on a workbench (`core.workbench`): the returns the caller's community
or unit has still to fill, those sent back for correction, and those waiting for the caller's
approval."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from gongjian.core.workbench import WAITING, Item
from gongjian.forms import selectors
from gongjian.forms.models import Return

R = Return.Status


def items(*, actor: Any, today: dt.date) -> list[Item]:
    url = reverse("forms:return_list") + "?mine=1"
    mine = selectors.return_list(actor=actor, mine=True)
    out = [
        Item(
            WAITING,
            _("待填报的报表"),
            url + "&status=pending",
            count=mine.filter(status=R.PENDING).count(),
            order=60,
        ),
        Item(
            WAITING,
            _("未提交的报表草稿"),
            url + "&status=draft",
            count=mine.filter(status=R.DRAFT).count(),
            order=61,
        ),
        Item(
            WAITING,
            _("退回修改的报表"),
            url + "&status=returned",
            count=mine.filter(status=R.RETURNED).count(),
            order=62,
        ),
        Item(
            WAITING,
            _("待审核的报表"),
            reverse("forms:return_list") + "?approving=1",
            count=selectors.return_list(actor=actor, approving=True).count(),
            order=63,
        ),
    ]
    return out
