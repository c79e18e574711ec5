"""Areas, units and party organisations created and edited on pages, not only by import.

Given 晨辉社区's secretary and 区税务局's administrator, when they fill in the forms, then the
records exist where their post reaches, and a post that can't create one gets no form."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongjian.core.models import AuditLog
from gongjian.orgs.models import Area, PartyOrg, Unit
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_secretary_adds_a_grid_to_their_community(cast: Cast) -> None:
    client = _client(cast.community_secretary)
    page = client.get(reverse("orgs:area_new")).content.decode()
    assert "晨辉社区" in page
    assert "星光社区" not in page
    response = client.post(
        reverse("orgs:area_new"),
        {"name": "晨辉社区第三网格", "code": "SF010103", "kind": "grid", "parent": cast.chenhui.pk},
    )
    assert response.status_code == 302
    grid = Area.objects.get(code="SF010103")
    assert grid.parent == cast.chenhui
    assert grid.path == cast.chenhui.path + "SF010103/"
    assert AuditLog.objects.filter(object_type="orgs.area", action="create").exists()


def test_a_bad_code_is_named_beside_its_field_and_nothing_is_written(cast: Cast) -> None:
    client = _client(cast.community_secretary)
    response = client.post(
        reverse("orgs:area_new"),
        {
            "name": "重复",
            "code": cast.chenhui_grid1.code,
            "kind": "grid",
            "parent": cast.chenhui.pk,
        },
    )
    assert response.status_code == 400
    assert "已存在" in response.content.decode()
    assert Area.objects.filter(name="重复").count() == 0


def test_the_district_admin_creates_a_unit_and_its_committee(cast: Cast) -> None:
    client = _client(cast.district_admin)
    response = client.post(
        reverse("orgs:unit_new"),
        {"name": "区教育局", "code": "U-EDU", "area": cast.district.pk, "category": "行政"},
    )
    assert response.status_code == 302
    unit = Unit.objects.get(code="U-EDU")
    response = client.post(
        reverse("orgs:party_org_new"),
        {
            "name": "区教育局党委",
            "code": "EDU",
            "kind": "committee",
            "parent": cast.working_committee.pk,
            "unit": unit.pk,
            "area": "",
        },
    )
    assert response.status_code == 302
    org = PartyOrg.objects.get(code="EDU")
    assert org.unit == unit
    assert org.parent == cast.working_committee


def test_the_unit_admin_renames_their_unit_and_branch(cast: Cast) -> None:
    client = _client(cast.unit_admin)
    response = client.post(
        reverse("orgs:unit_edit", args=[cast.tax.pk]), {"name": "区税务局", "address": "人民路1号"}
    )
    assert response.status_code == 302
    cast.tax.refresh_from_db()
    assert cast.tax.address == "人民路1号"
    response = client.post(
        reverse("orgs:party_org_edit", args=[cast.tax_branch.pk]),
        {"name": "区税务局第一党支部", "secretary": "张书记"},
    )
    assert response.status_code == 302
    cast.tax_branch.refresh_from_db()
    assert cast.tax_branch.secretary == "张书记"
    # but not the other unit's
    other = client.get(reverse("orgs:unit_edit", args=[cast.justice.pk]))
    assert other.status_code == 404


def test_a_grid_leader_gets_no_form(cast: Cast) -> None:
    client = _client(cast.grid_leader)
    assert client.get(reverse("orgs:area_new")).status_code == 404
    assert client.get(reverse("orgs:unit_new")).status_code == 404
    assert client.get(reverse("orgs:party_org_new")).status_code == 404
