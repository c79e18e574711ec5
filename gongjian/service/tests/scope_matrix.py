"""The scope matrix of the service app (see gongjian/testing/matrix.py).

The objects: an open activity at 晨辉社区 published by its secretary, and a team of 晨辉社区
captained by the cast's member."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from gongjian.service import tokens
from gongjian.service.models import Activity, Team
from gongjian.service.tests.helpers import category
from gongjian.testing.cast import Cast
from gongjian.testing.matrix import Answer, Entry, everyone, only

ORGANISERS = {"platform_admin", "district_admin", "street_admin", "community_secretary"}
# Who sees the activity: its organisers, and the member (it is open to the district).
SEES_ACTIVITY = ORGANISERS | {"member"}
# Who sees the team: the area posts above it, and its captain.
SEES_TEAM = ORGANISERS | {"member"}


def activity(c: Cast) -> Activity:
    found = Activity.objects.filter(title="矩阵活动").first()
    if found is not None:
        return found
    now = timezone.now()
    return Activity.objects.create(
        title="矩阵活动",
        category=category("green"),
        area=c.chenhui,
        community=c.chenhui,
        address="晨辉社区广场",
        starts_at=now + dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=2, hours=2),
        quota=5,
        signup_opens_at=now - dt.timedelta(days=1),
        signup_closes_at=now + dt.timedelta(days=2),
        created_by=c.community_secretary,
    )


def team(c: Cast) -> Team:
    found = Team.objects.filter(name="矩阵服务队").first()
    if found is not None:
        return found
    return Team.objects.create(name="矩阵服务队", captain=c.member_record, area=c.chenhui)


def _a(name: str) -> object:
    return lambda c: reverse(name, args=[activity(c).public_id])


def _status(yes: set[str], yes_code: int, no_code: int = 404, **special: int) -> Answer:
    answer = only(yes, yes_code, no_code)
    answer.update(special)
    return answer


def _cancel_data(c: Cast) -> dict[str, str]:
    return {"reason": "天气原因"}


def _team_data(c: Cast) -> dict[str, str]:
    return {"member": str(c.chenhui_resident.public_id)}


PAGE_MATRIX: dict[str, Entry] = {
    "service:activity_list": ("get", lambda c: reverse("service:activity_list"), everyone(200)),
    "service:activity_export": (
        "get",
        lambda c: reverse("service:activity_export"),
        everyone(200),
    ),
    "service:activity_create": (
        "get",
        lambda c: reverse("service:activity_create"),
        everyone(200),
    ),
    "service:activity_detail": ("get", _a("service:activity_detail"), only(SEES_ACTIVITY)),
    "service:activity_cancel": (
        "post",
        _a("service:activity_cancel"),
        only(ORGANISERS, 302),
        _cancel_data,
    ),
    # Signing up is answered by the service with a reason (not in the audience, window closed,
    # not signed up …) shown on the activity's page: a redirect; the member signs up. An
    # account without a member record may not sign up at all: the 403 page says so (ADR 0010).
    # The public id is a random UUID, so this reveals nothing guessable.
    "service:signup": ("post", _a("service:signup"), _status({"member"}, 302, 403)),
    "service:signup_cancel": ("post", _a("service:signup_cancel"), _status({"member"}, 302, 403)),
    "service:activity_qr": ("get", _a("service:activity_qr"), only(ORGANISERS)),
    "service:activity_qr_code": ("get", _a("service:activity_qr_code"), only(ORGANISERS)),
    "service:attendance": ("get", _a("service:attendance"), only(ORGANISERS)),
    "service:attendance_export": ("get", _a("service:attendance_export"), only(ORGANISERS)),
    "service:outcome": ("get", _a("service:outcome"), only(ORGANISERS)),
    # A good code: the member has no place (400); the others have no member record (403).
    "service:checkin": (
        "get",
        lambda c: reverse("service:checkin", args=[tokens.make(activity(c).public_id, "in")]),
        _status({"member"}, 400, 403),
    ),
    "service:my_service": ("get", lambda c: reverse("service:my_service"), everyone(200)),
    "service:certificate": ("get", lambda c: reverse("service:certificate"), only({"member"})),
    # The public verification page: anyone may check a number; one never issued is a 404.
    "service:certificate_check": (
        "get",
        lambda c: reverse("service:certificate_check"),
        everyone(200),
    ),
    "service:certificate_verify": (
        "get",
        lambda c: reverse("service:certificate_verify", args=["FW2026-ZZZZZZZZZZ"]),
        everyone(404),
    ),
    "service:notices_read": ("post", lambda c: reverse("service:notices_read"), everyone(302)),
    "service:stats": ("get", lambda c: reverse("service:stats"), everyone(200)),
    "service:stats_export": ("get", lambda c: reverse("service:stats_export"), everyone(200)),
    "service:records": ("get", lambda c: reverse("service:records"), everyone(200)),
    "service:records_export": ("get", lambda c: reverse("service:records_export"), everyone(200)),
    "service:team_list": ("get", lambda c: reverse("service:team_list"), everyone(200)),
    "service:team_detail": (
        "get",
        lambda c: reverse("service:team_detail", args=[team(c).public_id]),
        only(SEES_TEAM),
    ),
    "service:category_list": ("get", lambda c: reverse("service:category_list"), everyone(200)),
}

# Adding a team member: the area posts above the team succeed with a redirect; the captain
# may not look people up in the register, and whoever cannot see the team gets 404.
PAGE_MATRIX["service:team_detail:add"] = (
    "post",
    lambda c: reverse("service:team_detail", args=[team(c).public_id]),
    only(ORGANISERS, 302),
    _team_data,
)

API_MATRIX: set[tuple[str, str]] = {
    ("get", "/api/v1/service/ping"),
    ("get", "/api/v1/service/categories"),
    ("get", "/api/v1/service/activities"),
    ("post", "/api/v1/service/activities"),
    ("get", "/api/v1/service/activities/{activity_id}"),
    ("post", "/api/v1/service/activities/{activity_id}/cancel"),
    ("post", "/api/v1/service/activities/{activity_id}/signup"),
    ("delete", "/api/v1/service/activities/{activity_id}/signup"),
    ("post", "/api/v1/service/checkin"),
    ("get", "/api/v1/service/activities/{activity_id}/attendance"),
    ("post", "/api/v1/service/activities/{activity_id}/attendance"),
    ("put", "/api/v1/service/activities/{activity_id}/outcome"),
    ("get", "/api/v1/service/me/summary"),
    ("get", "/api/v1/service/stats"),
    ("get", "/api/v1/service/records"),
}
