"""The whole story: publish → sign up → full → waiting list → cancel → promotion → check-in by
QR → check-out → outcome → hours → certificate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.core.models import AuditLog
from gongjian.orgs.models import Notice
from gongjian.service import selectors, services, tokens
from gongjian.service.models import Activity, Attendance, Signup
from gongjian.service.tests.helpers import publish, shift, volunteer
from gongjian.testing.cast import Cast
from gongjian.testing.files import image_bytes

pytestmark = pytest.mark.django_db


def test_the_whole_story(cast: Cast) -> None:
    # Given the community secretary publishes a cleanup with two places
    activity = publish(cast, quota=2)
    first, second, third, fourth = (volunteer(cast) for _ in range(4))

    # When four members sign up
    s1 = services.signup_create(actor=first[0], activity=activity)
    s2 = services.signup_create(actor=second[0], activity=activity)
    s3 = services.signup_create(actor=third[0], activity=activity)
    s4 = services.signup_create(actor=fourth[0], activity=activity)

    # Then two are confirmed and two wait, in order
    assert [s.status for s in (s1, s2, s3, s4)] == ["confirmed", "confirmed", "waiting", "waiting"]
    activity.refresh_from_db()
    assert activity.confirmed_count == 2
    assert selectors.waiting_position(s3) == 1
    assert selectors.waiting_position(s4) == 2

    # When the first cancels before the deadline, the first on the waiting list is promoted
    services.signup_cancel(actor=first[0], activity=activity)
    s3.refresh_from_db()
    s4.refresh_from_db()
    assert s3.status == Signup.Status.CONFIRMED
    assert s4.status == Signup.Status.WAITING
    assert selectors.waiting_position(s4) == 1
    activity.refresh_from_db()
    assert activity.confirmed_count == 2
    assert Notice.objects.filter(member=third[1], kind="service.promoted").exists()

    # And the day before, a reminder goes to those confirmed, once
    sent = services.reminders_send(now=activity.starts_at - dt.timedelta(days=1))
    assert sent == 2
    assert services.reminders_send(now=activity.starts_at - dt.timedelta(days=1)) == 0
    assert set(
        Notice.objects.filter(kind="service.reminder").values_list("member_id", flat=True)
    ) == {second[1].pk, third[1].pk}

    # When the activity is under way and the second member scans the check-in code
    activity = shift(
        activity, timezone.now() - activity.starts_at - dt.timedelta(hours=1, minutes=50)
    )
    code = services.checkin_token(actor=cast.community_secretary, activity=activity, kind="in")
    client = Client()
    client.force_login(second[0])
    response = client.get(reverse("service:checkin", args=[code]))
    assert response.status_code == 200
    assert "签到成功" in response.content.decode()
    # Scanning twice does nothing harmful, and says so
    response = client.get(reverse("service:checkin", args=[code]))
    assert "无需重复扫码" in response.content.decode()
    assert Attendance.objects.filter(activity=activity, member=second[1]).count() == 1

    # When they check out after (what the clock says is) two hours
    Attendance.objects.filter(activity=activity, member=second[1]).update(
        checked_in_at=activity.starts_at
    )
    out_code = services.checkin_token(actor=cast.community_secretary, activity=activity, kind="out")
    response = client.get(reverse("service:checkin", args=[out_code]))
    assert "签退成功" in response.content.decode()
    attendance = Attendance.objects.get(activity=activity, member=second[1])
    assert attendance.hours == Decimal("1.5")  # 1h50m, counted in half hours
    assert attendance.points == Decimal("1.5")

    # And the organiser marks the third member by hand (no phone), with the hours confirmed
    services.attendance_mark(
        actor=cast.community_secretary, activity=activity, member=third[1], hours=Decimal("2")
    )
    assert AuditLog.objects.filter(object_type="service.attendance").count() >= 3

    # When the organiser records the outcome
    outcome = services.outcome_record(
        actor=cast.community_secretary,
        activity=activity,
        households_visited=35,
        people_served=120,
        leaflets=300,
        summary="清理楼道杂物，宣传垃圾分类。",
        photos=[("a.jpg", image_bytes("JPEG"))],
    )
    assert outcome.photos.count() == 1

    # Then the hours and points are the member's, and the certificate says so
    summary = selectors.member_summary(member=third[1])
    assert (summary.activities, summary.hours, summary.points) == (1, Decimal("2"), Decimal("2"))
    client.force_login(third[0])
    response = client.get(reverse("service:certificate"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")

    # And the statistics of the district count two person-times and 3.5 hours
    rows = selectors.service_stats(actor=cast.district_admin, by="category")
    assert [(r["key"], r["person_times"], r["hours"]) for r in rows] == [
        ("生态绿", 2, Decimal("3.5"))
    ]


def test_a_forged_or_expired_code_is_refused(cast: Cast) -> None:
    activity = publish(cast, quota=5, starts_in=dt.timedelta(minutes=10))
    user, _member = volunteer(cast)
    services.signup_create(actor=user, activity=activity)
    client = Client()
    client.force_login(user)
    good = tokens.make(activity.public_id, "in")
    forged = good[:-4] + ("0000" if not good.endswith("0000") else "1111")
    response = client.get(reverse("service:checkin", args=[forged]))
    assert response.status_code == 400
    assert "二维码无效" in response.content.decode()
    old = tokens.make(activity.public_id, "in", now=timezone.now().timestamp() - 120)
    response = client.get(reverse("service:checkin", args=[old]))
    assert response.status_code == 400
    assert "二维码已过期" in response.content.decode()
    assert not Attendance.objects.exists()
    # A code of the previous window still works (it may have changed while scanning).
    recent = tokens.make(activity.public_id, "in", now=timezone.now().timestamp() - 30)
    assert client.get(reverse("service:checkin", args=[recent])).status_code == 200
    assert Attendance.objects.count() == 1


def test_scan_before_log_in_survives_the_log_in(cast: Cast) -> None:
    activity = publish(cast, quota=5, starts_in=dt.timedelta(minutes=10))
    user, _member = volunteer(cast)
    services.signup_create(actor=user, activity=activity)
    client = Client()
    url = reverse("service:checkin", args=[tokens.make(activity.public_id, "in")])
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    client.force_login(user)
    assert client.get(url).status_code == 200
    assert Attendance.objects.filter(activity=activity).count() == 1


def test_cancelled_activity_notifies_everyone_signed_up(cast: Cast) -> None:
    activity = publish(cast, quota=1)
    a, b = volunteer(cast), volunteer(cast)
    services.signup_create(actor=a[0], activity=activity)
    services.signup_create(actor=b[0], activity=activity)
    services.activity_cancel(actor=cast.community_secretary, activity=activity, reason="暴雨预警")
    activity.refresh_from_db()
    assert activity.status == Activity.Status.CANCELLED
    assert Notice.objects.filter(kind="service.cancelled").count() == 2
    assert "暴雨预警" in Notice.objects.filter(kind="service.cancelled").first().body  # type: ignore[union-attr]


def test_the_organisers_code_refreshes_every_30_seconds(cast: Cast) -> None:
    activity = publish(cast, quota=5)
    client = Client()
    client.force_login(cast.community_secretary)
    page = client.get(reverse("service:activity_qr", args=[activity.public_id])).content.decode()
    assert 'hx-trigger="every 30s"' in page
    assert "<svg" in page
    code = client.get(reverse("service:activity_qr_code", args=[activity.public_id]) + "?kind=out")
    assert code["Cache-Control"] == "no-store"
    assert "<svg" in code.content.decode()
    # The member may not show the code.
    client.force_login(cast.member)
    assert client.get(reverse("service:activity_qr", args=[activity.public_id])).status_code == 404
