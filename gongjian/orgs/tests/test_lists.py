"""The lists of this app are declared once (orgs/lists.py): the page, the export and the API
take the same filters, refuse the same bad ones and show the same rows, within the scope."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongjian.orgs import selectors
from gongjian.testing.cast import Cast


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_names(client: Client, url: str, params: dict[str, str]) -> set[str]:
    response = client.get(url, params)
    assert response.status_code == 200, response.content.decode()[-500:]
    return {m.name for m in response.context["listing"].rows}


def api_names(client: Client, path: str, params: dict[str, str]) -> set[str]:
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


def sheet_rows(response: Any) -> list[list[Any]]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"in_service": "1"},
        {"in_service": "true"},
        {"in_service": "0"},
        {"status": "full"},
        {"q": "王"},
        {"party_org_id": "<tax_branch>"},
        {"unit_id": "<tax>"},
    ],
    ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all",
)
def test_the_member_page_and_api_show_the_same_members(cast: Cast, params: dict[str, str]) -> None:
    given = {
        k: str({"<tax_branch>": cast.tax_branch.pk, "<tax>": cast.tax.pk}.get(v, v))
        for k, v in params.items()
    }
    client = logged_in(cast.district_admin)
    on_page = page_names(client, reverse("orgs:member_list"), given)
    assert on_page == api_names(client, "/api/v1/members", given)
    export = sheet_rows(client.get(reverse("orgs:member_export"), given))
    assert {row[0] for row in export[1:]} == on_page


def test_the_in_service_filter_selects_in_service_members(cast: Cast) -> None:
    client = logged_in(cast.district_admin)
    everyone = selectors.member_list(actor=cast.district_admin)
    working = page_names(client, reverse("orgs:member_list"), {"in_service": "1"})
    others = page_names(client, reverse("orgs:member_list"), {"in_service": "0"})
    assert working == {m.name for m in everyone if m.in_service}
    assert others == {m.name for m in everyone if not m.in_service}
    assert working
    assert others


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"in_service": "maybe"}, "in_service"),
        ({"party_org_id": "abc"}, "party_org_id"),
        ({"unit_id": "1" * 30}, "unit_id"),
        ({"q": "王\x00"}, "q"),
    ],
)
def test_a_bad_filter_is_refused_alike_on_the_page_the_export_and_the_api(
    cast: Cast, params: dict[str, str], field: str
) -> None:
    client = logged_in(cast.district_admin)
    for url in (reverse("orgs:member_list"), reverse("orgs:member_export")):
        assert client.get(url, params).status_code == 400, url
    response = client.get("/api/v1/members", params)
    # a NUL is refused before any view (core.middleware): 422 in the API, like a bad schema
    assert response.status_code == (422 if "\x00" in "".join(params.values()) else 400)
    assert field in response.json()["detail"]["fields"]


def test_filtering_by_an_organisation_out_of_scope_is_not_found(cast: Cast) -> None:
    client = logged_in(cast.unit_admin)
    params = {"party_org_id": str(cast.justice_branch.pk)}
    assert client.get(reverse("orgs:member_list"), params).status_code == 404
    assert client.get("/api/v1/members", params).status_code == 404
    assert client.get(reverse("orgs:member_export"), params).status_code == 404


def test_the_area_count_of_the_tree_links_to_those_areas(cast: Cast) -> None:
    client = logged_in(cast.district_admin)
    html = client.get(reverse("orgs:tree")).content.decode()
    link = f"{reverse('orgs:area_list')}?parent_id={cast.qinghe.pk}"
    assert link in html
    children = {a.name for a in cast.qinghe.children.all()}
    assert page_names(client, reverse("orgs:area_list"), {"parent_id": str(cast.qinghe.pk)}) == (
        children
    )
    assert api_names(client, "/api/v1/areas", {"parent_id": str(cast.qinghe.pk)}) == children


def test_the_party_org_export_holds_the_organisations_in_scope(cast: Cast) -> None:
    rows = sheet_rows(logged_in(cast.unit_admin).get(reverse("orgs:party_org_export")))
    assert rows[0] == [
        "组织编码",
        "组织名称",
        "组织类别",
        "上级组织编码",
        "所属单位",
        "所属区域",
        "书记",
        "党员数",
    ]
    expected = {o.name for o in selectors.party_org_list(actor=cast.unit_admin)}
    assert {r[1] for r in rows[1:]} == expected
    assert cast.justice_branch.name not in expected
    branch = next(r for r in rows[1:] if r[1] == cast.tax_branch.name)
    assert branch[7] == cast.tax_branch.members.filter(is_active=True).count()


def test_the_unit_export_counts_each_unit_s_members(cast: Cast) -> None:
    rows = sheet_rows(logged_in(cast.district_admin).get(reverse("orgs:unit_export")))
    assert rows[0][-1] == "党员数"
    tax = next(r for r in rows[1:] if r[0] == cast.tax.code)
    assert tax[-1] == cast.tax.members.count()


def test_the_post_list_filters_by_post_on_the_page_and_the_api(cast: Cast) -> None:
    client = logged_in(cast.district_admin)
    response = client.get(reverse("orgs:role_list"), {"role": "grid_leader"})
    on_page = {ra.user.username for ra in response.context["listing"].rows}
    api = client.get("/api/v1/posts", {"role": "grid_leader"}).json()["items"]
    assert on_page == {item["username"] for item in api} == {cast.grid_leader.username}
    export = sheet_rows(client.get(reverse("orgs:role_export"), {"role": "grid_leader"}))
    assert [r[0] for r in export[1:]] == [cast.grid_leader.username]
