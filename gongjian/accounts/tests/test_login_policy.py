"""The log-in policy, told through the real pages: log in by username or phone, lockout by
account, password rules and age, and the two session limits. Every attempt is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.accounts.middleware import SESSION_LOGIN_AT
from gongjian.accounts.models import User
from gongjian.core import crypto
from gongjian.core.models import AuditLog
from gongjian.testing.cast import PASSWORD, Cast

LOGIN = "/accounts/login/"
OFFICE_IP = "10.20.30.40"
LOCKED_MESSAGE = "账号已临时锁定"


def _post_login(client: Client, login: str, password: str, ip: str = OFFICE_IP) -> Any:
    return client.post(LOGIN, {"login": login, "password": password}, REMOTE_ADDR=ip)


def _logged_in_as(client: Client) -> int | None:
    key = client.session.get("_auth_user_id")
    return int(key) if key is not None else None


def _give_phone(user: User, phone: str) -> None:
    user.phone = phone
    user.phone_hash = crypto.blind_index(phone)
    user.save(update_fields=["phone", "phone_hash"])


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
    client = Client()
    for login in ("member", "nobody-at-all"):
        response = _post_login(client, login, "Wrong-Passw0rd!")
        assert response.status_code == 200
        assert "账号或密码不正确" in response.content.decode()
        assert _logged_in_as(client) is None


# Lockout --------------------------------------------------------------------------------------


def _fail(client: Client, login: str, times: int) -> None:
    for _ in range(times):
        _post_login(client, login, "Wrong-Passw0rd!")


def test_five_failures_lock_the_account_even_against_the_right_password(cast: Cast) -> None:
    # Given four failed attempts, the right password still works …
    client = Client()
    _fail(client, "member", 4)
    assert _post_login(client, "member", PASSWORD).status_code == 302
    # … and a success starts the count again.
    client = Client()
    _fail(client, "member", 4)
    cast.member.refresh_from_db()
    assert cast.member.failed_login_count == 4
    assert cast.member.locked_until is None
    # When the fifth failure comes
    _fail(client, "member", 1)
    # Then the account is locked and the right password is refused, with a clear message.
    cast.member.refresh_from_db()
    assert cast.member.locked_until is not None
    assert cast.member.locked_until > timezone.now() + dt.timedelta(minutes=14)
    response = _post_login(client, "member", PASSWORD)
    assert response.status_code == 200
    html = response.content.decode()
    assert LOCKED_MESSAGE in html
    assert "15分钟后再试" in html
    assert _logged_in_as(client) is None


def test_the_lock_is_by_account_not_by_ip(cast: Cast) -> None:
    # Given the member's account locked from the shared office address
    _fail(Client(), "member", 5)
    assert LOCKED_MESSAGE in _post_login(Client(), "member", PASSWORD).content.decode()
    # When a colleague logs in from the same address, they are let in.
    client = Client()
    response = _post_login(client, "unitadmin", PASSWORD, ip=OFFICE_IP)
    assert response.status_code == 302
    assert _logged_in_as(client) == cast.unit_admin.pk
    # And the member is still locked from any other address.
    elsewhere = _post_login(Client(), "member", PASSWORD, ip="10.9.9.9")
    assert LOCKED_MESSAGE in elsewhere.content.decode()


def test_the_lock_also_holds_when_logging_in_by_phone(cast: Cast) -> None:
    _give_phone(cast.member, "19900123456")
    _fail(Client(), "19900123456", 5)
    response = _post_login(Client(), "member", PASSWORD)
    assert LOCKED_MESSAGE in response.content.decode()


def test_the_account_unlocks_when_the_window_has_passed(cast: Cast) -> None:
    _fail(Client(), "member", 5)
    assert LOCKED_MESSAGE in _post_login(Client(), "member", PASSWORD).content.decode()
    # When the fifteen minutes have passed
    past = timezone.now() - dt.timedelta(seconds=1)
    User.objects.filter(pk=cast.member.pk).update(
        locked_until=past, first_failed_login_at=past - dt.timedelta(minutes=15)
    )
    # Then the right password is accepted and the counters are cleared.
    client = Client()
    assert _post_login(client, "member", PASSWORD).status_code == 302
    assert _logged_in_as(client) == cast.member.pk
    cast.member.refresh_from_db()
    assert (cast.member.failed_login_count, cast.member.locked_until) == (0, None)


def test_failures_spread_over_more_than_the_window_do_not_lock(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given four failures, then the clock of the log-in service moved on sixteen minutes
    _fail(Client(), "member", 4)
    later = timezone.now() + dt.timedelta(minutes=16)
    monkeypatch.setattr("gongjian.accounts.services.timezone.now", lambda: later)
    # When the fifth failure comes, it starts a new window instead of locking.
    _fail(Client(), "member", 1)
    cast.member.refresh_from_db()
    assert cast.member.locked_until is None
    assert cast.member.failed_login_count == 1
    assert _post_login(Client(), "member", PASSWORD).status_code == 302


def test_every_log_in_and_failure_is_audited_with_its_ip(cast: Cast) -> None:
    _post_login(Client(), "member", "Wrong-Passw0rd!", ip="10.0.0.7")
    _post_login(Client(), "nobody-at-all", "Wrong-Passw0rd!", ip="10.0.0.8")
    _post_login(Client(), "member", PASSWORD, ip="10.0.0.9")
    _fail(Client(), "unitadmin", 5)
    _post_login(Client(), "unitadmin", PASSWORD, ip="10.0.0.10")

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
    refused_while_locked = AuditLog.objects.get(action="login_failed", ip="10.0.0.10")
    assert (refused_while_locked.success, refused_while_locked.reason) == (False, "locked")
    assert AuditLog.objects.filter(action="login_failed", actor_label="unitadmin").count() == 6
    assert "Wrong-Passw0rd!" not in str(list(AuditLog.objects.values_list("changes", "reason")))


# Password rules and age --------------------------------------------------------------------


def _change_password(client: Client, new: str) -> Any:
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )


@pytest.mark.parametrize(
    ("new", "why"),
    [
        ("Abcdefg-123", "密码太短，至少需要12个字符"),  # 11 characters, four classes
        ("abcdefghij12", "至少3类"),  # 12 characters, two classes
        ("Password1234", "太常见"),  # three classes, but one of the most common passwords
    ],
)
def test_weak_passwords_are_refused_on_the_change_page(cast: Cast, new: str, why: str) -> None:
    client = Client()
    client.force_login(cast.member)
    before = User.objects.get(pk=cast.member.pk).password
    response = _change_password(client, new)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("new_password1", []))
    assert why in errors
    assert why in response.content.decode()
    assert User.objects.get(pk=cast.member.pk).password == before
    assert not AuditLog.objects.filter(action="password_change").exists()


def test_a_good_password_is_accepted_and_audited(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.member)
    User.objects.filter(pk=cast.member.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=10)
    )
    response = _change_password(client, "Qinghe-Street#2026")
    assert response.status_code == 302
    user = User.objects.get(pk=cast.member.pk)
    assert user.check_password("Qinghe-Street#2026")
    assert user.password_changed_at is not None
    assert user.password_changed_at > timezone.now() - dt.timedelta(minutes=1)
    # The session survives the change, and the change is in the audit log without the password.
    assert client.get(reverse("home")).status_code == 200
    entry = AuditLog.objects.get(action="password_change")
    assert entry.object_id == str(user.pk)
    assert "Qinghe-Street#2026" not in str(entry.changes)


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
