"""Adding and editing a member through the pages, with the services' rules."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from gongjian.core import synthetic
from gongjian.orgs.models import Member
from gongjian.testing.cast import Cast


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_unit_admin_adds_a_member_to_a_branch_of_the_unit(cast: Cast) -> None:
    number = synthetic.id_number(birth=dt.date(1990, 3, 8), seq=77)
    response = _client(cast.unit_admin).post(
        reverse("orgs:member_create"),
        {
            "name": "陈新",
            "id_number": number,
            "phone": "+86 199-0000-7777",
            "status": "full",
            "party_org": cast.tax_branch.pk,
            "in_service": "on",
        },
    )
    assert response.status_code == 302
    member = Member.objects.get(name="陈新")
    assert member.unit == cast.tax
    assert member.in_service
    assert member.phone == "19900007777"
    assert member.birth_date == dt.date(1990, 3, 8)


def test_a_bad_id_number_is_named_and_nothing_is_written(cast: Cast) -> None:
    before = Member.objects.count()
    response = _client(cast.unit_admin).post(
        reverse("orgs:member_create"),
        {
            "name": "陈新",
            "id_number": "110105194912310021",
            "status": "full",
            "party_org": cast.tax_branch.pk,
        },
    )
    assert response.status_code == 400
    assert "校验位" in response.content.decode()
    assert Member.objects.count() == before


def test_a_unit_admin_cannot_add_to_another_unit_s_branch(cast: Cast) -> None:
    number = synthetic.id_number(birth=dt.date(1990, 3, 9), seq=78)
    response = _client(cast.unit_admin).post(
        reverse("orgs:member_create"),
        {
            "name": "陈新",
            "id_number": number,
            "status": "full",
            "party_org": cast.justice_branch.pk,
        },
    )
    assert response.status_code == 400  # not one of the choices offered
    assert not Member.objects.filter(name="陈新").exists()


def test_editing_changes_the_phone_and_keeps_the_id(cast: Cast) -> None:
    member = cast.member_record
    response = _client(cast.unit_admin).post(
        reverse("orgs:member_edit", args=[member.public_id]),
        {"name": member.name, "phone": "19900001234", "status": "probationary", "in_service": "on"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.phone == "19900001234"
    assert member.status == "probationary"


def test_the_community_where_a_member_lives_sees_but_cannot_edit_them(cast: Cast) -> None:
    client = _client(cast.community_secretary)
    url = reverse("orgs:member_edit", args=[cast.member_record.public_id])
    assert (
        client.get(reverse("orgs:member_detail", args=[cast.member_record.public_id])).status_code
        == 200
    )
    assert client.post(url, {"name": "改名", "status": "full"}).status_code == 404
    cast.member_record.refresh_from_db()
    assert cast.member_record.name != "改名"
