"""Two simultaneous submissions by one member: exactly one active report, on PostgreSQL with
real parallel connections."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from gongjian.core.errors import Conflict
from gongjian.reporting import services
from gongjian.reporting.models import MemberReport
from gongjian.testing.cast import Cast

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 6


def test_simultaneous_submissions_leave_one_pending_report(cast: Cast) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real parallel connections (run with DATABASE_URL)")
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()
    places = [cast.chenhui, cast.xingguang]

    def submit(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            services.member_report_submit(actor=cast.member, community=places[i % 2])
            result = "ok"
        except Conflict:
            result = "conflict"
        except Exception as exc:  # a failure of any other kind fails the test below
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["conflict"] * (THREADS - 1) + ["ok"], outcomes
    assert MemberReport.objects.filter(member=cast.member_record, status="submitted").count() == 1


def test_simultaneous_confirmations_keep_one_current_report(cast: Cast) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real parallel connections (run with DATABASE_URL)")
    report = services.member_report_submit(actor=cast.member, community=cast.chenhui)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm(actor: object) -> None:
        try:
            barrier.wait(timeout=10)
            services.member_report_confirm(actor=actor, report=report)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        except Exception as exc:
            outcomes.append(f"error: {exc!r}")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=confirm, args=(a,))
        for a in (cast.community_secretary, cast.district_admin)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "ok"], outcomes
    assert MemberReport.objects.filter(member=cast.member_record, status="confirmed").count() == 1
