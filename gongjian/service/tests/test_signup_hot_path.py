"""The sign-up hot path (bench/signup_rush): the few statements it sends, and the same answers
as before for a caller without a member record or an activity that does not exist."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongjian.core.errors import Conflict
from gongjian.core.models import AuditLog
from gongjian.service import selectors, services
from gongjian.service.models import Activity, Signup
from gongjian.service.tests.helpers import publish, volunteer
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _statements(queries: list[dict[str, Any]]) -> list[str]:
    """The statements sent, without the savepoints of the test's own transaction."""
    return [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"].upper()]


def test_a_signup_is_one_read_and_its_writes(cast: Cast) -> None:
    # Given an activity with one place and two volunteers
    activity = publish(cast, quota=1)
    first, _m1 = volunteer(cast)
    second, _m2 = volunteer(cast)
    # (PostgreSQL: the place, the sign-up and the audit entry in one statement; elsewhere an
    # UPDATE, an INSERT and the audit INSERT)
    at_once = connection.vendor == "postgresql"
    writes = 1 if at_once else 3

    # When the first signs up, they take the place
    with CaptureQueriesContext(connection) as ctx:
        signup = services.signup_create(actor=first, activity=activity.public_id)
    assert signup.status == Signup.Status.CONFIRMED
    statements = _statements(ctx.captured_queries)
    assert len(statements) == 1 + writes, statements
    assert statements[1].lstrip().startswith("WITH" if at_once else "UPDATE")

    # And the second joins the waiting list in as many (elsewhere, one more: that the activity
    # is still published, since no place was taken)
    with CaptureQueriesContext(connection) as ctx:
        waiting = services.signup_create(actor=second, activity=str(activity.public_id))
    assert waiting.status == Signup.Status.WAITING
    assert len(_statements(ctx.captured_queries)) == 1 + (writes if at_once else writes + 1)

    # And its place on the waiting list was counted by those statements, not by one more
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.position_at_signup(waiting) == 1
    assert ctx.captured_queries == []
    activity.refresh_from_db()
    assert activity.confirmed_count == 1

    # Then both are audited as before
    entries = AuditLog.objects.filter(object_type="service.signup").order_by("id")
    assert [e.object_id for e in entries] == [str(signup.pk), str(waiting.pk)]
    assert entries[1].changes == {"status": [None, "waiting"]}
    assert entries[1].object_repr == f"{_m2.name} → {activity.title}"


def test_the_api_answers_the_status_and_the_place_on_the_waiting_list(cast: Cast) -> None:
    # Given an activity with one place, taken
    activity = publish(cast, quota=1)
    services.signup_create(actor=volunteer(cast)[0], activity=activity.public_id)
    url = f"/api/v1/service/activities/{activity.public_id}/signup"

    # When two more sign up through the API
    answers = []
    for _i in range(2):
        client = Client()
        client.force_login(volunteer(cast)[0])
        response = client.post(url)
        assert response.status_code == 201, response.content
        answers.append(response.json())

    # Then they are told their place in the queue
    assert answers == [{"status": "waiting", "position": 1}, {"status": "waiting", "position": 2}]


def test_no_member_record_comes_before_an_unknown_activity(cast: Cast) -> None:
    # Given the outsider, logged in without a member record, and an ordinary member
    outsider, member = Client(), Client()
    outsider.force_login(cast.outsider)
    member.force_login(volunteer(cast)[0])
    unknown = f"/api/v1/service/activities/{uuid.uuid4()}/signup"

    # When they sign up for an activity that does not exist, or by a malformed id
    # Then the outsider hears they have no member record, the member that there is no such
    # activity
    response = outsider.post(unknown)
    assert (response.status_code, response.json()["code"]) == (403, "no_member")
    assert member.post(unknown).status_code == 404
    assert member.post("/api/v1/service/activities/not-an-id/signup").status_code == 404
    assert not Signup.objects.exists()


def test_an_activity_cancelled_after_it_was_read_takes_no_signup(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a published activity that its organiser cancels just after a member's sign-up has
    # read it
    activity = publish(cast, quota=5)
    user, member = volunteer(cast)
    read = selectors.signup_target

    def read_then_cancel(**kwargs: Any) -> selectors.SignupTarget:
        target = read(**kwargs)
        Activity.objects.filter(pk=activity.pk).update(status=Activity.Status.CANCELLED)
        return target

    monkeypatch.setattr(selectors, "signup_target", read_then_cancel)

    # When the sign-up writes
    # Then it is refused, and nothing is written
    with pytest.raises(services.SignupRefused, match="活动已取消"):
        services.signup_create(actor=user, activity=activity.public_id)
    assert not Signup.objects.filter(member=member).exists()
    activity.refresh_from_db()
    assert activity.confirmed_count == 0
    assert not AuditLog.objects.filter(object_type="service.signup").exists()


def test_a_second_request_of_the_same_member_keeps_one_signup_and_one_place(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a member whose first sign-up lands between the second request's read and write
    activity = publish(cast, quota=5)
    user, member = volunteer(cast)
    read = selectors.signup_target
    racing = {"done": False}

    def read_then_first_lands(**kwargs: Any) -> selectors.SignupTarget:
        target = read(**kwargs)
        if not racing["done"]:
            racing["done"] = True
            services.signup_create(actor=user, activity=activity.public_id)
        return target

    monkeypatch.setattr(selectors, "signup_target", read_then_first_lands)

    # When the second request writes
    # Then it hears the member signed up already; one sign-up, one place, one audit entry
    with pytest.raises(Conflict, match="您已报名该活动"):
        services.signup_create(actor=user, activity=activity.public_id)
    assert Signup.objects.filter(member=member).count() == 1
    activity.refresh_from_db()
    assert activity.confirmed_count == 1
    assert AuditLog.objects.filter(object_type="service.signup").count() == 1
