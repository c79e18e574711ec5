"""The quota and one attendance under real parallel connections (PostgreSQL): threads, each
with its own connection, released together by a barrier."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter

import pytest

from gongjian.service import services, tokens
from gongjian.service.models import Activity, Attendance, Signup
from gongjian.service.tests.helpers import publish, volunteer
from gongjian.testing.cast import Cast
from gongjian.testing.parallel import in_parallel, postgresql_only

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    postgresql_only()


def test_500_parallel_signups_for_50_places(cast: Cast) -> None:
    # Given an activity with 50 places and 500 members ready to sign up
    activity = publish(cast, quota=50)
    users = [volunteer(cast)[0] for _ in range(500)]

    # When all of them sign up at once from 50 connections
    results = in_parallel(
        [functools.partial(services.signup_create, actor=u, activity=activity) for u in users],
        threads=50,
    )

    # Then exactly 50 are confirmed and every other one waits (or was refused with a message)
    outcomes = Counter(r.status if isinstance(r, Signup) else "refused" for r in results)
    assert outcomes["confirmed"] == 50
    assert outcomes["confirmed"] + outcomes["waiting"] + outcomes["refused"] == 500
    activity.refresh_from_db()
    assert activity.confirmed_count == 50
    assert Signup.objects.filter(activity=activity, status="confirmed").count() == 50
    assert Signup.objects.filter(activity=activity).count() == 500 - outcomes["refused"]


def test_20_parallel_checkins_of_one_member_leave_one_attendance(cast: Cast) -> None:
    # Given a member with a place at an activity under way
    activity = publish(cast, quota=5, starts_in=dt.timedelta(minutes=30))
    user, member = volunteer(cast)
    services.signup_create(actor=user, activity=activity)
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=activity.starts_at - dt.timedelta(hours=1)
    )
    scan = tokens.read(tokens.make(activity.public_id, "in"))

    # When the same code is scanned 20 times at once
    results = in_parallel(
        [lambda: services.attendance_scan(actor=user, scan=scan) for _ in range(20)],
        threads=20,
    )

    # Then one check-in happened, the other 19 were told so, and there is one attendance
    assert all(isinstance(r, tuple) for r in results), results
    assert sum(1 for _att, _msg, changed in results if changed) == 1
    assert Attendance.objects.filter(activity=activity, member=member).count() == 1


def test_parallel_cancellations_promote_each_waiting_member_once(cast: Cast) -> None:
    # Given 10 places taken and 10 on the waiting list
    activity = publish(cast, quota=10)
    confirmed = [volunteer(cast)[0] for _ in range(10)]
    waiting = [volunteer(cast)[0] for _ in range(10)]
    for u in confirmed + waiting:
        services.signup_create(actor=u, activity=activity)

    # When the 10 confirmed cancel at once
    in_parallel(
        [functools.partial(services.signup_cancel, actor=u, activity=activity) for u in confirmed],
        threads=10,
    )

    # Then all 10 waiting are promoted, and the count still matches the quota
    activity.refresh_from_db()
    assert activity.confirmed_count == 10
    assert Signup.objects.filter(activity=activity, status="confirmed").count() == 10
    assert Signup.objects.filter(activity=activity, status="waiting").count() == 0
