"""直联共建 over the API: the same story, the same scopes, one error shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongjian.cobuild.models import Match, Project, Resource
from gongjian.cobuild.tests.helpers import build_world, png_bytes
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db
API = "/api/v1/cobuild"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _send(client: Client, method: str, path: str, data: Any = None) -> Any:
    return getattr(client, method)(
        API + path, data=json.dumps(data or {}), content_type="application/json"
    )


def test_the_story_over_the_api(cast: Cast) -> None:
    committee = _client(cast.district_admin)
    unit = _client(cast.unit_admin)
    secretary = _client(cast.community_secretary)

    # The committee opens a campaign
    r = _send(
        committee,
        "post",
        "/campaigns",
        {"district_id": cast.district.pk, "name": "2026年度直联共建", "year": 2026},
    )
    assert r.status_code == 201, r.content
    campaign_id = r.json()["id"]
    # a street administrator may not
    r = _send(
        _client(cast.street_admin),
        "post",
        "/campaigns",
        {"district_id": cast.district.pk, "name": "另一个", "year": 2026},
    )
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"

    # Each side lists its own items; bad input names the field
    r = _send(unit, "post", f"/campaigns/{campaign_id}/resources", {"title": "", "capacity": 1})
    assert r.status_code == 400
    assert "title" in r.json()["detail"]["fields"]
    r = _send(
        unit,
        "post",
        f"/campaigns/{campaign_id}/resources",
        {"title": "税收政策宣讲进社区", "description": "讲解个税和社保政策", "capacity": 2},
    )
    assert r.status_code == 201, r.content
    resource_id = r.json()["id"]
    assert r.json()["unit_id"] == cast.tax.pk
    r = _send(
        secretary,
        "post",
        f"/campaigns/{campaign_id}/demands",
        {"title": "居民个税政策宣讲", "description": "居民不了解个税专项扣除", "priority": "high"},
    )
    assert r.status_code == 201, r.content
    demand_id = r.json()["id"]
    # before publishing, the unit does not see the community's demand
    assert unit.get(f"{API}/demands/{demand_id}").status_code == 404
    assert unit.get(f"{API}/campaigns/{campaign_id}/demands").json()["count"] == 0

    # The committee publishes; both browse both lists
    r = _send(committee, "post", f"/campaigns/{campaign_id}/advance", {"to": "open"})
    assert r.status_code == 200, r.content
    assert unit.get(f"{API}/demands/{demand_id}").status_code == 200
    assert secretary.get(f"{API}/campaigns/{campaign_id}/resources").json()["count"] == 1
    # but neither edits the other's
    assert _send(unit, "put", f"/demands/{demand_id}", {"title": "改"}).status_code == 404
    assert _send(secretary, "delete", f"/resources/{resource_id}").status_code == 404

    # Two-way selection
    r = _send(secretary, "put", f"/demands/{demand_id}/preferences", {"ids": [resource_id]})
    assert r.json() == {"ids": [resource_id]}
    r = _send(unit, "put", f"/resources/{resource_id}/preferences", {"ids": [demand_id]})
    assert r.status_code == 200

    # Run, look, confirm
    assert _send(unit, "post", f"/campaigns/{campaign_id}/runs", {}).status_code == 404
    r = _send(committee, "post", f"/campaigns/{campaign_id}/runs", {})
    assert r.status_code == 201, r.content
    run = r.json()
    assert len(run["matches"]) == 1
    assert run["matches"][0]["reasons"]
    r = _send(committee, "post", f"/campaigns/{campaign_id}/confirm", {})
    assert r.json() == {"confirmed": 1}
    match_id = Match.objects.get(status="confirmed").pk

    # Both sign
    r = _send(
        unit, "post", f"/matches/{match_id}/sign", {"side": "unit", "project_name": "个税课堂"}
    )
    assert r.status_code == 200, r.content
    r = _send(secretary, "post", f"/matches/{match_id}/sign", {"side": "community"})
    assert r.json()["community_signed_at"]
    project = Project.objects.get()
    pid = str(project.public_id)

    # Progress with a photo, then finished and rated
    r = _send(secretary, "patch", f"/projects/{pid}", {"status": "active"})
    assert r.json()["status"] == "active"
    r = _send(unit, "post", f"/projects/{pid}/milestones", {"title": "第一次宣讲"})
    assert r.status_code == 201
    r = _send(unit, "post", f"/milestones/{r.json()['id']}/done")
    assert r.json()["done_at"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = unit.post(
        f"{API}/projects/{pid}/progress",
        {"text": "第一次宣讲，60名居民参加", "photos": [SimpleUploadedFile("a.png", png_bytes())]},
    )
    assert r.status_code == 201, r.content
    assert len(r.json()["photo_ids"]) == 1
    r = unit.post(
        f"{API}/projects/{pid}/progress",
        {"text": "伪装的图片", "photos": [SimpleUploadedFile("a.jpg", b"<?php echo 1; ?>")]},
    )
    assert r.status_code == 415
    _send(secretary, "patch", f"/projects/{pid}", {"status": "finished"})
    r = _send(secretary, "post", f"/projects/{pid}/rating", {"stars": 4, "comment": "很实用"})
    assert r.status_code == 201, r.content
    r = committee.get(f"{API}/campaigns/{campaign_id}/figures").json()
    assert (r["matched"], r["signed"], r["finished"], r["average_rating"]) == (1, 1, 1, 4.0)
    # And the member, with no post, sees no project
    assert _client(cast.member).get(f"{API}/projects/{pid}").status_code == 404


def test_lists_are_paginated_and_scoped(cast: Cast) -> None:
    w = build_world(cast)
    member = _client(cast.member)
    assert member.get(f"{API}/campaigns").json()["count"] == 0
    assert member.get(f"{API}/campaigns/{w.campaign.pk}/resources").status_code == 404
    grid = _client(cast.grid_leader)
    assert grid.get(f"{API}/campaigns/{w.campaign.pk}/demands").json()["count"] == 3
    mine = grid.get(f"{API}/campaigns/{w.campaign.pk}/demands?mine=true").json()
    assert mine["count"] == 0
    secretary = _client(cast.community_secretary)
    mine = secretary.get(f"{API}/campaigns/{w.campaign.pk}/demands?mine=true").json()
    assert {d["id"] for d in mine["items"]} == {w.chenhui_law.pk, w.chenhui_elderly.pk}


def test_a_resource_without_a_unit_is_decided_once_for_page_and_api(cast: Cast) -> None:
    # Given an open campaign, the unit administrator of one unit and the working committee,
    # who manages every unit of the district
    w = build_world(cast)
    unit, committee = _client(cast.unit_admin), _client(cast.district_admin)
    body = {"title": "税务志愿服务", "capacity": 1}
    url = f"/campaigns/{w.campaign.pk}/resources"
    page = reverse("cobuild:resource_create", args=[w.campaign.pk])

    # When the unit administrator names no unit, by the API and by the page
    r = _send(unit, "post", url, body)
    unit.post(page, {"title": "税务志愿服务（页面）", "capacity": "1"})

    # Then both resources are their only unit's
    assert r.status_code == 201, r.content
    assert r.json()["unit_id"] == cast.tax.pk
    assert Resource.objects.get(title="税务志愿服务（页面）").unit_id == cast.tax.pk

    # And the committee, who manages several, is asked which, by both alike
    r = _send(committee, "post", url, {**body, "title": "委员会的资源"})
    assert r.status_code == 400
    assert "unit" in r.json()["detail"]["fields"]
    response = committee.post(page, {"title": "委员会的资源", "capacity": "1"})
    assert response.status_code == 302
    assert not Resource.objects.filter(title="委员会的资源").exists()
