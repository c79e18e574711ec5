"""List pages and endpoints make a fixed number of queries, however many rows they show:
the same count with 10 members as with 200, and never more than a small ceiling. N+1 is a bug."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongjian.core import crypto, synthetic
from gongjian.orgs.models import Member, PartyOrg, Unit
from gongjian.testing.cast import Cast, make_org

CEILING = 12
_n = itertools.count(10_000)


def add_members(cast: Cast, n: int) -> None:
    """`n` more members spread over both units' branches and a community, in bulk."""
    orgs = [cast.tax_branch, cast.justice_branch, cast.chenhui_org]
    homes = [cast.chenhui, cast.xingguang, None]
    members = []
    for i in range(n):
        k = next(_n)
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=k)
        id_number = synthetic.id_number(birth=birth, seq=k % 1000)
        phone = synthetic.phone(k)
        org = orgs[i % 3]
        members.append(
            Member(
                name=f"党员{k}",
                gender="male",
                birth_date=birth,
                id_number=id_number,
                id_number_hash=crypto.blind_index(id_number),
                phone=phone,
                phone_hash=crypto.blind_index(phone),
                party_org=org,
                unit=org.unit,
                in_service=org.unit_id is not None,
                home_community=homes[i % 3],
            )
        )
    Member.objects.bulk_create(members)


def add_units(cast: Cast, n: int) -> None:
    start = Unit.objects.count()
    units = Unit.objects.bulk_create(
        Unit(code=f"U{start + i:04d}", name=f"单位{start + i}", area=cast.district)
        for i in range(n)
    )
    for unit in units:
        committee = make_org(
            f"{unit.code}-C",
            f"{unit.name}党委",
            "committee",
            parent=cast.working_committee,
            unit=unit,
        )
        make_org(f"{unit.code}-B", f"{unit.name}党支部", "branch", parent=committee, unit=unit)


def count_queries(client: Client, url: str) -> int:
    client.get(url)  # warm: the session and anything cached per process
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


MEMBER_URLS: dict[str, Callable[[], str]] = {
    "member list page": lambda: reverse("orgs:member_list"),
    "member list page, filtered": lambda: reverse("orgs:member_list") + "?in_service=1&q=党员",
    "member list API": lambda: "/api/v1/members?page_size=50",
    "member export": lambda: reverse("orgs:member_export"),
}


@pytest.mark.parametrize("person", ["district_admin", "unit_admin", "community_secretary"])
@pytest.mark.parametrize("what", list(MEMBER_URLS))
def test_member_lists_make_the_same_few_queries_for_10_or_200_members(
    cast: Cast, person: str, what: str
) -> None:
    client = logged_in(cast.people[person])
    url = MEMBER_URLS[what]()
    add_members(cast, 10)
    with_10 = count_queries(client, url)
    add_members(cast, 190)
    with_200 = count_queries(client, url)
    assert with_200 == with_10, f"{what} as {person}: {with_10} → {with_200} queries"
    assert with_200 <= CEILING


def test_the_member_list_page_shows_50_and_the_api_50_per_page(cast: Cast) -> None:
    add_members(cast, 200)
    client = logged_in(cast.district_admin)
    html = client.get(reverse("orgs:member_list")).content.decode()
    assert html.count('href="/orgs/members/') >= 50
    assert len(client.get("/api/v1/members").json()["items"]) == 50


TREE_URLS: dict[str, Callable[[], str]] = {
    "unit list page": lambda: reverse("orgs:unit_list"),
    "unit list API": lambda: "/api/v1/units",
    "org tree page": lambda: reverse("orgs:tree"),
    "party org list API": lambda: "/api/v1/party-orgs",
}


@pytest.mark.parametrize("what", list(TREE_URLS))
def test_unit_and_tree_pages_make_the_same_few_queries_for_few_or_many(
    cast: Cast, what: str
) -> None:
    client = logged_in(cast.district_admin)
    url = TREE_URLS[what]()
    add_units(cast, 5)
    add_members(cast, 10)
    few = count_queries(client, url)
    add_units(cast, 95)
    add_members(cast, 190)
    many = count_queries(client, url)
    assert PartyOrg.objects.count() > 200
    assert many == few, f"{what}: {few} → {many} queries"
    assert many <= CEILING


def test_the_tree_page_shows_every_organisation_with_its_member_count(cast: Cast) -> None:
    add_units(cast, 30)
    html = logged_in(cast.district_admin).get(reverse("orgs:tree")).content.decode()
    for org in PartyOrg.objects.all():
        assert org.name in html


def test_the_home_page_figures_take_a_fixed_number_of_queries(cast: Cast) -> None:
    client = logged_in(cast.district_admin)
    add_members(cast, 10)
    few = count_queries(client, reverse("home"))
    add_members(cast, 190)
    add_units(cast, 20)
    # The workbench (ADR 0026) adds one count per item of each app; the number stays the same
    # however many members and units there are.
    assert count_queries(client, reverse("home")) == few <= 40


def test_the_unit_list_pages_in_code_order(cast: Cast) -> None:
    # Given units created in the reverse of their code order
    for i in reversed(range(60)):
        Unit.objects.create(code=f"U{i:04d}", name=f"单位{i:04d}", area=cast.district)
    client = logged_in(cast.district_admin)
    pages = [
        [u.code for u in client.get(reverse("orgs:unit_list"), {"page": p}).context["listing"].rows]
        for p in (1, 2)
    ]
    everything = pages[0] + pages[1]
    assert everything == sorted(everything)
    assert len(set(everything)) == len(everything) == 62


OTHER_LISTS: dict[str, Callable[[], str]] = {
    "area list page": lambda: reverse("orgs:area_list"),
    "area list API": lambda: "/api/v1/areas",
    "post list page": lambda: reverse("orgs:role_list"),
    "post list API": lambda: "/api/v1/posts",
    "post export": lambda: reverse("orgs:role_export"),
    "unit export": lambda: reverse("orgs:unit_export"),
    "party org export": lambda: reverse("orgs:party_org_export"),
}


def add_posts(cast: Cast, n: int) -> None:
    from gongjian.accounts.models import User
    from gongjian.orgs.models import Area, RoleAssignment

    start = User.objects.count()
    users = User.objects.bulk_create(User(username=f"post{start + i}") for i in range(n))
    grids = Area.objects.bulk_create(
        Area(
            code=f"G{start + i}",
            name=f"网格{start + i}",
            kind="grid",
            parent=cast.chenhui,
            path=f"{cast.chenhui.path}G{start + i}/",
            depth=cast.chenhui.depth + 1,
        )
        for i in range(n)
    )
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=u, role="grid_leader", area=g)
        for u, g in zip(users, grids, strict=True)
    )


@pytest.mark.parametrize("what", list(OTHER_LISTS))
def test_the_other_lists_and_exports_make_the_same_few_queries_for_few_or_many(
    cast: Cast, what: str
) -> None:
    client = logged_in(cast.district_admin)
    url = OTHER_LISTS[what]()
    add_units(cast, 3)
    add_posts(cast, 3)
    few = count_queries(client, url)
    add_units(cast, 60)
    add_posts(cast, 60)
    many = count_queries(client, url)
    assert many == few, f"{what}: {few} → {many} queries"
    assert many <= CEILING
