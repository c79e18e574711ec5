"""What consultation puts on a workbench (`core.workbench`): suggestions waiting to be accepted,
those the caller's unit handles, replies waiting for the submitter's rating, and what is overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from gongjian.consult import selectors
from gongjian.consult.models import Suggestion
from gongjian.core.workbench import LATE, MINE, SHORTCUT, WAITING, Item
from gongjian.orgs import selectors as org_selectors

S = Suggestion.Status


def items(*, actor: Any, today: dt.date) -> list[Item]:
    out: list[Item] = []
    url = reverse("consult:suggestion_list")
    to_accept = selectors.suggestions_to_decide(actor=actor).filter(status=S.SUBMITTED).count()
    out.append(
        Item(WAITING, _("待受理的意见建议"), url + "?status=submitted", count=to_accept, order=50)
    )
    handling = selectors.suggestion_list(actor=actor, handling=True, status=S.ASSIGNED).count()
    out.append(
        Item(
            WAITING,
            _("本单位待答复的意见建议"),
            url + "?handling=1&status=assigned",
            count=handling,
            order=51,
        )
    )
    overdue = selectors.suggestion_list(actor=actor, overdue=True).count()
    out.append(Item(LATE, _("逾期未答复的意见建议"), url + "?overdue=1", count=overdue, order=50))
    if org_selectors.member_of(actor) is not None:
        to_rate = selectors.suggestion_list(actor=actor, mine=True, status=S.REPLIED).count()
        if to_rate:
            out.append(
                Item(
                    MINE,
                    _("已答复、待我评价的意见建议"),
                    url + "?mine=1&status=replied",
                    count=to_rate,
                    order=50,
                )
            )
        out.append(Item(SHORTCUT, _("提意见建议"), reverse("consult:suggestion_new"), order=50))
    return out
