"""Check-ins under real parallel connections (PostgreSQL): the session's counters stay right
and a member is checked in once, however many scans arrive together."""

from __future__ import annotations

import functools

import pytest

from gongjian.service import tokens
from gongjian.study import services
from gongjian.study.models import Attendance, StudySession
from gongjian.study.tests.helpers import schedule
from gongjian.testing.cast import Cast, make_member, make_user
from gongjian.testing.parallel import in_parallel, postgresql_only

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    postgresql_only()


def test_parallel_check_ins_keep_the_counters_right(cast: Cast) -> None:
    # Given 30 more members of the branch, with log-ins, and a session that has started
    users = []
    for k in range(30):
        user = make_user(f"branch{k}")
        make_member(f"党员{k}", cast.tax_branch, user=user)
        users.append(user)
    users.append(cast.member)
    session = schedule(cast, hours_from_now=-0.2)
    scan = services.scan_for(tokens.make(session.public_id, "in"))
    # When every one scans twice, all at once, from 16 connections
    jobs = [
        functools.partial(services.attendance_scan, actor=u, scan=scan) for u in users for _ in "12"
    ]
    results = in_parallel(jobs, threads=16)
    # Then each is present once, and the counters say so
    changed = [r[2] for r in results if isinstance(r, tuple)]
    assert changed.count(True) == len(users)
    assert changed.count(False) == len(users)
    session = StudySession.objects.get(pk=session.pk)
    present = Attendance.objects.filter(session=session, status="present").count()
    assert session.present_count == present == len(users)
