from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from gongjian.accounts import services
from gongjian.accounts.models import ApiToken
from gongjian.testing.cast import Cast


def test_a_token_reads_the_api_within_its_owner_s_scope(cast: Cast) -> None:
    # Given a token of the unit administrator of 区税务局
    _token, key = services.api_token_create(user=cast.unit_admin, name="对接")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    # When it lists units, then it sees its own unit only
    names = [u["name"] for u in client.get("/api/v1/units").json()["items"]]
    assert names == ["区税务局"]
    # And a unit outside the scope is not found
    assert client.get(f"/api/v1/units/{cast.justice.pk}").status_code == 404


def test_only_the_hash_of_the_key_is_kept(cast: Cast) -> None:
    token, key = services.api_token_create(user=cast.unit_admin, name="对接")
    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in (stored.key_hash, stored.prefix)
    assert len(stored.key_hash) == 64


@pytest.mark.parametrize("state", ["revoked", "expired", "wrong"])
def test_revoked_expired_or_wrong_tokens_are_refused(cast: Cast, state: str) -> None:
    token, key = services.api_token_create(user=cast.unit_admin, name="对接")
    if state == "revoked":
        ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    elif state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - dt.timedelta(days=1)
        )
    else:
        key = key[:-2] + "xx"
    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/units")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_the_command_prints_a_working_key(cast: Cast) -> None:
    out = io.StringIO()
    call_command(
        "api_token", cast.district_admin.username, "测试", stdout=out, stderr=io.StringIO()
    )
    key = out.getvalue().strip()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/members")
    assert response.status_code == 200
    assert response.json()["count"] == 5


def test_api_errors_have_one_shape(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.district_admin)
    response = client.post(
        "/api/v1/members",
        {"name": "新党员", "id_number": "110105194912310021", "party_org_id": cast.tax_branch.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation"
    assert "id_number" in body["detail"]["fields"]
    assert "校验位" in body["message"]
