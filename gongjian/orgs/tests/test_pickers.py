"""Choosing a member, a unit or an area by name, never by an id nobody sees.

Given the cast, when an administrator types part of a name into a picker, then they get the
people (with unit and masked phone) or places their post sees, and the value a form sends."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from gongjian.service.models import Team, TeamMembership
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _pick(client: Client, kind: str, q: str, field: str = "") -> str:
    url = reverse("orgs:pick", args=[kind])
    response = client.get(url, {"q": q, "field": field or kind})
    assert response.status_code == 200
    return response.content.decode()


def test_the_unit_admin_finds_their_member_by_name_with_unit_and_masked_phone(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.unit_admin)
    html = _pick(client, "member", "李晓", field="captain")
    assert "李晓东" in html
    assert "区税务局" in html
    assert re.search(r"1\d{2}\*{4}\d{4}", html)
    assert f'name="captain" value="{cast.member_record.public_id}"' in html
    assert not re.search(r"(?<!\d)1\d{10}(?!\d)", html)  # no phone in clear


def test_a_picker_shows_only_what_the_post_sees(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.unit_admin)
    assert "没有找到" in _pick(client, "member", "赵敏")  # 区司法局, not theirs
    client.force_login(cast.community_secretary)
    assert "星光社区" not in _pick(client, "area", "星光")
    assert "晨辉社区第一网格" in _pick(client, "area", "第一网格")


def test_the_unit_picker_sends_the_unit_code(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.district_admin)
    html = _pick(client, "unit", "税务", field="unit_code")
    assert 'name="unit_code" value="U-TAX"' in html


def test_nothing_found_says_so_and_an_unknown_picker_is_404(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.outsider)
    assert "没有找到" in _pick(client, "member", "李晓东")
    assert client.get(reverse("orgs:pick", args=["secret"])).status_code == 404


def test_a_member_picked_by_name_joins_the_team(cast: Cast) -> None:
    # Given a team of 区税务局 with its captain, and its unit administrator on the team's page
    team = Team.objects.create(name="税务先锋队", captain=cast.member_record, unit=cast.tax)
    client = Client()
    client.force_login(cast.unit_admin)
    page = client.get(reverse("service:team_detail", args=[team.public_id])).content.decode()
    assert 'hx-get="/orgs/pick/member/"' in page
    # When they pick 王静 by name and add her
    html = _pick(client, "member", "王静", field="member")
    value = re.search(r'name="member" value="([^"]+)"', html)
    assert value is not None
    response = client.post(
        reverse("service:team_detail", args=[team.public_id]), {"member": value.group(1)}
    )
    # Then she is in the team
    assert response.status_code == 302
    assert TeamMembership.objects.filter(team=team, member=cast.tax_colleague).exists()


def test_a_community_is_offered_only_its_own_places_for_a_new_activity(cast: Cast) -> None:
    # Given 晨辉社区's secretary, who also has a team of the community
    Team.objects.create(name="晨辉志愿队", captain=cast.chenhui_resident, area=cast.chenhui)
    client = Client()
    client.force_login(cast.community_secretary)
    # When they open the form of a new activity
    html = client.get(reverse("service:activity_create")).content.decode()
    # Then the places are 晨辉社区 and its grids, not 星光社区 of the other street
    assert "晨辉社区第一网格" in html
    assert "星光社区" not in html
    assert "东湖街道" not in html
