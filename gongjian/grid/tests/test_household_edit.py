"""A household is changed and deleted on its page and over the API. Given 晨辉社区's
households, when the secretary edits one — its address, flags, head's phone — then it is
saved, the phone stays encrypted and masked, the audit names what changed without the phone;
a household entered by mistake is deleted after a confirmation; one already visited is not
(it is taken off the register instead); bad input names the field and writes nothing; the
grid's leader and outsiders may not."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from gongjian.core.errors import Conflict, NotFound, ValidationFailed
from gongjian.core.models import AuditLog
from gongjian.grid import selectors, services
from gongjian.grid.models import Household
from gongjian.grid.tests.helpers import households, visit
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _stored_phone(household: Household) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT head_phone FROM grid_household WHERE id = %s", [household.pk])
        return str(cur.fetchone()[0])


def test_the_secretary_edits_a_household_on_its_page(cast: Cast) -> None:
    first = households(cast)[1]  # 李阿姨, 1栋1单元102室, 困难家庭, phone 13800138002
    client = _client(cast.community_secretary)
    detail = client.get(reverse("grid:household_detail", args=[first.public_id])).content.decode()
    assert reverse("grid:household_edit", args=[first.public_id]) in detail
    page = client.get(reverse("grid:household_edit", args=[first.public_id])).content.decode()
    assert "138****8002" in page  # masked, as a hint
    assert "13800138002" not in page
    assert "data-confirm" in page  # deleting asks first
    # when the phone is left blank and the rest changed, the phone is kept
    response = client.post(
        reverse("grid:household_update", args=[first.public_id]),
        {
            "grid": str(cast.chenhui_grid2.pk),
            "head_name": "李阿姨",
            "building": "3",
            "entrance": "2",
            "room": "302",
            "size": "3",
            "note": "子女在外地",
            "elderly_alone": "1",
            "empty_nest": "1",
            "is_active": "1",
            "is_active_shown": "1",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.grid, first.place, first.size, first.note) == (
        cast.chenhui_grid2,
        "3栋2单元302室",
        3,
        "子女在外地",
    )
    assert first.flags == ["独居老人", "空巢"]
    assert first.head_phone == "13800138002"
    entry = AuditLog.objects.filter(action="update", object_type="grid.household").latest("id")
    assert entry.changes["flags"] == [["困难家庭"], ["独居老人", "空巢"]]
    assert "head_phone" not in entry.changes
    # a new phone replaces it, encrypted at rest, and the audit says only that it changed
    client.post(
        reverse("grid:household_update", args=[first.public_id]),
        {
            "head_name": "李阿姨",
            "room": "302",
            "building": "3",
            "entrance": "2",
            "head_phone": "13900139000",
        },
    )
    first.refresh_from_db()
    assert first.head_phone == "13900139000"
    assert "13900139000" not in _stored_phone(first)
    entry = AuditLog.objects.filter(action="update", object_type="grid.household").latest("id")
    assert entry.changes["head_phone"] == ["***", "***"]
    assert "13900139000" not in str(entry.changes)
    assert selectors.household_list(actor=cast.community_secretary, q="李阿姨").get() == first


def test_bad_input_names_the_field_and_writes_nothing(cast: Cast) -> None:
    made = households(cast)
    first = made[1]
    with pytest.raises(ValidationFailed) as exc:
        services.household_update(
            actor=cast.community_secretary,
            household_id=first.public_id,
            head_name="李阿姨",
            room="102",
            building="1",
            entrance="1",
            head_phone="1380013",
        )
    assert "head_phone" in exc.value.detail["fields"]
    with pytest.raises(ValidationFailed) as exc:
        services.household_update(
            actor=cast.community_secretary,
            household_id=first.public_id,
            head_name="",
            room="102",
        )
    assert "head_name" in exc.value.detail["fields"]
    with pytest.raises(Conflict):  # 张大爷's address
        services.household_update(
            actor=cast.community_secretary,
            household_id=first.public_id,
            head_name="李阿姨",
            building="1",
            entrance="1",
            room="101",
        )
    first.refresh_from_db()
    assert (first.place, first.head_phone) == ("1栋1单元102室", "13800138002")
    # on the page: back to the form with the reason, nothing written
    client = _client(cast.community_secretary)
    response = client.post(
        reverse("grid:household_update", args=[first.public_id]),
        {"head_name": "李阿姨", "room": "", "address": ""},
        follow=True,
    )
    assert "请填写房号" in response.content.decode()
    first.refresh_from_db()
    assert first.room == "102"


def test_a_mistaken_household_is_deleted_a_visited_one_is_kept(cast: Cast) -> None:
    made = households(cast)
    visited, mistaken = made[0], made[2]
    visit(cast, visited)
    client = _client(cast.community_secretary)
    response = client.post(reverse("grid:household_delete", args=[mistaken.public_id]))
    assert response.status_code == 302
    assert not Household.objects.filter(pk=mistaken.pk).exists()
    assert AuditLog.objects.filter(action="delete", object_type="grid.household").count() == 1
    response = client.post(reverse("grid:household_delete", args=[visited.public_id]), follow=True)
    assert "已有1次走访记录，不能删除" in response.content.decode()
    assert Household.objects.filter(pk=visited.pk).exists()
    # it is taken off the register instead: out of the list, its visit kept
    services.household_update(
        actor=cast.community_secretary,
        household_id=visited.public_id,
        head_name="张大爷",
        building="1",
        entrance="1",
        room="101",
        is_active=False,
    )
    names = set(
        selectors.household_list(actor=cast.community_secretary).values_list("head_name", flat=True)
    )
    assert "张大爷" not in names
    assert visited.visits.count() == 1


def test_the_grid_leader_and_outsiders_may_not_edit_or_delete(cast: Cast) -> None:
    first = households(cast)[3]
    for actor in (cast.grid_leader, cast.outsider, cast.unit_admin):
        with pytest.raises(NotFound):
            services.household_update(
                actor=actor, household_id=first.public_id, head_name="改名", room="1"
            )
        with pytest.raises(NotFound):
            services.household_delete(actor=actor, household_id=first.public_id)
    assert (
        _client(cast.grid_leader)
        .get(reverse("grid:household_edit", args=[first.public_id]))
        .status_code
        == 404
    )
    first.refresh_from_db()
    assert first.head_name == "赵女士"


def test_the_api_edits_and_deletes_the_same(cast: Cast) -> None:
    made = households(cast)
    first, mistaken = made[1], made[2]
    client = _client(cast.community_secretary)
    url = f"/api/v1/grid/households/{first.public_id}"
    response = client.put(
        url,
        {
            "head_name": "李阿姨",
            "building": "1",
            "entrance": "1",
            "room": "102",
            "hardship": True,
            "elderly_alone": True,
            "clear_head_phone": True,
            "note": "已核实",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["elderly_alone"], body["hardship"], body["head_phone"], body["note"]) == (
        True,
        True,
        "",
        "已核实",
    )
    first.refresh_from_db()
    assert first.head_phone == ""
    bad = client.put(
        url,
        {"head_name": "李阿姨", "room": "102", "head_phone": "123"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "head_phone" in bad.json()["detail"]["fields"]
    assert client.delete(f"/api/v1/grid/households/{mistaken.public_id}").status_code == 204
    assert not Household.objects.filter(pk=mistaken.pk).exists()
    leader = _client(cast.grid_leader)
    assert leader.delete(url).status_code == 404
