"""Issuing a mobilisation on its page: places and each unit's quota as rows of a table, areas
and units picked by name. Given the district's working committee, when it fills in a town, a
village picked from the area tree and a checkpoint, and quotas of two units picked by name,
then the mobilisation has them (the village under the town of its street); a bad row comes
back with its number and field named, what was typed kept, and nothing written."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongjian.core.errors import ValidationFailed
from gongjian.mobilise import services
from gongjian.mobilise.models import Mobilisation, Place, Quota
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _form(c: Cast, **extra: str) -> dict[str, str]:
    data = {
        "title": "关于支援青禾街道的通知",
        "starts_at": "2026-12-01T15:00",
        "place_rows": "6",
        "quota_rows": "10",
        "place_kind_1": "town",
        "place_area_1": c.qinghe.code,  # no name: the area's
        "place_kind_2": "village",
        "place_area_2": c.chenhui.code,  # no town: the town row of its street
        "place_kind_4": "checkpoint",  # a blank row between: skipped
        "place_name_4": "青禾检查站",
        "place_town_4": "青禾街道",
        "quota_unit_1": c.tax.code,
        "quota_place_1": "晨辉社区",
        "quota_count_1": "3",
        "quota_unit_3": c.justice.code,
        "quota_place_3": "青禾检查站",
        "quota_count_3": "2",
        "quota_from_3": "2026-12-01T20:00",
    }
    data.update(extra)
    return data


def test_the_committee_issues_a_mobilisation_from_table_rows(cast: Cast) -> None:
    client = _client(cast.district_admin)
    listing = client.get(reverse("mobilise:mobilisation_list"))
    assert listing.status_code == 200
    assert reverse("mobilise:mobilisation_new") in listing.content.decode()
    page = client.get(reverse("mobilise:mobilisation_new")).content.decode()
    assert 'name="place_area_1_q"' in page  # an area picked by name
    assert reverse("orgs:pick", args=["unit"]) in page  # a unit picked by name
    assert "单位编号" not in page
    assert 'name="quotas"' not in page  # no lines of text to type
    # the unit picker finds the tax bureau by name and sends its code
    picks = client.get(
        reverse("orgs:pick", args=["unit"]), {"q": "税务", "field": "quota_unit_1"}
    ).content.decode()
    assert f'name="quota_unit_1" value="{cast.tax.code}"' in picks

    response = client.post(reverse("mobilise:mobilisation_issue"), _form(cast))
    assert response.status_code == 302, response.content.decode()[-1500:]
    m = Mobilisation.objects.get()
    town = Place.objects.get(mobilisation=m, kind="town")
    assert (town.name, town.area) == ("青禾街道", cast.qinghe)
    village = Place.objects.get(mobilisation=m, kind="village")
    assert (village.name, village.area, village.parent) == ("晨辉社区", cast.chenhui, town)
    assert Place.objects.get(mobilisation=m, kind="checkpoint").parent == town
    quotas = {(q.unit, q.place.name, q.count) for q in Quota.objects.filter(mobilisation=m)}
    assert quotas == {(cast.tax, "晨辉社区", 3), (cast.justice, "青禾检查站", 2)}
    late = Quota.objects.get(mobilisation=m, unit=cast.justice)
    assert late.from_at > m.starts_at


def test_a_bad_row_is_named_and_what_was_typed_is_kept(cast: Cast) -> None:
    client = _client(cast.district_admin)
    # row 3 of the quotas names a place not among the places
    response = client.post(
        reverse("mobilise:mobilisation_issue"), _form(cast, quota_place_3="不存在的站")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "派员任务第3行：点位“不存在的站”不在支援点位中" in body
    assert 'value="不存在的站"' in body  # kept
    assert f'value="{cast.tax.code}" checked' in body  # the picked unit kept, by name
    assert "区税务局" in body
    assert Mobilisation.objects.count() == 0
    # a count of zero, a unit not picked, a village under a place that is no town
    for extra, message in (
        ({"quota_count_1": "0"}, "派员任务第1行：派员人数"),
        ({"quota_unit_1": ""}, "派员任务第1行：请选择单位"),
        ({"place_kind_2": ""}, "支援点位第2行："),
        ({"place_town_4": "晨辉社区"}, "支援点位第4行：所属镇街“晨辉社区”须是上面列出的镇街点位"),
        ({"place_area_2": cast.xingguang.code + "X"}, "支援点位第2行：所在区域不在本区"),
    ):
        response = client.post(reverse("mobilise:mobilisation_issue"), _form(cast, **extra))
        assert response.status_code == 400
        assert message in response.content.decode()
    assert Mobilisation.objects.count() == 0
    assert Place.objects.count() == 0
    # more rows keep what was typed and issue nothing
    more = client.post(reverse("mobilise:mobilisation_issue"), _form(cast, more="quota"))
    assert more.status_code == 200
    assert 'name="quota_count_20"' in more.content.decode()
    assert 'value="关于支援青禾街道的通知"' in more.content.decode()
    assert Mobilisation.objects.count() == 0


def test_the_service_names_rows_for_the_api_too(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.mobilisation_issue(
            actor=cast.district_admin,
            title="通知",
            starts_at="2026-12-01T15:00",
            places=[("青禾镇", "town", None, ""), ("青禾村", "villa", None, "青禾镇")],
            quotas=[(cast.tax.pk, "青禾镇", 1, None)],
        )
    assert "支援点位第2行" in exc.value.message
    assert "places" in exc.value.detail["fields"]
    assert Mobilisation.objects.count() == 0


def test_only_the_committee_gets_the_form(cast: Cast) -> None:
    assert _client(cast.unit_admin).get(reverse("mobilise:mobilisation_new")).status_code == 403
