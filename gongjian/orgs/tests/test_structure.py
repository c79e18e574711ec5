"""Deleting and moving areas, units and party organisations, through the pages and the API:
a confirmation first; a record something depends on is not deleted (the page says what, in
Chinese, and offers to move it); a move rewrites the subtree's paths, keeps every link, marks
the dashboard's rollups stale and is audited; both the record and its new place must be the
actor's to change."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.test import Client
from django.urls import reverse

from gongjian.core.models import AuditLog
from gongjian.orgs import services
from gongjian.orgs.models import Area, Member, PartyOrg, Unit
from gongjian.reports.models import RollupMonth
from gongjian.testing.cast import Cast


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(client: Client, method: str, path: str, data: dict[str, Any] | None = None) -> Any:
    call = getattr(client, method)
    if data is None:
        return call(path)
    return call(path, json.dumps(data), content_type="application/json")


def test_an_area_with_dependents_is_not_deleted_and_the_page_says_what_depends_on_it(
    cast: Cast,
) -> None:
    client = _client(cast.street_admin)
    url = reverse("orgs:area_delete", args=[cast.chenhui.pk])
    page = client.get(url).content.decode()
    assert "晨辉社区还有" in page
    assert "不能删除" in page
    assert "区域：2条" in page  # its two grids
    assert "党组织：1条" in page
    assert "确认删除" not in page
    assert f'href="{reverse("orgs:area_move", args=[cast.chenhui.pk])}"' in page
    response = client.post(url, follow=True)
    assert "不能删除" in response.content.decode()
    assert Area.objects.filter(pk=cast.chenhui.pk).exists()
    api = _api(client, "delete", f"/api/v1/areas/{cast.chenhui.pk}")
    assert api.status_code == 409
    assert "不能删除" in api.json()["message"]
    assert not AuditLog.objects.filter(action="delete").exists()


def test_an_area_nothing_depends_on_is_deleted_after_the_confirmation_and_audited(
    cast: Cast,
) -> None:
    spare = services.area_create(
        actor=cast.platform_admin,
        code="SF010199",
        name="备用网格",
        kind="grid",
        parent=cast.chenhui,
    )
    client = _client(cast.community_secretary)
    url = reverse("orgs:area_delete", args=[spare.pk])
    page = client.get(url).content.decode()
    assert "没有任何记录依赖它，可以删除" in page
    assert 'data-confirm="确认删除“备用网格”？删除后不能恢复。"' in page
    assert client.post(url).status_code == 302
    assert not Area.objects.filter(pk=spare.pk).exists()
    entry = AuditLog.objects.get(action="delete")
    assert (entry.actor_id, entry.object_repr) == (cast.community_secretary.pk, "备用网格")
    # Another's area: not found, on the page and over the API.
    other = services.area_create(
        actor=cast.platform_admin, code="SF020199", name="星光备用网格", kind="grid",
        parent=cast.xingguang,
    )  # fmt: skip
    assert client.get(reverse("orgs:area_delete", args=[other.pk])).status_code == 404
    assert client.post(reverse("orgs:area_delete", args=[other.pk])).status_code == 404
    assert _api(client, "delete", f"/api/v1/areas/{other.pk}").status_code == 404
    assert (
        _api(_client(cast.platform_admin), "delete", f"/api/v1/areas/{other.pk}").status_code == 204
    )
    assert not Area.objects.filter(pk=other.pk).exists()


def test_moving_a_community_rewrites_its_subtree_s_paths_keeps_its_links_and_marks_figures(
    cast: Cast,
) -> None:
    RollupMonth.objects.create(month=dt.date(2026, 1, 1), dirty=False)
    client = _client(cast.district_admin)
    url = reverse("orgs:area_move", args=[cast.chenhui.pk])
    page = client.get(url).content.decode()
    assert "东湖街道（SF02）" in page
    assert "青禾街道（SF01）" not in page  # its parent now
    assert "示范区（SF）" not in page  # not a street
    assert "其下级区域2个一并移动" in page
    assert 'data-confirm="确认移动“晨辉社区”？"' in page
    response = client.post(url, {"parent": cast.donghu.pk})
    assert response.status_code == 302
    cast.chenhui.refresh_from_db()
    assert (cast.chenhui.parent_id, cast.chenhui.path) == (cast.donghu.pk, "/SF/SF02/SF0101/")
    assert set(Area.objects.filter(parent=cast.chenhui).values_list("path", flat=True)) == {
        "/SF/SF02/SF0101/SF010101/",
        "/SF/SF02/SF0101/SF010102/",
    }
    assert PartyOrg.objects.get(pk=cast.chenhui_org.pk).area_id == cast.chenhui.pk
    assert Member.objects.get(pk=cast.chenhui_resident.pk).home_community_id == cast.chenhui.pk
    assert RollupMonth.objects.get().dirty
    entry = AuditLog.objects.get(action="update", object_id=str(cast.chenhui.pk))
    assert entry.changes["path"] == ["/SF/SF01/SF0101/", "/SF/SF02/SF0101/"]
    assert entry.changes["areas_moved"] == 3
    # The scope follows the paths: 东湖's records now include 晨辉's people.
    assert cast.chenhui_resident in services_area_members(cast.donghu)


def services_area_members(area: Area) -> list[Member]:
    return list(Member.objects.filter(home_community__path__startswith=area.path))


def test_a_move_is_refused_in_chinese_when_the_place_is_wrong_or_not_the_actor_s(
    cast: Cast,
) -> None:
    street = _client(cast.street_admin)
    url = reverse("orgs:area_move", args=[cast.chenhui.pk])
    # 东湖街道 is not 青禾街道's administrator's: not offered, and refused when sent.
    assert "东湖街道" not in street.get(url).content.decode()
    response = street.post(url, {"parent": cast.donghu.pk})
    assert response.status_code == 400
    assert Area.objects.get(pk=cast.chenhui.pk).parent_id == cast.qinghe.pk
    api = _api(
        street, "post", f"/api/v1/areas/{cast.chenhui.pk}/move", {"parent_id": cast.donghu.pk}
    )
    assert api.status_code == 400
    assert "不在您的管辖范围" in api.json()["message"]
    district = _client(cast.district_admin)
    grid = f"/api/v1/areas/{cast.chenhui_grid1.pk}/move"
    wrong = _api(district, "post", grid, {"parent_id": cast.donghu.pk})
    assert wrong.status_code == 400
    assert wrong.json()["message"] == "网格的上级应为社区"
    loop = _api(
        district, "post", f"/api/v1/areas/{cast.qinghe.pk}/move", {"parent_id": cast.qinghe.pk}
    )
    assert loop.status_code == 400
    ok = _api(district, "post", grid, {"parent_id": cast.xingguang.pk})
    assert ok.status_code == 200
    assert ok.json()["path"] == "/SF/SF02/SF0201/SF010101/"


def test_a_unit_moves_to_another_area_and_is_deleted_only_when_nothing_depends_on_it(
    cast: Cast,
) -> None:
    admin = _client(cast.district_admin)
    move = reverse("orgs:unit_move", args=[cast.tax.pk])
    assert "晨辉社区" in admin.get(move).content.decode()
    assert admin.post(move, {"area": cast.chenhui.pk}).status_code == 302
    assert Unit.objects.get(pk=cast.tax.pk).area_id == cast.chenhui.pk
    # The unit's administrator manages no area: nowhere to move it to, and refused.
    unit_admin = _client(cast.unit_admin)
    assert "没有可移入的位置" in unit_admin.get(move).content.decode()
    api = _api(unit_admin, "post", f"/api/v1/units/{cast.tax.pk}/move", {"area_id": cast.qinghe.pk})
    assert api.status_code == 400
    page = admin.get(reverse("orgs:unit_delete", args=[cast.tax.pk])).content.decode()
    assert "区税务局还有" in page
    assert "党员" in page
    assert _api(admin, "delete", f"/api/v1/units/{cast.tax.pk}").status_code == 409
    empty = services.unit_create(
        actor=cast.district_admin, code="U-NEW", name="新单位", area=cast.district.pk
    )
    assert admin.post(reverse("orgs:unit_delete", args=[empty.pk])).status_code == 302
    assert not Unit.objects.filter(pk=empty.pk).exists()


def test_a_party_organisation_moves_with_its_subtree_and_not_under_a_branch(cast: Cast) -> None:
    admin = _client(cast.district_admin)
    new = services.party_org_create(
        actor=cast.district_admin, code="TAX-2", name="区税务局机关党委", kind="committee",
        parent=cast.working_committee.pk, unit=cast.tax.pk,
    )  # fmt: skip
    url = reverse("orgs:party_org_move", args=[cast.tax_committee.pk])
    page = admin.get(url).content.decode()
    assert "区税务局机关党委（TAX-2）" in page
    assert "第一党支部（JUS-1）" not in page  # a branch takes no sub-organisation
    assert "其下级组织1个和所有党员一并移动" in page
    assert admin.post(url, {"parent": new.pk}).status_code == 302
    committee = PartyOrg.objects.get(pk=cast.tax_committee.pk)
    branch = PartyOrg.objects.get(pk=cast.tax_branch.pk)
    assert (committee.parent_id, committee.path, committee.depth) == (
        new.pk,
        f"{new.path}TAX/",
        new.depth + 1,
    )
    assert (branch.path, branch.depth) == (f"{new.path}TAX/TAX-1/", new.depth + 2)
    assert Member.objects.get(pk=cast.member_record.pk).party_org_id == branch.pk
    under_branch = _api(
        admin, "post", f"/api/v1/party-orgs/{new.pk}/move", {"parent_id": cast.justice_branch.pk}
    )
    assert under_branch.status_code == 400
    assert under_branch.json()["message"] == "党支部下不能再设下级组织"
    assert admin.get(reverse("orgs:party_org_delete", args=[branch.pk])).status_code == 200
    assert _api(admin, "delete", f"/api/v1/party-orgs/{branch.pk}").status_code == 409
    empty = services.party_org_create(
        actor=cast.district_admin, code="TAX-9", name="空支部", kind="branch",
        parent=new.pk, unit=cast.tax.pk,
    )  # fmt: skip
    assert _api(admin, "delete", f"/api/v1/party-orgs/{empty.pk}").status_code == 204
    # The edit page leads to both.
    edit = admin.get(reverse("orgs:party_org_edit", args=[new.pk])).content.decode()
    assert reverse("orgs:party_org_move", args=[new.pk]) in edit
    assert reverse("orgs:party_org_delete", args=[new.pk]) in edit
