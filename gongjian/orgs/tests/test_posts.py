"""Assigning and revoking posts, through the page and the API, within the assigner's scope."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from gongjian.core.models import AuditLog
from gongjian.orgs import scope
from gongjian.orgs.models import RoleAssignment
from gongjian.testing.cast import Cast


def test_a_street_admin_makes_a_member_grid_leader_of_a_grid_in_the_street(cast: Cast) -> None:
    # Given the street administrator of 青禾街道
    client = Client()
    client.force_login(cast.street_admin)
    # When they make the ordinary member the leader of 晨辉社区第二网格
    response = client.post(
        reverse("orgs:role_list"),
        {"login": "member", "role": "grid_leader", "area_code": cast.chenhui_grid2.code},
    )
    # Then the member holds the post and sees that grid's residents
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(
        user=cast.member, role="grid_leader", area=cast.chenhui_grid2
    ).exists()
    scope.forget_posts(cast.member)
    assert scope.posts_of(cast.member).area_paths["grid_leader"] == (cast.chenhui_grid2.path,)
    assert AuditLog.objects.filter(action="role_change", object_type="orgs.roleassignment").exists()


def test_a_street_admin_cannot_assign_outside_the_street(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.street_admin)
    response = client.post(
        reverse("orgs:role_list"),
        {"login": "member", "role": "grid_leader", "area_code": cast.xingguang_grid1.code},
    )
    assert response.status_code == 400
    assert "不在您的管辖范围" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=cast.member).exists()


def test_a_post_must_sit_at_its_level(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.district_admin)
    response = client.post(
        "/api/v1/posts",
        {"login": "member", "role": "community_admin", "area_code": cast.chenhui_grid1.code},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"]["fields"]["area"]


def test_the_api_assigns_and_revokes_like_the_page(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.district_admin)
    created = client.post(
        "/api/v1/posts",
        {"login": "outsider", "role": "unit_admin", "unit_code": cast.justice.code},
        content_type="application/json",
    )
    assert created.status_code == 201
    post_id = created.json()["id"]
    # A unit admin of another unit cannot see, let alone revoke, it
    other = Client()
    other.force_login(cast.unit_admin)
    assert other.delete(f"/api/v1/posts/{post_id}").status_code == 404
    assert client.delete(f"/api/v1/posts/{post_id}").status_code == 204
    assert not RoleAssignment.objects.filter(pk=post_id).exists()


def test_an_unknown_login_names_the_field(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.district_admin)
    response = client.post(
        "/api/v1/posts",
        {"login": "nobody", "role": "street_admin", "area_code": cast.qinghe.code},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "login" in response.json()["detail"]["fields"]
