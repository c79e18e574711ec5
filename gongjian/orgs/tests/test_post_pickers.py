"""Posts are given by name: the post page picks the account by name (or username, or phone)
and the area or unit by name, as the member picker does; a whole log-in or code typed in the
search box still works without the pickers' script."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongjian.orgs.models import RoleAssignment
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pick(client: Client, q: str) -> str:
    response = client.get(reverse("orgs:pick", args=["account"]), {"q": q, "field": "login"})
    assert response.status_code == 200
    return response.content.decode()


def test_the_post_page_offers_pickers_for_the_account_and_the_place(cast: Cast) -> None:
    page = _client(cast.street_admin).get(reverse("orgs:role_list")).content.decode()
    assert 'hx-get="/orgs/pick/account/"' in page
    assert 'name="login_q"' in page
    assert 'hx-get="/orgs/pick/area/"' in page
    assert 'hx-get="/orgs/pick/unit/"' in page
    assert 'name="login" value=' not in page  # no bare log-in box any more


def test_an_account_is_found_by_name_with_its_username_unit_and_masked_phone(cast: Cast) -> None:
    html = _pick(_client(cast.street_admin), "税务局党员")
    assert 'name="login" value="member"' in html
    assert "区税务局" in html
    assert not re.search(r"(?<!\d)1\d{10}(?!\d)", html)
    # The grid leader holds a post in the street: found by part of the username.
    assert 'value="gridleader"' in _pick(_client(cast.street_admin), "gridlead")


def test_the_account_picker_shows_only_accounts_within_the_assigner_s_reach(cast: Cast) -> None:
    # 外部人员 has no member record and no post: the street cannot find them by name…
    assert "没有找到" in _pick(_client(cast.street_admin), "外部人员")
    # …the platform administrator can; and a whole username finds the account for anyone
    # who may give posts, as typing it did before.
    assert 'value="outsider"' in _pick(_client(cast.platform_admin), "外部人员")
    assert 'value="outsider"' in _pick(_client(cast.street_admin), "outsider")
    # Someone who gives no posts gets nothing, whatever they type.
    assert "没有找到" in _pick(_client(cast.member), "税务局党员")
    assert "没有找到" in _pick(_client(cast.unit_admin), "outsider")  # gives no posts


def test_a_post_is_given_to_the_account_and_place_picked_by_name(cast: Cast) -> None:
    client = _client(cast.street_admin)
    response = client.post(
        reverse("orgs:role_list"),
        {"login": "member", "role": "grid_leader", "area_code": cast.chenhui_grid2.code},
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(
        user=cast.member.pk, role="grid_leader", area=cast.chenhui_grid2
    ).exists()
    # Without the script: the whole log-in and code typed into the search boxes.
    response = client.post(
        reverse("orgs:role_list"),
        {"login_q": "gridleader", "role": "grid_leader", "area_code_q": cast.chenhui_grid2.code},
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=cast.grid_leader, area=cast.chenhui_grid2).exists()
    # A name that is no log-in is refused on the page, naming the field.
    response = client.post(
        reverse("orgs:role_list"),
        {"login_q": "没有这个人", "role": "grid_leader", "area_code": cast.chenhui_grid2.code},
    )
    assert response.status_code == 400
    assert "找不到该用户名或手机号对应的账号" in response.content.decode()
