"""账号安全: everyone sees their own sessions and API tokens and can end them; staff make
tokens there, named, for at most 90 days; a token idle for 30 days stops working."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.accounts import services
from gongjian.accounts.models import ApiToken, UserSession
from gongjian.core.models import AuditLog
from gongjian.testing.cast import PASSWORD, Cast


def _page_login(client: Client, username: str, ip: str) -> None:
    response = client.post(
        reverse("accounts:login"), {"login": username, "password": PASSWORD}, REMOTE_ADDR=ip
    )
    assert response.status_code == 302


def test_a_member_sees_their_sessions_and_ends_one_on_another_device(cast: Cast) -> None:
    # Given the member logged in on a phone and on a desktop
    phone, desktop = Client(HTTP_USER_AGENT="Phone"), Client(HTTP_USER_AGENT="Desktop")
    _page_login(phone, "member", "10.0.0.1")
    _page_login(desktop, "member", "10.0.0.2")
    # When the desktop opens the security page, both sessions are listed, the desktop's marked
    response = desktop.get(reverse("accounts:security"))
    assert response.status_code == 200
    sessions = response.context["sessions"]
    assert len(sessions) == 2
    assert [s.current for s in sessions].count(True) == 1
    html = response.content.decode()
    assert "本机" in html
    assert "10.0.0.1" in html
    # And when it ends the phone's session, the phone is logged out.
    other = next(s for s in sessions if not s.current)
    response = desktop.post(reverse("accounts:session_end", args=[other.pk]))
    assert response.status_code == 302
    assert phone.get(reverse("home")).status_code == 302
    assert desktop.get(reverse("home")).status_code == 200
    assert UserSession.objects.filter(user=cast.member).count() == 1


def test_nobody_ends_another_person_s_session(cast: Cast) -> None:
    theirs = Client()
    _page_login(theirs, "unitadmin", "10.0.0.3")
    row = UserSession.objects.get(user=cast.unit_admin)
    mine = Client()
    mine.force_login(cast.member)
    assert mine.post(reverse("accounts:session_end", args=[row.pk])).status_code == 404
    assert mine.delete(f"/api/v1/accounts/sessions/{row.pk}").status_code == 404
    assert UserSession.objects.filter(pk=row.pk).exists()


def test_staff_make_a_named_token_for_at_most_90_days_and_see_its_key_once(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.unit_admin)
    # More than 90 days is refused, naming the field
    response = client.post(reverse("accounts:token_create"), {"name": "城市App", "days": "365"})
    assert response.status_code == 400
    assert "有效天数不能大于90" in response.content.decode()
    assert not ApiToken.objects.exists()
    # 30 days is made; the key is shown on this page only
    response = client.post(reverse("accounts:token_create"), {"name": "城市App", "days": "30"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key in response.content.decode()
    token = ApiToken.objects.get()
    assert token.name == "城市App"
    assert token.expires_at is not None
    assert abs(token.expires_at - (timezone.now() + dt.timedelta(days=30))) < dt.timedelta(
        minutes=1
    )
    assert key not in client.get(reverse("accounts:security")).content.decode()
    # It works, and once revoked it does not.
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/units").status_code == 200
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    assert api.get("/api/v1/units").status_code == 401
    assert AuditLog.objects.filter(object_type="accounts.apitoken").count() == 2


def test_members_do_not_make_tokens(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.member)
    assert "create-token" not in client.get(reverse("accounts:security")).content.decode()
    response = client.post(reverse("accounts:token_create"), {"name": "x", "days": "30"})
    assert response.status_code == 403
    response = client.post(
        "/api/v1/accounts/tokens", {"name": "x", "days": 30}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_the_api_lists_creates_and_revokes_my_tokens(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.district_admin)
    response = client.post(
        "/api/v1/accounts/tokens", {"name": "报表系统", "days": 90}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["key"].startswith("gj_")
    assert (
        client.post(
            "/api/v1/accounts/tokens", {"name": "x", "days": 91}, content_type="application/json"
        ).status_code
        == 422
    )
    listed = client.get("/api/v1/accounts/tokens").json()
    assert [t["name"] for t in listed] == ["报表系统"]
    assert "key" not in listed[0]
    assert client.delete(f"/api/v1/accounts/tokens/{body['id']}").status_code == 204
    assert client.get("/api/v1/accounts/tokens").json()[0]["revoked"] is True
    sessions = client.get("/api/v1/accounts/sessions")
    assert sessions.status_code == 200


def test_a_token_idle_for_30_days_stops_working(cast: Cast) -> None:
    token, key = services.api_token_create(user=cast.unit_admin, name="对接", days=90)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    # Used 29 days ago: still works
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - dt.timedelta(days=29))
    assert api.get("/api/v1/units").status_code == 200
    # Not used for 31 days (nor since it was made): refused
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - dt.timedelta(days=31))
    assert api.get("/api/v1/units").status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=None, created_at=timezone.now() - dt.timedelta(days=31)
    )
    assert api.get("/api/v1/units").status_code == 401


def test_a_token_past_its_expiry_stops_working(cast: Cast) -> None:
    token, key = services.api_token_create(user=cast.unit_admin, name="对接", days=1)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/units").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert api.get("/api/v1/units").status_code == 401
