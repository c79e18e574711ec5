"""The rules of sign-up, check-in, publishing and the calendar: every refusal a clear message."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from gongjian.core.errors import ApplicationError, Conflict, ValidationFailed
from gongjian.core.models import AuditLog
from gongjian.orgs.models import Member, Notice
from gongjian.service import calendar, services, tasks, tokens
from gongjian.service.models import Activity, Attendance, Signup, TeamMembership
from gongjian.service.tests.helpers import category, publish, shift, volunteer
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _refused(actor: object, activity: Activity) -> str:
    with pytest.raises(ApplicationError) as info:
        services.signup_create(actor=actor, activity=activity)
    return info.value.message


def test_no_signup_outside_the_window(cast: Cast) -> None:
    now = timezone.now()
    later = publish(cast, signup_opens_at=now + dt.timedelta(hours=1))
    assert "报名尚未开始" in _refused(cast.member, later)
    closed = publish(
        cast,
        signup_closes_at=now - dt.timedelta(minutes=1),
        signup_opens_at=now - dt.timedelta(hours=2),
    )
    assert "报名已于" in _refused(cast.member, closed)


def test_no_signup_to_a_cancelled_or_finished_activity(cast: Cast) -> None:
    activity = publish(cast)
    services.activity_cancel(actor=cast.community_secretary, activity=activity, reason="改期")
    assert "活动已取消" in _refused(cast.member, activity)
    finished = shift(publish(cast), dt.timedelta(days=-5))
    assert "活动已结束" in _refused(cast.member, finished)


def test_audiences(cast: Cast) -> None:
    residents = publish(cast, audience="residents")
    elsewhere, _m = volunteer(cast, home=cast.xingguang)
    assert "仅限向晨辉社区报到的党员报名" in _refused(elsewhere, residents)
    assert services.signup_create(actor=cast.member, activity=residents).status == "confirmed"

    tax_only = publish(cast, actor=cast.unit_admin, unit=cast.tax, audience="unit")
    assert services.signup_create(actor=cast.member, activity=tax_only).status == "confirmed"
    assert "您的账号未关联党员档案" in _refused(cast.outsider, tax_only)

    team = services.team_create(
        actor=cast.community_secretary,
        name="晨辉先锋队",
        kind="temporary",
        captain=cast.chenhui_resident,
        area=cast.chenhui,
    )
    team_only = publish(cast, team=team, audience="team")
    assert "仅限晨辉先锋队的队员报名" in _refused(cast.member, team_only)
    TeamMembership.objects.create(team=team, member=cast.member_record)
    assert services.signup_create(actor=cast.member, activity=team_only).status == "confirmed"


def test_one_signup_per_member_and_the_waiting_message(cast: Cast) -> None:
    activity = publish(cast, quota=1)
    services.signup_create(actor=cast.member, activity=activity)
    with pytest.raises(Conflict, match="您已报名该活动"):
        services.signup_create(actor=cast.member, activity=activity)
    user, _m = volunteer(cast)
    services.signup_create(actor=user, activity=activity)
    with pytest.raises(Conflict, match="候补名单中，当前第1位"):
        services.signup_create(actor=user, activity=activity)
    # Cancel and sign up again: the same row, back at the end of the queue.
    services.signup_cancel(actor=user, activity=activity)
    assert services.signup_create(actor=user, activity=activity).status == "waiting"
    assert Signup.objects.filter(activity=activity).count() == 2


def test_cancellation_after_the_deadline_promotes_no_one(cast: Cast) -> None:
    now = timezone.now()
    activity = publish(cast, quota=1)
    first, second = volunteer(cast), volunteer(cast)
    services.signup_create(actor=first[0], activity=activity)
    services.signup_create(actor=second[0], activity=activity)
    Activity.objects.filter(pk=activity.pk).update(signup_closes_at=now - dt.timedelta(minutes=1))
    services.signup_cancel(actor=first[0], activity=activity)
    activity.refresh_from_db()
    assert activity.confirmed_count == 0
    assert Signup.objects.get(member=second[1]).status == "waiting"


def test_publishing_is_scoped_and_names_the_field(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as info:
        publish(cast, area=cast.xingguang)
    assert "area" in info.value.detail["fields"]
    with pytest.raises(ValidationFailed) as info:
        publish(cast, actor=cast.unit_admin, unit=cast.justice)
    assert "unit" in info.value.detail["fields"]
    with pytest.raises(ValidationFailed) as info:
        publish(cast, quota=0)
    assert "quota" in info.value.detail["fields"]
    # A unit publishes in the community it is paired with.
    assert publish(cast, actor=cast.unit_admin, unit=cast.tax, area=cast.xingguang).unit == cast.tax


def test_calendar_moves_and_skips_holidays() -> None:
    # 2026-01-01..03 are holidays; 01-04 (a Sunday) is a make-up working day.
    assert calendar.monthly(dt.date(2026, 1, 1), 3) == [
        dt.date(2026, 1, 4),
        dt.date(2026, 2, 2),  # 02-01 is a Sunday
        dt.date(2026, 3, 2),  # 03-01 is a Sunday
    ]
    assert calendar.monthly(dt.date(2026, 4, 1), 2) == [dt.date(2026, 4, 1), dt.date(2026, 5, 6)]
    # 05-30 is a Saturday: the next working day is 06-01.
    assert calendar.monthly(dt.date(2026, 5, 30), 1) == [dt.date(2026, 6, 1)]
    # The weekly duty post skips the National Day week.
    assert calendar.weekly(dt.date(2026, 9, 24), 3) == [
        dt.date(2026, 9, 24),
        dt.date(2026, 10, 8),
        dt.date(2026, 10, 15),
    ]
    assert calendar.is_workday(dt.date(2026, 2, 28))  # a Saturday, made a working day
    assert not calendar.is_workday(dt.date(2025, 10, 8))


def test_a_monthly_series_is_laid_out_on_working_days(cast: Cast) -> None:
    tz = timezone.get_current_timezone()
    first = max(timezone.localdate() + dt.timedelta(days=1), dt.date(2026, 12, 1))
    starts = dt.datetime.combine(first, dt.time(9, 0), tz)
    activities = services.activity_publish(
        actor=cast.community_secretary,
        title="主题党日",
        category=category("red"),
        area=cast.chenhui,
        address="党群服务中心",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        quota=30,
        repeat="monthly",
        occurrences=4,
    )
    assert len(activities) == 4
    for a in activities:
        local = timezone.localtime(a.starts_at)
        assert calendar.is_workday(local.date()), local
        assert local.time() == dt.time(9, 0)
        assert a.series_id == activities[0].series_id


def test_tokens_refuse_forgery_and_age() -> None:
    import uuid

    pid = uuid.uuid4()
    now = 1_800_000_000.0
    good = tokens.make(pid, "in", now=now)
    assert tokens.read(good, now=now).kind == "in"
    assert tokens.read(good, now=now + 30).activity_public_id == pid
    with pytest.raises(tokens.ExpiredToken):
        tokens.read(good, now=now + 61)
    with pytest.raises(tokens.BadToken):
        tokens.read(good.replace("-in-", "-out-"), now=now)
    with pytest.raises(tokens.BadToken):
        tokens.read("not-a-token", now=now)


def test_reminders_by_task_and_command(cast: Cast) -> None:
    tomorrow = dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=1), dt.time(10, 0), timezone.get_current_timezone()
    )
    activity = publish(cast, starts_in=tomorrow - timezone.now())
    services.signup_create(actor=cast.member, activity=activity)
    result = tasks.service_send_reminders.enqueue()
    assert result.return_value == 1
    out = StringIO()
    call_command("service_send_reminders", stdout=out)
    assert "reminders sent: 0" in out.getvalue()
    assert Notice.objects.filter(kind="service.reminder").count() == 1


def test_manual_attendance_is_audited(cast: Cast) -> None:
    activity = shift(publish(cast), dt.timedelta(days=-3))
    services.attendance_mark(
        actor=cast.community_secretary,
        activity=activity,
        member=cast.chenhui_resident,
        hours=Decimal("2.7"),
    )
    attendance = Attendance.objects.get(activity=activity, member=cast.chenhui_resident)
    assert attendance.hours == Decimal("2.5")  # half hours, rounded down
    assert attendance.hours_confirmed
    assert AuditLog.objects.filter(object_type="service.attendance", action="update").exists()
    # Someone outside the secretary's scope who did not sign up cannot be marked.
    with pytest.raises(ValidationFailed):
        services.attendance_mark(
            actor=cast.community_secretary, activity=activity, member=cast.justice_member
        )


def test_api_story_and_error_shape(cast: Cast) -> None:
    organiser = Client()
    organiser.force_login(cast.unit_admin)
    now = timezone.now()
    body = {
        "title": "法律咨询进社区",
        "category_id": category("blue").pk,
        "area_id": cast.chenhui.pk,
        "address": "晨辉社区广场",
        "starts_at": (now + dt.timedelta(days=1)).isoformat(),
        "ends_at": (now + dt.timedelta(days=1, hours=2)).isoformat(),
        "quota": 1,
        "unit_id": cast.tax.pk,
        "audience": "unit",
    }
    response = organiser.post(
        "/api/v1/service/activities", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    activity_id = response.json()[0]["id"]

    member = Client()
    member.force_login(cast.member)
    response = member.post(f"/api/v1/service/activities/{activity_id}/signup")
    assert response.status_code == 201
    assert response.json() == {"status": "confirmed", "position": 0}
    response = member.post(f"/api/v1/service/activities/{activity_id}/signup")
    assert response.status_code == 409
    assert response.json()["code"] == "already_signed_up"
    # Someone outside the audience gets a reason, not a 500.
    outsider_member, elsewhere = volunteer(cast, home=cast.xingguang)
    Member.objects.filter(pk=elsewhere.pk).update(unit=cast.justice)
    other = Client()
    other.force_login(outsider_member)
    response = other.post(f"/api/v1/service/activities/{activity_id}/signup")
    assert response.status_code == 409
    assert "仅限区税务局的党员报名" in response.json()["message"]
    # A forged code.
    response = member.post(
        "/api/v1/service/checkin", json.dumps({"token": "x" * 40}), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_code"
    # The outsider neither sees nor cancels it.
    stranger = Client()
    stranger.force_login(cast.outsider)
    assert stranger.get(f"/api/v1/service/activities/{activity_id}").status_code == 404
    response = stranger.post(
        f"/api/v1/service/activities/{activity_id}/cancel",
        json.dumps({"reason": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert member.delete(f"/api/v1/service/activities/{activity_id}/signup").status_code == 200
    assert member.get("/api/v1/service/me/summary").json()["activities"] == 0
    assert organiser.get("/api/v1/service/stats?by=unit").status_code == 200
    assert organiser.get(f"/api/v1/service/activities/{activity_id}/attendance").status_code == 200
    assert member.get("/api/v1/service/categories").json()[0]["name"] == "暖心红"
    assert len(member.get("/api/v1/service/activities").json()["items"]) == 1
