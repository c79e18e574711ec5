"""Staff posts that can unmask or export give a TOTP code at each log-in, enrol before their
first use of the post, give a fresh code to unmask an ID number after 15 minutes; a platform
administrator can reset another's second factor. Members are never asked."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken

from gongjian.accounts import services
from gongjian.accounts.models import RecoveryCodes, TotpDevice, User
from gongjian.core.models import AuditLog
from gongjian.testing.cast import PASSWORD, Cast, totp_code

LOGIN = "/accounts/login/"


def _login(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post(LOGIN, {"login": username, "password": password})


def _code_for_secret(secret: str) -> str:
    import base64

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key).token():06d}"


def test_staff_without_an_authenticator_enrol_before_their_first_use_of_the_post(
    cast: Cast,
) -> None:
    # Given a new community administrator with no authenticator
    TotpDevice.objects.filter(user=cast.community_secretary).delete()
    client = Client()
    # When they log in with the right password
    response = _login(client, "secretary")
    # Then they are sent to enrol, and every page of the post sends them back there
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_enrol"))
    response = client.get(reverse("orgs:member_list"))
    assert response["Location"].startswith(reverse("accounts:otp_enrol"))
    assert client.get("/api/v1/members").status_code == 403
    # The enrol page shows a QR code and the key; a wrong code is refused
    page = client.get(reverse("accounts:otp_enrol"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html
    secret = html.split('id="totp-secret">')[1].split("<")[0]
    response = client.post(reverse("accounts:otp_enrol"), {"code": "000000"})
    assert response.status_code == 400
    assert "动态口令不正确" in response.content.decode()
    # A right code confirms it, and shows ten recovery codes, once
    response = client.post(reverse("accounts:otp_enrol"), {"code": _code_for_secret(secret)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    # kept only as keyed hashes
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & ({c.replace("-", "") for c in codes} | set(codes))
    # and now the post's pages open.
    assert client.get(reverse("orgs:member_list")).status_code == 200
    assert AuditLog.objects.filter(action="otp_enrol", object_id=str(cast.community_secretary.pk))


def test_staff_give_a_code_at_each_log_in(cast: Cast) -> None:
    client = Client()
    response = _login(client, "district")
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get(reverse("orgs:member_list")).status_code == 302
    response = client.post(reverse("accounts:otp_verify"), {"code": "123456"})
    assert response.status_code == 400
    assert "不正确" in response.content.decode()
    # django-otp makes the next try wait (1, 2, 4 … seconds); the person typing takes longer.
    assert client.post(reverse("accounts:otp_verify"), {"code": "123456"}).status_code == 429
    TotpDevice.objects.update(throttling_failure_timestamp=timezone.now() - dt.timedelta(seconds=5))
    response = client.post(
        reverse("accounts:otp_verify"),
        {"code": totp_code(cast.district_admin), "next": reverse("orgs:member_list")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:member_list")
    assert client.get(reverse("orgs:member_list")).status_code == 200
    # The same code cannot be used twice (another log-in, same time step).
    used = client.session["otp_device_id"]
    assert used
    other = Client()
    _login(other, "district")
    device = TotpDevice.objects.get(user=cast.district_admin)
    code = f"{device.totp(float(device.last_t * device.step)).token():06d}"
    assert other.post(reverse("accounts:otp_verify"), {"code": code}).status_code == 400


def test_a_recovery_code_works_once(cast: Cast) -> None:
    codes = services.recovery_codes_renew(user=cast.unit_admin)
    client = Client()
    _login(client, "unitadmin")
    response = client.post(reverse("accounts:otp_verify"), {"code": codes[0]})
    assert response.status_code == 302
    assert client.get(reverse("orgs:member_list")).status_code == 200
    again = Client()
    _login(again, "unitadmin")
    assert again.post(reverse("accounts:otp_verify"), {"code": codes[0]}).status_code == 400
    assert RecoveryCodes.objects.get(user=cast.unit_admin).token_set.count() == 9


def test_without_verification_force_login_is_sent_to_the_code_page(
    cast: Cast, unverified_logins: None
) -> None:
    client = Client()
    client.force_login(cast.unit_admin)
    response = client.get(reverse("orgs:member_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    response = client.get("/api/v1/units")
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"
    assert client.get("/admin/").status_code == 302


def test_members_and_grid_leaders_are_not_asked(cast: Cast) -> None:
    for username in ("member", "gridleader", "outsider"):
        client = Client()
        response = _login(client, username)
        assert response["Location"] == reverse("home"), username
        assert client.get(reverse("home")).status_code == 200


def test_unmasking_an_id_number_after_15_minutes_asks_for_a_code(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.unit_admin)
    url = reverse("orgs:member_unmask", args=[cast.tax_colleague.public_id])
    detail = reverse("orgs:member_detail", args=[cast.tax_colleague.public_id])
    data = {"field": "id_number", "reason": "核对"}
    # Within 15 minutes of the last code: the number is shown
    response = client.post(
        url, data, HTTP_HX_REQUEST="true", HTTP_REFERER=f"http://testserver{detail}"
    )
    assert response.status_code == 200
    assert cast.tax_colleague.id_number in response.content.decode()
    # Sixteen minutes later: the page is sent to the code page, and back
    session = client.session
    session[services.SESSION_OTP_AT] = (timezone.now() - dt.timedelta(minutes=16)).timestamp()
    session.save()
    before = AuditLog.objects.filter(action="unmask").count()
    response = client.post(
        url, data, HTTP_HX_REQUEST="true", HTTP_REFERER=f"http://testserver{detail}"
    )
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:otp_verify"))
    assert "next=" in response["HX-Redirect"]
    assert AuditLog.objects.filter(action="unmask").count() == before
    # The phone needs no fresh code
    assert client.post(url, {"field": "phone", "reason": "联系"}).status_code == 200
    # The API says the same
    response = client.post(
        f"/api/v1/members/{cast.tax_colleague.public_id}/unmask",
        data,
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_stale"
    # After a fresh code, it is shown again.
    client.post(reverse("accounts:otp_verify"), {"code": totp_code(cast.unit_admin)})
    assert client.post(url, data).status_code == 200


def test_a_token_cannot_unmask_an_id_number(cast: Cast) -> None:
    _token, key = services.api_token_create(user=cast.unit_admin, name="对接")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").post(
        f"/api/v1/members/{cast.tax_colleague.public_id}/unmask",
        {"field": "id_number", "reason": "核对"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_a_platform_administrator_resets_another_s_second_factor(cast: Cast) -> None:
    admin = Client()
    admin.force_login(cast.platform_admin)
    url = f"/api/v1/accounts/users/{cast.unit_admin.pk}/second-factor/reset"
    # Nobody else may
    other = Client()
    other.force_login(cast.district_admin)
    assert other.post(url).status_code == 403
    assert TotpDevice.objects.filter(user=cast.unit_admin).exists()
    # The platform administrator may, and it is audited
    assert admin.post(url).status_code == 204
    assert not TotpDevice.objects.filter(user=cast.unit_admin).exists()
    entry = AuditLog.objects.get(action="otp_reset")
    assert (entry.actor_id, entry.object_id) == (cast.platform_admin.pk, str(cast.unit_admin.pk))
    # and at the next log-in the unit administrator enrols again.
    response = _login(Client(), "unitadmin")
    assert response["Location"].startswith(reverse("accounts:otp_enrol"))


def test_the_admin_action_resets_too(cast: Cast) -> None:
    admin = Client()
    admin.force_login(cast.platform_admin)
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [cast.street_admin.pk]},
    )
    assert response.status_code == 302
    assert not TotpDevice.objects.filter(user=cast.street_admin).exists()
    assert AuditLog.objects.filter(action="otp_reset", object_id=str(cast.street_admin.pk))


def test_the_secret_is_stored_encrypted(cast: Cast) -> None:
    device = TotpDevice.objects.get(user=cast.district_admin)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key FROM {TotpDevice._meta.db_table} WHERE id = %s", [device.pk])  # noqa: S608
        raw = cursor.fetchone()[0]
    assert device.key not in raw
    assert len(device.key) == 40


def test_switching_second_factors_off_is_one_setting_that_the_deploy_check_flags(
    cast: Cast, settings: Any
) -> None:
    settings.OTP_REQUIRED = False
    response = _login(Client(), "district")
    assert response["Location"] == reverse("home")
    with pytest.raises(SystemCheckError, match="GONGJIAN_OTP_REQUIRED"):
        call_command("check", "--deploy", "--fail-level", "WARNING", stdout=io.StringIO())
    settings.OTP_REQUIRED = True
    assert _login(Client(), "district")["Location"].startswith(reverse("accounts:otp_verify"))


def test_an_unverified_session_cannot_replace_the_authenticator(cast: Cast) -> None:
    client = Client()
    _login(client, "district")
    response = client.get(f"{reverse('accounts:otp_enrol')}?renew=1")
    assert response["Location"] == reverse("accounts:otp_verify")
    assert client.post(reverse("accounts:otp_enrol"), {"code": "123456"}).status_code == 302
    assert TotpDevice.objects.filter(user=cast.district_admin, confirmed=False).count() == 0
    assert User.objects.get(pk=cast.district_admin.pk).totpdevice_set.count() == 1
