"""Who sees what: every role × objects inside and outside its scope, through the selectors,
the pages and the API alike. A route that is not in the matrix fails the last test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gongjian.core.errors import NotFound
from gongjian.orgs import selectors
from gongjian.orgs.tests.scope_matrix import VISIBLE
from gongjian.testing.cast import Cast
from gongjian.testing.matrix import PEOPLE, collect

PAGES, APIS = collect()

GET_FOR: dict[str, Callable[..., Any]] = {
    "area": selectors.area_get_for,
    "unit": selectors.unit_get_for,
    "org": selectors.party_org_get_for,
    "member": selectors.member_get_for,
}

API_PATH = {
    "area": "/api/v1/areas/{}",
    "unit": "/api/v1/units/{}",
    "org": "/api/v1/party-orgs/{}",
    "member": "/api/v1/members/{}",
}


def _key(obj: Any) -> Any:
    return getattr(obj, "public_id", None) or obj.pk


@pytest.mark.parametrize("obj", sorted(VISIBLE))
def test_selector_and_api_agree_on_scope(cast: Cast, obj: str) -> None:
    kind, attr = obj.split(":")
    target = getattr(cast, attr)
    for person in PEOPLE:
        actor = cast.people[person]
        allowed = person in VISIBLE[obj]
        # The selector's access helper.
        try:
            GET_FOR[kind](actor, _key(target))
            seen = True
        except NotFound:
            seen = False
        assert seen is allowed, f"{person} {'should' if allowed else 'should not'} see {obj}"
        # The API, which must say the same.
        client = Client()
        client.force_login(actor)
        response = client.get(API_PATH[kind].format(_key(target)))
        assert response.status_code == (200 if allowed else 404), (person, response.content)
        # The list endpoint includes it exactly when the detail does.
        list_path = API_PATH[kind].rsplit("/", 1)[0]
        ids = [row["id"] for row in client.get(list_path + "?page_size=500").json()["items"]]
        assert (str(_key(target)) in [str(i) for i in ids]) is allowed, person


@pytest.mark.parametrize("person", PEOPLE)
def test_member_list_page_shows_exactly_the_scope(cast: Cast, person: str) -> None:
    client = Client()
    client.force_login(cast.people[person])
    html = client.get(reverse("orgs:member_list")).content.decode()
    for obj, people in VISIBLE.items():
        if obj.startswith("member:"):
            name = getattr(cast, obj.split(":")[1]).name
            assert (name in html) is (person in people), f"{person} / {name}"


# Routes that need no scope: the log-in page, the admin (superusers only, its own checks),
# the API (covered by the API matrices) and the language switch.
EXEMPT_PREFIXES = ("accounts:login", "admin:", "api:", "set_language")


@pytest.mark.parametrize("route", sorted(PAGES))
def test_page_matrix(cast: Cast, route: str) -> None:
    """Each person in turn, each inside a savepoint rolled back after, so a write by one
    (a transfer, a revocation) never changes what the next one meets."""
    method, url, answers, *rest = PAGES[route]
    wrong = []
    for person in PEOPLE:
        with transaction.atomic():
            data = rest[0](cast) if rest else {}
            client = Client()
            client.force_login(cast.people[person])
            if method == "post":
                response = client.post(url(cast), data)
            else:
                response = client.get(url(cast))
            if response.status_code != answers[person]:
                wrong.append(f"{person}: {response.status_code} (expected {answers[person]})")
            transaction.set_rollback(True)
    assert not wrong, f"{route}: " + "; ".join(wrong)


def _route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(prefix + p.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_route_is_in_the_matrix() -> None:
    missing = sorted(
        n for n in _route_names() if n not in PAGES and not n.startswith(EXEMPT_PREFIXES)
    )
    assert not missing, f"add these routes to the app's tests/scope_matrix.py: {missing}"


def test_every_api_operation_is_in_the_matrix(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operations = {(m, p) for p, item in schema["paths"].items() for m in item}
    missing = operations - APIS
    assert not missing, f"add these API operations to the app's tests/scope_matrix.py: {missing}"
