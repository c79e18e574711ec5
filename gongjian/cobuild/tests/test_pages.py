"""The co-building pages' forms: each calls one service, a broken rule comes back to the page
it came from with a message naming the field, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from gongjian.cobuild.models import Preference
from gongjian.cobuild.tests.helpers import build_world
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_unit_edits_its_resource_and_ranks_demands_on_the_page(cast: Cast) -> None:
    # Given a published campaign and the administrator of 区税务局
    w = build_world(cast)
    page = _client(cast.unit_admin)
    edit = reverse("cobuild:resource_edit", args=[w.tax_law.pk])

    # When the form is sent without a title
    response = page.post(edit, {"title": "", "capacity": "1"})

    # Then it comes back to the form, naming the field, and nothing changes
    assert response.status_code == 302
    assert response["Location"] == edit
    assert any("资源名称" in m for m in _messages(response))
    w.tax_law.refresh_from_db()
    assert w.tax_law.title == "税收政策和法律知识宣讲"

    # When it is sent right, the resource changes and the unit's list follows
    response = page.post(edit, {"title": "税法讲堂", "capacity": "2"})
    assert response.status_code == 302
    assert response["Location"].endswith("?mine=1")
    w.tax_law.refresh_from_db()
    assert (w.tax_law.title, w.tax_law.capacity) == ("税法讲堂", 2)

    # And the unit ranks a demand through the page, never a stranger's id
    choose = reverse("cobuild:resource_preferences", args=[w.tax_law.pk])
    response = page.post(choose, {"chosen": [str(w.chenhui_law.pk), "x"]})
    assert response.status_code == 302
    assert not Preference.objects.filter(resource=w.tax_law).exists()
    response = page.post(choose, {"chosen": [str(w.chenhui_law.pk)]})
    assert response.status_code == 302
    assert list(Preference.objects.filter(resource=w.tax_law).values_list("demand", flat=True)) == [
        w.chenhui_law.pk
    ]


def test_a_community_edits_its_demand_and_a_stranger_is_not_found(cast: Cast) -> None:
    # Given a published campaign
    w = build_world(cast)
    edit = reverse("cobuild:demand_edit", args=[w.chenhui_law.pk])

    # When the community secretary changes the demand's priority
    response = _client(cast.community_secretary).post(
        edit, {"title": "居民法律咨询", "priority": "low"}
    )

    # Then it is saved; and the unit, who may not edit it, is told it is not there
    assert response.status_code == 302
    w.chenhui_law.refresh_from_db()
    assert (w.chenhui_law.title, w.chenhui_law.priority) == ("居民法律咨询", "low")
    stranger = _client(cast.unit_admin).post(edit, {"title": "改", "priority": "low"})
    assert stranger.status_code == 404
    w.chenhui_law.refresh_from_db()
    assert w.chenhui_law.title == "居民法律咨询"
