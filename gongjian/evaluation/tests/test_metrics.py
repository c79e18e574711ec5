"""Each computed indicator equals a direct recount of its records for the unit and period,
and is computed with a fixed number of aggregate queries, whatever the number of units."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongjian.evaluation import metrics, services
from gongjian.evaluation.models import Score
from gongjian.evaluation.tests import helpers as h
from gongjian.orgs.models import Member, Unit
from gongjian.reporting.models import MemberReport, OrgReport
from gongjian.service.models import Attendance
from gongjian.testing.cast import Cast, make_member

pytestmark = pytest.mark.django_db
START, END = h.YEAR


def _records(cast: Cast) -> None:
    # Reports: one inside the period, one confirmed after it (does not count), one ended
    # inside the period (does not count at its end).
    h.report(cast.member_record, cast.chenhui, dt.date(2025, 6, 1))
    h.report(cast.tax_colleague, cast.xingguang, dt.date(2026, 2, 1))
    old = make_member("钱一", cast.justice_branch, home=cast.xingguang)
    at = dt.datetime(2025, 3, 1, 10, tzinfo=timezone.get_current_timezone())
    MemberReport.objects.create(
        member=old,
        community=cast.xingguang,
        status="withdrawn",
        submitted_at=at,
        confirmed_at=at,
        ended_at=at + dt.timedelta(days=30),
    )
    make_member("退休", cast.tax_branch, in_service=False)  # not in service: not counted
    # Service: 3 in the year and 1 before it for the demo member, 1 for the colleague.
    for day in (dt.date(2025, 1, 1), dt.date(2025, 7, 1), dt.date(2025, 12, 31)):
        h.attend(cast.member_record, cast.chenhui, day, "2.5")
    h.attend(cast.member_record, cast.chenhui, dt.date(2024, 12, 31))
    h.attend(cast.tax_colleague, cast.xingguang, dt.date(2025, 5, 5), "3")
    decided = dt.datetime(2025, 4, 1, 9, tzinfo=timezone.get_current_timezone())
    OrgReport.objects.create(
        party_org=cast.tax_committee,
        community=cast.chenhui,
        status="confirmed",
        submitted_at=decided,
        decided_at=decided,
    )


def _in(day: dt.datetime | None) -> bool:
    if day is None:
        return False
    local = timezone.localtime(day).date()
    return START <= local <= END


def recount(unit: Unit) -> dict[str, Decimal | None]:
    """The figures counted by hand, one record at a time."""
    moment = metrics.end_of(END)
    members = [m for m in Member.objects.filter(unit=unit) if m.in_service and m.is_active]
    reported = 0
    for m in members:
        for r in MemberReport.objects.filter(member=m):
            if (
                r.confirmed_at
                and r.confirmed_at < moment
                and (not r.ended_at or r.ended_at >= moment)
            ):
                reported += 1
                break
    times, hours = 0, Decimal(0)
    for a in Attendance.objects.select_related("activity", "member"):
        if a.member.unit_id == unit.pk and a.activity.status == "published":
            if _in(a.activity.starts_at):
                times += 1
                hours += a.hours
    pairs = {
        o.community_id
        for o in OrgReport.objects.select_related("party_org")
        if o.party_org.unit_id == unit.pk
        and o.status == "confirmed"
        and o.decided_at is not None
        and o.decided_at < moment
    }
    n = len(members)
    q = Decimal("0.0001")
    return {
        "reporting_rate": (Decimal(reported) * 100 / n).quantize(q) if n else None,
        "person_times_per_member": (Decimal(times) / n).quantize(q) if n else None,
        "service_hours_per_member": (hours / n).quantize(q) if n else None,
        "pairings": Decimal(len(pairs)) if pairs else None,
    }


def test_each_metric_equals_a_direct_recount(cast: Cast) -> None:
    _records(cast)
    units = [cast.tax, cast.justice]
    registry = metrics.registry()
    assert {"reporting_rate", "pairings", "person_times_per_member"} <= set(registry)
    for unit in units:
        expected = recount(unit)
        for name, value in expected.items():
            got = registry[name]([u.pk for u in units], START, END).get(unit.pk)
            assert got == value, (unit.name, name, got, value)
    # The figures themselves, for the reader: 1 of 2 reported; 4 person-times over 2 members.
    assert registry["reporting_rate"]([cast.tax.pk], START, END) == {cast.tax.pk: Decimal("50")}
    assert registry["person_times_per_member"]([cast.tax.pk], START, END)[cast.tax.pk] == 2
    assert registry["reporting_rate"]([cast.justice.pk], START, END)[cast.justice.pk] == 0


def test_the_campaign_fills_computed_scores_from_the_records(
    cast: Cast, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    _records(cast)
    c = h.campaign(cast)
    services.campaign_compute(campaign=c)
    rate = Score.objects.get(
        assessment__campaign=c, assessment__unit=cast.tax, indicator__code="1.2"
    )
    assert rate.computed_value == Decimal("50")
    assert rate.computed_score == 0  # below the first step (60)
    times = Score.objects.get(
        assessment__campaign=c, assessment__unit=cast.tax, indicator__code="2.2"
    )
    assert times.computed_value == 2
    assert times.computed_score == 100


def test_computing_takes_a_fixed_number_of_queries(
    cast: Cast, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    small = h.campaign(cast)
    more = [
        Unit.objects.create(code=f"U{i}", name=f"单位{i}", area=cast.district) for i in range(30)
    ]
    big = h.campaign(cast, units=[cast.tax, cast.justice, *more])
    counts = []
    for c in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            services.campaign_compute(campaign=c)
            services.campaign_rank(campaign=c)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 15
