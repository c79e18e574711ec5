"""Two simultaneous submissions by one member: exactly one active report, on PostgreSQL with
real parallel connections."""

from __future__ import annotations

import functools

import pytest

from gongjian.reporting import services
from gongjian.reporting.models import MemberReport
from gongjian.testing.cast import Cast
from gongjian.testing.parallel import in_parallel, outcomes, postgresql_only

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 6


def test_simultaneous_submissions_leave_one_pending_report(cast: Cast) -> None:
    postgresql_only()
    places = [cast.chenhui, cast.xingguang]

    results = in_parallel(
        [
            functools.partial(
                services.member_report_submit, actor=cast.member, community=places[i % 2]
            )
            for i in range(THREADS)
        ]
    )

    assert outcomes(results) == ["conflict"] * (THREADS - 1) + ["ok"], results
    assert MemberReport.objects.filter(member=cast.member_record, status="submitted").count() == 1


def test_simultaneous_confirmations_keep_one_current_report(cast: Cast) -> None:
    postgresql_only()
    report = services.member_report_submit(actor=cast.member, community=cast.chenhui)

    results = in_parallel(
        [
            functools.partial(services.member_report_confirm, actor=actor, report=report)
            for actor in (cast.community_secretary, cast.district_admin)
        ]
    )

    assert outcomes(results) == ["conflict", "ok"], results
    assert MemberReport.objects.filter(member=cast.member_record, status="confirmed").count() == 1
