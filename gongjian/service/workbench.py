"""What volunteer service puts on a workbench (`core.workbench`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.cn import cn_datetime
from gongjian.core.workbench import DUE, MINE, SHORTCUT, Item, week_of
from gongjian.orgs import scope
from gongjian.orgs.selectors import member_of
from gongjian.service import selectors


def items(*, actor: Any, today: dt.date) -> list[Item]:
    posts = scope.posts_of(actor)
    out: list[Item] = []
    _monday, sunday = week_of(today)
    tz = timezone.get_current_timezone()
    week_end = dt.datetime.combine(sunday + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    if selectors.may_organise(actor):
        this_week = selectors.activity_list(actor=actor, when="upcoming", manage=True).filter(
            starts_at__lt=week_end
        )
        out.append(
            Item(
                DUE,
                _("本周我组织的志愿服务活动"),
                reverse("service:activity_list") + "?mine=1",
                count=this_week.count(),
                order=20,
            )
        )
        out.append(Item(SHORTCUT, _("发布活动"), reverse("service:activity_create"), order=20))
    member = member_of(actor) if posts.member_id is not None else None
    if member is None:
        return out
    captained = selectors.team_list(actor=actor).filter(captain=member)
    for team in captained[:3]:
        out.append(
            Item(
                SHORTCUT,
                _("我的服务队：%(name)s") % {"name": team.name},
                reverse("service:team_detail", args=[team.public_id]),
                order=22,
            )
        )
    summary = selectors.member_summary(member=member, year=today.year)
    out.append(
        Item(
            MINE,
            _("今年服务时长"),
            reverse("service:my_service"),
            detail=_("%(hours)s 小时 · %(points)s 积分 · %(n)s 次")
            % {
                "hours": f"{summary.hours.normalize():f}",
                "points": f"{summary.points.normalize():f}",
                "n": summary.activities,
            },
            order=30,
        )
    )
    now = timezone.now()
    upcoming = (
        selectors.member_activities(member=member)
        .filter(activity__ends_at__gt=now, status="confirmed")
        .order_by("activity__starts_at")[:3]
    )
    attended = selectors.member_attended_ids(member=member)
    for signup in upcoming:
        activity = signup.activity
        url = reverse("service:activity_detail", args=[activity.public_id])
        started = timezone.localtime(activity.starts_at).date() <= today
        out.append(
            Item(
                MINE,
                activity.title,
                url,
                detail=cn_datetime(activity.starts_at),
                action=(_("签到"), url + "#checkin")
                if started and activity.pk not in attended
                else None,
                order=31,
            )
        )
    out.append(Item(SHORTCUT, _("找活动报名"), reverse("service:activity_list"), order=25))
    return out
