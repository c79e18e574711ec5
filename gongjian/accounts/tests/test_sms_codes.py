"""A member gets in with the phone their unit has on record: first use (activation), log-in
by code, reset. A number on no record is answered the same and gets no text; bad codes,
bad numbers and bursts get a clear message and a 4xx."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.accounts.models import SmsCode, Throttle, User
from gongjian.core import crypto
from gongjian.core.models import AuditLog
from gongjian.orgs.models import Member
from gongjian.testing.cast import PASSWORD, Cast

NOBODY = "19912345678"


@pytest.fixture
def texts(settings: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The texts handed to the SMS gateway, instead of sending them."""
    settings.SMS_BACKEND = "log"
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "gongjian.core.sms.send_sms", lambda *, phone, text: sent.append((phone, text))
    )
    return sent


def _code(texts: list[tuple[str, str]], phone: str) -> str:
    mine = [t for p, t in texts if p == phone]
    assert mine, f"no text to {phone}"
    match = re.search(r"验证码为(\d{6})", mine[-1])
    assert match
    return match.group(1)


def _send(client: Client, phone: str, purpose: str = "activate", ip: str = "10.1.1.1") -> Any:
    return client.post(
        reverse("accounts:code_send"), {"phone": phone, "purpose": purpose}, REMOTE_ADDR=ip
    )


def _verify(client: Client, code: str, purpose: str = "activate") -> Any:
    return client.post(
        f"{reverse('accounts:code_verify')}?purpose={purpose}", {"code": code, "purpose": purpose}
    )


def _user_id(client: Client) -> int | None:
    key = client.session.get("_auth_user_id")
    return int(key) if key else None


# First use, log-in, reset -----------------------------------------------------------------


def test_a_member_without_an_account_activates_with_the_phone_on_record(
    cast: Cast, texts: list[tuple[str, str]]
) -> None:
    # Given 王静, a member of 区税务局 with a phone on record and no account
    member = cast.tax_colleague
    assert member.user is None
    client = Client()
    # When she asks for a code on the activation page
    response = _send(client, member.phone)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:code_verify"))
    # Then one text with a six-digit code goes to her phone
    assert [p for p, _t in texts] == [member.phone]
    assert "5分钟内有效" in texts[0][1]
    # And when she types it, she has an account, linked to her record, and is in
    response = _verify(client, _code(texts, member.phone))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:set_password")
    member.refresh_from_db()
    assert member.user is not None
    assert _user_id(client) == member.user.pk
    assert not member.user.has_usable_password()
    assert member.user.display_name == "王静"
    assert AuditLog.objects.filter(action="activate", object_id=str(member.pk)).exists()
    # She may skip setting a password and go to her home page
    assert client.get(reverse("home")).status_code == 200
    # or set one, and then log in with phone and password too.
    response = client.post(
        reverse("accounts:set_password"),
        {"new_password1": "Wang-Jing#2026x", "new_password2": "Wang-Jing#2026x"},
    )
    assert response.status_code == 302
    fresh = Client()
    response = fresh.post(
        reverse("accounts:login"), {"login": member.phone, "password": "Wang-Jing#2026x"}
    )
    assert response.status_code == 302
    assert _user_id(fresh) == member.user.pk


def test_a_member_logs_in_by_code_next_time_and_no_second_account_is_made(
    cast: Cast, texts: list[tuple[str, str]]
) -> None:
    member = cast.tax_colleague
    for _ in range(2):
        Throttle.objects.all().delete()  # the minute between two codes
        client = Client()
        _send(client, member.phone, purpose="login")
        response = _verify(client, _code(texts, member.phone), purpose="login")
        assert response.status_code == 302
    member.refresh_from_db()
    assert User.objects.filter(member=member).count() == 1
    assert AuditLog.objects.filter(action="login", reason="sms").count() == 2


def test_a_member_with_an_account_logs_in_by_code_with_the_phone_on_the_record(
    cast: Cast, texts: list[tuple[str, str]]
) -> None:
    # 李晓东's account has no phone of its own; his member record has one.
    client = Client()
    _send(client, cast.member_record.phone, purpose="login")
    response = _verify(client, _code(texts, cast.member_record.phone), purpose="login")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _user_id(client) == cast.member.pk


