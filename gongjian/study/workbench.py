"""What study sessions put on a workbench (`core.workbench`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from gongjian.core.cn import cn_datetime
from gongjian.core.workbench import DUE, MINE, SHORTCUT, WAITING, Item, week_of
from gongjian.orgs import scope
from gongjian.study import selectors
from gongjian.study.models import Attendance, StudySession


def items(*, actor: Any, today: dt.date) -> list[Item]:
    out: list[Item] = []
    monday, sunday = week_of(today)
    sessions = reverse("study:session_list")
    if selectors.is_organiser(actor):
        week = selectors.organised_sessions(actor=actor).filter(
            status=StudySession.Status.SCHEDULED, held_on__range=(monday, sunday)
        )
        out.append(
            Item(
                DUE,
                _("本周召开的学习活动"),
                sessions + f"?status=scheduled&start={monday}&end={sunday}",
                count=week.count(),
                order=30,
            )
        )
        unrecorded = selectors.organised_sessions(actor=actor).filter(
            status=StudySession.Status.SCHEDULED, held_on__lt=today
        )
        out.append(
            Item(
                WAITING,
                _("已过期未记录的学习活动"),
                sessions + f"?status=scheduled&end={today - dt.timedelta(days=1)}",
                count=unrecorded.count(),
                order=30,
            )
        )
        makeups = selectors.attendance_list(actor=actor, makeup=Attendance.MakeUp.SUBMITTED).count()
        out.append(
            Item(
                WAITING,
                _("待确认的补学"),
                reverse("study:makeup_list") + "?makeup=submitted",
                count=makeups,
                order=31,
            )
        )
        out.append(Item(SHORTCUT, _("安排学习活动"), reverse("study:session_new"), order=30))
    if scope.posts_of(actor).member_id is not None:
        upcoming = (
            selectors.session_list(actor=actor, mine=True, status=StudySession.Status.SCHEDULED)
            .filter(held_on__gte=today)
            .order_by("starts_at")[:3]
        )
        for session in upcoming:
            out.append(
                Item(
                    MINE,
                    session.topic,
                    reverse("study:session_detail", args=[session.public_id]),
                    detail=f"{session.get_kind_display()} · {cn_datetime(session.starts_at)}",
                    order=35,
                )
            )
        out.append(Item(SHORTCUT, _("我的学习"), reverse("study:my_study"), order=35))
    return out
