"""What a client can send never gets a 500, and every API error comes in the one JSON shape:
a NUL anywhere is refused naming the field, a database outage is 503 with Retry-After."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.test import Client

from gongjian.orgs import selectors
from gongjian.testing.cast import Cast


@pytest.fixture
def admin(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.district_admin)
    return client


def test_a_nul_in_an_api_query_is_422_naming_it(admin: Client) -> None:
    response = admin.get("/api/v1/units", {"q": "税务\x00局"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation"
    assert "q" in body["detail"]["fields"]


def test_a_nul_in_an_api_json_body_is_422(admin: Client, cast: Cast) -> None:
    response = admin.post(
        "/api/v1/units",
        data=json.dumps({"name": "区\u0000局", "code": "X1"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"]["fields"] == {"body": ["请求参数不能包含空字符"]}


def test_a_nul_in_a_page_search_is_400_on_the_page(admin: Client) -> None:
    response = admin.get("/orgs/members/", {"q": "张\x00"})
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_a_nul_in_a_form_post_is_refused_before_any_write(admin: Client, cast: Cast) -> None:
    before = cast.tax.name
    response = admin.post(f"/orgs/units/{cast.tax.pk}/", {"name": "税\x00务"})
    assert response.status_code == 400
    cast.tax.refresh_from_db()
    assert cast.tax.name == before


def test_a_database_outage_is_503_with_retry_after(
    admin: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(**kwargs: object) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(selectors, "unit_list", down)
    response = admin.get("/api/v1/units")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["code"] == "unavailable"


def test_an_unexpected_error_is_500_in_the_json_shape(
    admin: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(selectors, "unit_list", broken)
    response = admin.get("/api/v1/units")
    assert response.status_code == 500
    assert response.json() == {"code": "server_error", "message": "服务器内部错误", "detail": {}}


def test_an_unknown_api_route_is_404_in_the_json_shape(admin: Client) -> None:
    response = admin.get("/api/v1/units/999999999")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_multipart_body_without_a_boundary_is_a_400_in_the_error_shape(db: None) -> None:
    from django.test import Client

    response = Client().generic(
        "POST", "/api/v1/imports/members", b"x=1", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "validation"
    page = Client().generic("POST", "/accounts/login/", b"x", content_type="multipart/form-data")
    assert page.status_code == 400
