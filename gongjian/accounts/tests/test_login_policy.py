"""The log-in policy, told through the real pages: log in by username or phone, throttling by
account and source address that a stranger cannot turn into a lockout of the owner, the same
policy at the Django admin's door, password rules and age, and the two session limits. Every
attempt is audited."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.accounts.middleware import SESSION_LOGIN_AT
from gongjian.accounts.models import Throttle, User
from gongjian.core import crypto
from gongjian.core.models import AuditLog
from gongjian.testing.cast import PASSWORD, Cast

LOGIN = "/accounts/login/"
OFFICE_IP = "10.20.30.40"
STRANGER_IP = "10.66.66.66"
WRONG = "Wrong-Passw0rd!"
LOCKED_MESSAGE = "登录失败次数过多"


def _post_login(client: Client, login: str, password: str, ip: str = OFFICE_IP) -> Any:
    return client.post(LOGIN, {"login": login, "password": password}, REMOTE_ADDR=ip)


def _logged_in_as(client: Client) -> int | None:
    key = client.session.get("_auth_user_id")
    return int(key) if key is not None else None


def _give_phone(user: User, phone: str) -> None:
    user.phone = phone
    user.phone_hash = crypto.blind_index(phone)
    user.save(update_fields=["phone", "phone_hash"])


def _without_tokens(html: str) -> str:
    return re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', "", html)


def _fail(login: str, times: int, ip: str = OFFICE_IP) -> None:
    for _ in range(times):
        _post_login(Client(), login, WRONG, ip=ip)


# Logging in ---------------------------------------------------------------------------------


def test_a_member_logs_in_with_the_username(cast: Cast) -> None:
    client = Client()
    response = _post_login(client, "member", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _logged_in_as(client) == cast.member.pk


def test_a_member_logs_in_with_the_phone_number_in_any_common_form(cast: Cast) -> None:
    _give_phone(cast.member, "19900123456")
    for written in ("19900123456", "+86 199-0012-3456"):
        client = Client()
        response = _post_login(client, written, PASSWORD)
        assert response.status_code == 302, written
        assert _logged_in_as(client) == cast.member.pk


def test_a_wrong_password_is_refused_with_a_message_that_does_not_tell_who_exists(
    cast: Cast,
) -> None:
    bodies = []
    for login in ("member", "nobody-at-all"):
        client = Client()
        response = _post_login(client, login, WRONG)
        assert response.status_code == 401
        html = response.content.decode()
        assert "账号或密码不正确" in html
        assert login in html  # what was typed is kept
        assert WRONG not in html
        assert _logged_in_as(client) is None
        bodies.append(_without_tokens(html.replace(login, "LOGIN")))
    assert bodies[0] == bodies[1]


@pytest.mark.parametrize("login", ["a\x00b", "x" * 400, "", "   "])
def test_odd_input_is_a_clear_4xx(cast: Cast, login: str) -> None:
    response = _post_login(Client(), login, "x\x00y")
    assert 400 <= response.status_code < 500
    assert "error" in response.content.decode()


# Throttling -----------------------------------------------------------------------------------


def test_five_failures_from_one_address_lock_that_pair_even_against_the_right_password(
    cast: Cast,
) -> None:
    # Given four failed attempts, the right password still works, and clears the count
    _fail("member", 4)
    assert _post_login(Client(), "member", PASSWORD).status_code == 302
    _fail("member", 4)
    assert _post_login(Client(), "member", PASSWORD).status_code == 302
    # When five fail in a row from the office
    _fail("member", 5)
    # Then the right password from that address is refused, with a clear message and a 429.
    client = Client()
    response = _post_login(client, "member", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED_MESSAGE in html
    assert "短信验证码登录" in html
    assert int(response["Retry-After"]) > 14 * 60
    assert _logged_in_as(client) is None


def test_a_stranger_cannot_lock_the_owner_out_from_another_address(cast: Cast) -> None:
    # Given a stranger who failed ten times from their address, by username and by phone
    _give_phone(cast.member, "19900123456")
    _fail("member", 5, ip=STRANGER_IP)
    _fail("19900123456", 5, ip=STRANGER_IP)
    assert _post_login(Client(), "member", PASSWORD, ip=STRANGER_IP).status_code == 429
    # When the owner logs in from the office, they are let in
    client = Client()
    assert _post_login(client, "member", PASSWORD, ip=OFFICE_IP).status_code == 302
    assert _logged_in_as(client) == cast.member.pk
    # and colleagues sharing the stranger's address are not affected either.
    assert _post_login(Client(), "unitadmin", PASSWORD, ip=STRANGER_IP).status_code == 302


def test_an_unknown_name_is_throttled_exactly_like_a_real_one(cast: Cast) -> None:
    _fail("member", 5)
    _fail("nobody-at-all", 5)
    real = _post_login(Client(), "member", PASSWORD)
    unknown = _post_login(Client(), "nobody-at-all", PASSWORD)
    assert real.status_code == unknown.status_code == 429
    assert _without_tokens(real.content.decode().replace("member", "X")) == _without_tokens(
        unknown.content.decode().replace("nobody-at-all", "X")
    )


def test_failures_from_many_addresses_lock_the_password_log_in_and_tell_the_owner(
    cast: Cast,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given a low account-wide limit and an owner with a phone
    settings.LOCKOUT_ACCOUNT_FAILURES = 8
    settings.SMS_BACKEND = "log"
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "gongjian.core.sms.send_sms", lambda *, phone, text: sent.append((phone, text))
    )
    _give_phone(cast.member, "19900123456")
    # When eight addresses each fail once
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(8):
            _fail("member", 1, ip=f"10.1.1.{n}")
    # Then the password log-in is refused from a new address too
    response = _post_login(Client(), "member", PASSWORD, ip="10.2.2.2")
    assert response.status_code == 429
    # and the owner was told once, by text, and the lock is in the audit log.
    assert len(sent) == 1
    assert sent[0][0] == "19900123456"
    assert "短信验证码登录" in sent[0][1]
    assert (
        AuditLog.objects.filter(action="login_locked", object_id=str(cast.member.pk)).count() == 1
    )
    with django_capture_on_commit_callbacks(execute=True):
        _fail("member", 1, ip="10.3.3.3")
    assert len(sent) == 1


def test_the_pair_unlocks_when_the_window_has_passed(cast: Cast) -> None:
    _fail("member", 5)
    assert _post_login(Client(), "member", PASSWORD).status_code == 429
    # When the fifteen minutes have passed
    past = timezone.now() - dt.timedelta(minutes=16)
    Throttle.objects.update(locked_until=past, window_started_at=past)
    # Then the right password is accepted and the pair's count starts again.
    client = Client()
    assert _post_login(client, "member", PASSWORD).status_code == 302
    assert _logged_in_as(client) == cast.member.pk
    pair = Throttle.objects.get(key__startswith=f"pair:u{cast.member.pk}:")
    assert (pair.count, pair.locked_until) == (0, None)


def test_failures_spread_over_more_than_the_window_do_not_lock(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given four failures, then the clock of the log-in service moved on sixteen minutes
    _fail("member", 4)
    later = timezone.now() + dt.timedelta(minutes=16)
    monkeypatch.setattr("gongjian.accounts.services.timezone.now", lambda: later)
    # When the fifth failure comes, it starts a new window instead of locking.
    _fail("member", 1)
    pair = Throttle.objects.get(key__startswith=f"pair:u{cast.member.pk}:")
    assert pair.count == 1
    assert _post_login(Client(), "member", PASSWORD).status_code == 302


def test_every_log_in_and_failure_is_audited_with_its_address(cast: Cast) -> None:
    _post_login(Client(), "member", WRONG, ip="10.0.0.7")
    _post_login(Client(), "nobody-at-all", WRONG, ip="10.0.0.8")
    _post_login(Client(), "member", PASSWORD, ip="10.0.0.9")
    _fail("unitadmin", 5)
    _post_login(Client(), "unitadmin", PASSWORD, ip=OFFICE_IP)
    _post_login(Client(), "19900000001", WRONG, ip="10.0.0.11")

    failed = AuditLog.objects.get(action="login_failed", ip="10.0.0.7")
    assert (failed.success, failed.actor_label, failed.object_id) == (
        False,
        "member",
        str(cast.member.pk),
    )
    unknown = AuditLog.objects.get(action="login_failed", ip="10.0.0.8")
    assert (unknown.success, unknown.actor_label) == (False, "nobody-at-all")
    ok = AuditLog.objects.get(action="login", ip="10.0.0.9")
    assert (ok.success, ok.actor_id, ok.object_id) == (True, cast.member.pk, str(cast.member.pk))
    refused = (
        AuditLog.objects.filter(action="login_failed", actor_label="unitadmin")
        .order_by("id")
        .last()
    )
    assert refused is not None
    assert refused.reason == "throttled:pair"
    assert AuditLog.objects.filter(action="login_failed", actor_label="unitadmin").count() == 6
    # A phone typed as the log-in is kept masked.
    assert AuditLog.objects.get(ip="10.0.0.11").actor_label == "199****0001"
    assert WRONG not in str(list(AuditLog.objects.values_list("changes", "reason")))


# The Django admin's door ---------------------------------------------------------------------


def test_the_admin_log_in_goes_through_the_same_policy(cast: Cast) -> None:
    # Given the admin's own log-in form fields, posted straight to /admin/login/
    def admin_login(password: str, ip: str = OFFICE_IP) -> Any:
        return Client().post(
            "/admin/login/?next=/admin/",
            {"username": "platform", "password": password, "next": "/admin/"},
            REMOTE_ADDR=ip,
        )

    # Each failure is refused and audited like the page's
    for _ in range(5):
        assert admin_login(WRONG).status_code == 401
    assert AuditLog.objects.filter(action="login_failed", actor_label="platform").count() == 5
    # and the sixth, with the right password, is refused: the pair is locked.
    assert admin_login(PASSWORD).status_code == 429
    assert AuditLog.objects.filter(action="login_failed", reason="throttled:pair").count() == 1
    # From another address the right password gets in, to the second factor first.
    response = admin_login(PASSWORD, ip="10.9.9.9")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert "next=/admin/" in response["Location"]
    assert AuditLog.objects.filter(action="login", actor_label="platform").count() == 1


def test_the_admin_log_in_page_is_the_project_s(cast: Cast) -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 200
    assert "登录共建平台" in response.content.decode()


# Password rules and age --------------------------------------------------------------------


def _change_password(client: Client, new: str, old: str = PASSWORD) -> Any:
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


@pytest.mark.parametrize(
    ("new", "why"),
    [
        ("Abcdefg-123", "密码太短，至少需要12个字符"),  # 11 characters, four classes
        ("abcdefghij12", "至少3类"),  # 12 characters, two classes
        ("Password1234", "太常见"),  # three classes, but one of the most common passwords
        ("Xx-member-2026!", "不能包含用户名"),
        ("Ab-19900123456", "不能包含手机号"),
        ("Ab-199 0012 3456", "不能包含手机号"),
    ],
)
def test_weak_passwords_are_refused_on_the_change_page(cast: Cast, new: str, why: str) -> None:
    _give_phone(cast.member, "19900123456")
    client = Client()
    client.force_login(cast.member)
    before = User.objects.get(pk=cast.member.pk).password
    response = _change_password(client, new)
    assert response.status_code == 400
    assert why in response.content.decode()
    assert User.objects.get(pk=cast.member.pk).password == before
    assert not AuditLog.objects.filter(action="password_change").exists()


def test_none_of_the_last_five_passwords_may_come_back(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.member)
    passwords = [PASSWORD] + [f"Qinghe-Street#{n}0" for n in range(1, 6)]
    for old, new in itertools.pairwise(passwords):
        assert _change_password(client, new, old=old).status_code == 302, new
    current = passwords[-1]
    # The last five (the current one and four before it) are refused
    for reused in passwords[1:]:
        response = _change_password(client, reused, old=current)
        assert response.status_code == 400, reused
        assert "不能与当前密码相同" in response.content.decode() or "最近5次" in (
            response.content.decode()
        )
    # and the sixth back is allowed again.
    assert _change_password(client, passwords[0], old=current).status_code == 302


def test_a_good_password_is_accepted_audited_and_ends_the_other_sessions(cast: Cast) -> None:
    elsewhere = Client()
    assert _post_login(elsewhere, "member", PASSWORD, ip="10.5.5.5").status_code == 302
    client = Client()
    assert _post_login(client, "member", PASSWORD).status_code == 302
    User.objects.filter(pk=cast.member.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=10)
    )
    response = _change_password(client, "Qinghe-Street#2026")
    assert response.status_code == 302
    user = User.objects.get(pk=cast.member.pk)
    assert user.check_password("Qinghe-Street#2026")
    assert user.password_changed_at is not None
    assert user.password_changed_at > timezone.now() - dt.timedelta(minutes=1)
    # This session survives the change, the other one is over.
    assert client.get(reverse("home")).status_code == 200
    assert elsewhere.get(reverse("home")).status_code == 302
    entry = AuditLog.objects.get(action="password_change")
    assert entry.object_id == str(user.pk)
    assert "Qinghe-Street#2026" not in str(entry.changes)


def test_the_old_password_must_be_given(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.member)
    response = _change_password(client, "Qinghe-Street#2026", old="not-it")
    assert response.status_code == 400
    assert "当前密码不正确" in response.content.decode()


def test_a_password_older_than_90_days_sends_the_user_to_change_it(cast: Cast) -> None:
    assert settings.PASSWORD_MAX_AGE_DAYS == 90
    client = Client()
    client.force_login(cast.member)
    User.objects.filter(pk=cast.member.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=89)
    )
    assert client.get(reverse("home")).status_code == 200
    User.objects.filter(pk=cast.member.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    response = client.get(reverse("orgs:member_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")
    # The change page itself stays open.
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_an_expired_password_stops_the_api_too(cast: Cast) -> None:
    from gongjian.accounts import services

    _token, key = services.api_token_create(user=cast.unit_admin, name="对接")
    session = Client()
    session.force_login(cast.unit_admin)
    assert session.get("/api/v1/units").status_code == 200
    User.objects.filter(pk=cast.unit_admin.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    # Through the session cookie
    response = session.get("/api/v1/units")
    assert response.status_code == 403
    assert response.json()["code"] == "password_expired"
    # and through a token.
    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/units")
    assert response.status_code == 403
    assert response.json()["code"] == "password_expired"
    assert "修改密码" in response.json()["message"]


def test_the_password_age_is_configurable(cast: Cast, settings: object) -> None:
    client = Client()
    client.force_login(cast.member)
    User.objects.filter(pk=cast.member.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=31)
    )
    settings.PASSWORD_MAX_AGE_DAYS = 30  # type: ignore[attr-defined]
    assert client.get(reverse("home"))["Location"] == reverse("accounts:password_change")
    settings.PASSWORD_MAX_AGE_DAYS = 0  # type: ignore[attr-defined]  # 0 turns expiry off
    assert client.get(reverse("home")).status_code == 200


# Sessions ---------------------------------------------------------------------------------------


def _logged_in_client(cast: Cast) -> Client:
    client = Client()
    assert _post_login(client, "member", PASSWORD).status_code == 302
    return client


def test_a_session_ends_twelve_hours_after_log_in_however_active(cast: Cast) -> None:
    client = _logged_in_client(cast)
    session = client.session
    assert session[SESSION_LOGIN_AT] == pytest.approx(timezone.now().timestamp(), abs=60)
    # Eleven hours and fifty-nine minutes in, still logged in
    session[SESSION_LOGIN_AT] = (timezone.now() - dt.timedelta(hours=11, minutes=59)).timestamp()
    session.save()
    assert client.get(reverse("home")).status_code == 200
    # Twelve hours and one minute in, logged out, whatever the activity.
    session = client.session
    session[SESSION_LOGIN_AT] = (timezone.now() - dt.timedelta(hours=12, minutes=1)).timestamp()
    session.save()
    response = client.get(reverse("orgs:member_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert _logged_in_as(client) is None
    assert client.get(reverse("home")).status_code == 302


def test_the_idle_limit_is_thirty_minutes_renewed_on_every_request(cast: Cast) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    client = _logged_in_client(cast)
    key = client.session.session_key
    # Given a session that would expire in a minute
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=1)
    )
    # When the user makes a request, its expiry moves on to thirty minutes from now.
    assert client.get(reverse("home")).status_code == 200
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry > timezone.now() + dt.timedelta(minutes=29)
    assert expiry <= timezone.now() + dt.timedelta(minutes=30)
    # And a session left idle past its expiry is over.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
