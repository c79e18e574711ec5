"""Making study sessions for the tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gongjian.orgs.models import PartyOrg
from gongjian.study import services
from gongjian.study.models import StudySession
from gongjian.testing.cast import Cast


def schedule(c: Cast, *, hours_from_now: float = 48, **kwargs: Any) -> StudySession:
    """A branch committee meeting of 区税务局第一党支部 scheduled by its unit administrator,
    inviting the branch (李晓东, the cast's member, and 王静)."""
    start = timezone.now() + dt.timedelta(hours=hours_from_now)
    args: dict[str, Any] = {
        "actor": c.unit_admin,
        "party_org_id": c.tax_branch.pk,
        "kind": "committee_meeting",
        "topic": "学习贯彻全会精神",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
        "place": "三楼会议室",
    }
    args.update(kwargs)
    return services.session_schedule(**args).sessions[0]


def held(
    org: PartyOrg, kind: str, day: dt.date, *, invited: int = 10, present: int = 9
) -> StudySession:
    """A session already held, written directly (the services refuse dates over a year old)."""
    start = dt.datetime.combine(day, dt.time(15), tzinfo=timezone.get_current_timezone())
    return StudySession.objects.create(
        kind=kind,
        topic=f"{day:%m}月{kind}",
        party_org=org,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        held_on=day,
        month_index=StudySession.month_of(day),
        status=StudySession.Status.HELD,
        invited_count=invited,
        present_count=present,
    )