def test_forgotten_password_is_reset_with_a_code(cast: Cast, texts: list[tuple[str, str]]) -> None:
    phone = cast.member_record.phone
    client = Client()
    assert _send(client, phone, purpose="reset").status_code == 302
    assert "重置密码" in texts[-1][1]
    response = _verify(client, _code(texts, phone), purpose="reset")
    assert response["Location"] == reverse("accounts:set_password")
    # Until a new password is set, every page sends them back to set it
    assert client.get(reverse("orgs:member_list"))["Location"] == reverse("accounts:set_password")
    # and the old password cannot be kept.
    response = client.post(
        reverse("accounts:set_password"), {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert response.status_code == 400
    assert "不能与当前密码相同" in response.content.decode()
    response = client.post(
        reverse("accounts:set_password"),
        {"new_password1": "Li-Xiaodong#2026", "new_password2": "Li-Xiaodong#2026"},
    )
    assert response.status_code == 302
    assert client.get(reverse("orgs:member_list")).status_code == 200
    assert User.objects.get(pk=cast.member.pk).check_password("Li-Xiaodong#2026")


def test_a_password_cannot_be_set_without_the_old_one_otherwise(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.member)
    response = client.post(
        reverse("accounts:set_password"),
        {"new_password1": "Li-Xiaodong#2026", "new_password2": "Li-Xiaodong#2026"},
    )
    assert response.status_code == 403
    assert User.objects.get(pk=cast.member.pk).check_password(PASSWORD)


# No enumeration ---------------------------------------------------------------------------


def test_a_number_on_no_record_gets_the_same_answer_and_no_text(
    cast: Cast, texts: list[tuple[str, str]]
) -> None:
    known, unknown = Client(), Client()
    a = _send(known, cast.tax_colleague.phone)
    b = _send(unknown, NOBODY)
    assert (a.status_code, a["Location"]) == (b.status_code, b["Location"])
    page_a = known.get(a["Location"]).content.decode()
    page_b = unknown.get(b["Location"]).content.decode()
    masked = re.compile(
        r"1\d\d\*{4}\d{4}|csrfmiddlewaretoken\" value=\"[^\"]+|CSRFToken\": \"[^\"]+"
    )
    assert masked.sub("", page_a) == masked.sub("", page_b)
    assert [p for p, _t in texts] == [cast.tax_colleague.phone]
    # A code typed for the unknown number is refused like a wrong one, and nobody gets in.
    response = _verify(unknown, "123456")
    assert response.status_code == 400
    assert "验证码不正确" in response.content.decode()
    assert _user_id(unknown) is None
    # The unknown number is rate-limited exactly like a known one.
    assert _send(Client(), NOBODY).status_code == 429
    assert _send(Client(), cast.tax_colleague.phone).status_code == 429


def test_a_member_no_longer_on_record_gets_no_code(
    cast: Cast, texts: list[tuple[str, str]]
) -> None:
    Member.objects.filter(pk=cast.tax_colleague.pk).update(is_active=False)
    assert _send(Client(), cast.tax_colleague.phone).status_code == 302
    assert texts == []


# Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["12345", "2990012345678", "abc", "1990\x000012345", "9" * 300])
def test_a_malformed_number_is_refused_naming_the_field(
    cast: Cast, texts: list[tuple[str, str]], phone: str
) -> None:
    response = _send(Client(), phone)
    assert response.status_code == 400
    html = response.content.decode()
    # a NUL is refused before any view, naming the field by its name (core.middleware)
    assert ("手机号" in html) if "\x00" not in phone else ("空字符" in html and "phone" in html)
    assert texts == []


def test_wrong_expired_reused_and_foreign_codes_are_refused(
    cast: Cast, texts: list[tuple[str, str]]
) -> None:
    phone = cast.tax_colleague.phone
    client = Client()
    _send(client, phone)
    code = _code(texts, phone)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    # A wrong code: four tries left
    response = _verify(client, wrong)
    assert response.status_code == 400
    assert "验证码不正确，还可尝试4次" in response.content.decode()
    # Not six digits
    response = _verify(client, "12ab")
    assert response.status_code == 400
    assert "验证码应为6位数字" in response.content.decode()
    # Expired
    SmsCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = _verify(client, code)
    assert response.status_code == 400
    assert "验证码已过期" in response.content.decode()
    assert _user_id(client) is None
    # Used once, not twice
    Throttle.objects.all().delete()
    _send(client, phone)
    code = _code(texts, phone)
    assert _verify(client, code).status_code == 302
    other = Client()
    session = other.session
    session["gongjian_code_phone"] = phone
    session.save()
    response = _verify(other, code)
    assert response.status_code == 400
    assert "已使用" in response.content.decode()
    # A code sent to one number does not open another.
    Throttle.objects.all().delete()
    _send(Client(), cast.member_record.phone)
    theirs = _code(texts, cast.member_record.phone)
    mine = Client()
    _send(mine, cast.justice_member.phone)
    if theirs != _code(texts, cast.justice_member.phone):
        response = _verify(mine, theirs)
        assert response.status_code == 400
        assert _user_id(mine) is None


def test_five_wrong_tries_spend_the_code(cast: Cast, texts: list[tuple[str, str]]) -> None:
    phone = cast.tax_colleague.phone
    client = Client()
    _send(client, phone)
    code = _code(texts, phone)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert _verify(client, wrong).status_code == 400
    response = _verify(client, code)
    assert response.status_code == 400
    assert "错误次数过多" in response.content.decode()


def test_one_code_a_minute_and_ten_a_day_per_number(
    cast: Cast, texts: list[tuple[str, str]]
) -> None:
    phone = cast.tax_colleague.phone
    assert _send(Client(), phone).status_code == 302
    # A burst: the second request within the minute is refused with a 429 and how long to wait
    response = _send(Client(), phone)
    assert response.status_code == 429
    assert "秒后再试" in response.content.decode()
    assert int(response["Retry-After"]) <= 61
    # Ten a day, however spaced
    for _ in range(9):
        Throttle.objects.filter(key__startswith="sms-gap:").delete()
        assert _send(Client(), phone).status_code == 302
    Throttle.objects.filter(key__startswith="sms-gap:").delete()
    response = _send(Client(), phone)
    assert response.status_code == 429
    assert "今天" in response.content.decode()
    assert len(texts) == 10


def test_codes_are_kept_as_keyed_hashes_only(cast: Cast, texts: list[tuple[str, str]]) -> None:
    phone = cast.tax_colleague.phone
    _send(Client(), phone)
    code = _code(texts, phone)
    row = SmsCode.objects.get()
    assert code not in row.code_hash
    assert row.phone_hash == crypto.blind_index(phone)
    assert phone not in str(list(Throttle.objects.values_list("key", flat=True)))
    assert phone not in str(list(AuditLog.objects.values_list("object_repr", "changes")))


def test_sms_off_is_said_plainly(cast: Cast, settings: Any) -> None:
    settings.SMS_BACKEND = "off"
    response = _send(Client(), cast.tax_colleague.phone)
    assert response.status_code == 400
    assert "短信服务未开启" in response.content.decode()


def test_the_code_log_in_works_while_the_password_is_locked(
    cast: Cast, texts: list[tuple[str, str]]
) -> None:
    # Given a stranger who locked the member's password log-in from the member's own address
    for _ in range(5):
        Client().post(
            reverse("accounts:login"),
            {"login": "member", "password": "Wrong-Passw0rd!"},
            REMOTE_ADDR="10.1.1.1",
        )
    locked = Client().post(
        reverse("accounts:login"), {"login": "member", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1"
    )
    assert locked.status_code == 429
    # When the owner asks for a code from the same address, they are in.
    client = Client()
    _send(client, cast.member_record.phone, purpose="login", ip="10.1.1.1")
    response = _verify(client, _code(texts, cast.member_record.phone), purpose="login")
    assert response.status_code == 302
    assert _user_id(client) == cast.member.pk
