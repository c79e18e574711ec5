"""Areas carry their local kind on the same levels: 街道 / 镇 / 乡 at the second level, 社区 / 村
at the third. Given the district's administrator, when a town with villages is created on the
page, over the API or by import, then it reads 镇 and 村 in the lists, the picker and the export,
and a kind that does not fit the level is refused with the field named and nothing written."""

from __future__ import annotations

import io

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongjian.core.errors import ValidationFailed
from gongjian.orgs import selectors, services
from gongjian.orgs.models import Area
from gongjian.orgs.tests.test_import import check, confirm, errors_of, logged_in, xlsx
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db

HEADERS = ["编码", "名称", "层级", "上级编码", "类型"]


def test_a_town_and_its_villages_are_created_on_the_page_and_read_right(cast: Cast) -> None:
    client = logged_in(cast.district_admin)
    # when the district adds a town and a village under it on the area form
    response = client.post(
        reverse("orgs:area_new"),
        {
            "name": "石桥镇",
            "code": "SF05",
            "kind": "street",
            "local_kind": "town",
            "parent": cast.district.pk,
        },
    )
    assert response.status_code == 302
    town = Area.objects.get(code="SF05")
    response = client.post(
        reverse("orgs:area_new"),
        {
            "name": "柳溪村",
            "code": "SF0501",
            "kind": "community",
            "local_kind": "village",
            "parent": town.pk,
        },
    )
    assert response.status_code == 302
    village = Area.objects.get(code="SF0501")
    # then they are a town and a village, and an area given no local kind is its level's
    assert (town.local_kind, town.kind_label) == ("town", "镇")
    assert (village.local_kind, village.kind_label) == ("village", "村")
    assert cast.qinghe.kind_label == "街道"
    assert cast.chenhui_grid1.kind_label == "网格"
    assert selectors.area_kind_label(village) == "村"
    assert selectors.area_children_label(town) == "村"
    # the list, the picker and the export say so
    page = client.get(reverse("orgs:area_list") + f"?parent_id={town.pk}").content.decode()
    assert "<td>村</td>" in page
    towns = client.get(reverse("orgs:area_list") + "?local_kind=town").content.decode()
    assert "石桥镇" in towns
    assert "青禾街道" not in towns
    picks = client.get(reverse("orgs:pick", args=["area"]) + "?q=柳溪").content.decode()
    assert "SF0501 · 村" in picks
    export = client.get(reverse("orgs:area_export") + f"?parent_id={town.pk}")
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    assert ["SF0501", "柳溪村", "村"] == [
        c for c in next(sheet.iter_rows(min_row=2, values_only=True))
    ][:3]
    # and the home page counts towns apart from streets
    home = client.get(reverse("home")).content.decode()
    assert "镇</a>" in home


def test_the_local_kind_is_edited_and_a_wrong_one_is_refused_naming_the_field(cast: Cast) -> None:
    client = logged_in(cast.district_admin)
    url = reverse("orgs:area_edit", args=[cast.donghu.pk])
    assert client.post(url, {"name": "东湖镇", "local_kind": "town"}).status_code == 302
    cast.donghu.refresh_from_db()
    assert (cast.donghu.name, cast.donghu.kind_label) == ("东湖镇", "镇")
    # a village is not a second-level kind: refused on the form, nothing changed
    response = client.post(url, {"name": "东湖村", "local_kind": "village"})
    assert response.status_code == 400
    assert "街道一级的类型应为：街道、镇、乡" in response.content.decode()
    cast.donghu.refresh_from_db()
    assert (cast.donghu.name, cast.donghu.local_kind) == ("东湖镇", "town")
    with pytest.raises(ValidationFailed) as exc:
        services.area_create(
            actor=cast.district_admin,
            code="SF0109",
            name="某网格",
            kind="grid",
            local_kind="村",
            parent=cast.chenhui.pk,
        )
    assert "local_kind" in exc.value.detail["fields"]
    assert not Area.objects.filter(code="SF0109").exists()


def test_the_database_refuses_a_kind_that_does_not_fit_the_level(cast: Cast) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.filter(pk=cast.chenhui.pk).update(local_kind="town")


def test_the_api_takes_and_gives_the_local_kind(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.district_admin)
    response = client.post(
        "/api/v1/areas",
        {
            "code": "SF06",
            "name": "白沙乡",
            "kind": "street",
            "local_kind": "乡",
            "parent_id": cast.district.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["local_kind"], body["kind_label"]) == ("township", "乡")
    bad = client.post(
        "/api/v1/areas",
        {
            "code": "SF07",
            "name": "错村",
            "kind": "street",
            "local_kind": "village",
            "parent_id": cast.district.pk,
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "local_kind" in bad.json()["detail"]["fields"]
    assert not Area.objects.filter(code="SF07").exists()
    patched = client.patch(
        f"/api/v1/areas/{cast.chenhui.pk}",
        {"name": "晨辉村", "local_kind": "village"},
        content_type="application/json",
    )
    assert patched.json()["kind_label"] == "村"


def test_areas_import_with_local_kinds_in_chinese(cast: Cast) -> None:
    client = logged_in(cast.district_admin)
    rows = [
        ["SF08", "龙潭镇", "镇", "SF", ""],  # the local name in the level column
        ["SF0801", "龙潭村", "社区", "SF08", "村"],  # or in its own column
        ["SF0802", "龙潭社区", "社区", "SF08", ""],  # none: the level's own
    ]
    batch = confirm(client, check(client, "areas", xlsx(HEADERS, rows)))
    assert batch.written == 3
    kinds = dict(Area.objects.filter(code__startswith="SF08").values_list("code", "local_kind"))
    assert kinds == {"SF08": "town", "SF0801": "village", "SF0802": "community"}
    town = Area.objects.get(code="SF08")
    assert selectors.area_children_label(town) == "村（社区）"
    # a kind that does not fit its level is named by row and column; nothing is written
    before = Area.objects.count()
    bad = [
        ["SF09", "错镇", "街道", "SF", "村"],
        ["SF0901", "错村", "村", "SF09", "镇"],
    ]
    batch = check(client, "areas", xlsx(HEADERS, bad))
    assert errors_of(batch) == [
        (2, "类型", "街道一级的类型应为：街道、镇、乡"),
        (3, "类型", "社区一级的类型应为：社区、村"),
    ]
    assert Area.objects.count() == before
