"""Who sees what: every role × objects inside and outside its scope, through the selectors,
the pages and the API alike. A route that is not in the matrix fails the last test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gongjian.orgs import selectors
from gongjian.testing.cast import Cast

PEOPLE = (
    "platform_admin",
    "district_admin",
    "street_admin",
    "community_secretary",
    "grid_leader",
    "unit_admin",
    "member",
    "outsider",
)

# object → the people who may see it
VISIBLE: dict[str, set[str]] = {
    "area:chenhui": {"platform_admin", "district_admin", "street_admin", "community_secretary"},
    "area:chenhui_grid1": {
        "platform_admin",
        "district_admin",
        "street_admin",
        "community_secretary",
        "grid_leader",
    },
    "area:xingguang": {"platform_admin", "district_admin"},
    "unit:tax": {"platform_admin", "district_admin", "unit_admin"},
    "unit:justice": {"platform_admin", "district_admin"},
    "org:tax_branch": {"platform_admin", "district_admin", "unit_admin"},
    "org:justice_branch": {"platform_admin", "district_admin"},
    "org:chenhui_org": {"platform_admin", "district_admin", "street_admin", "community_secretary"},
    "org:xingguang_org": {"platform_admin", "district_admin"},
    "member:member_record": {
        "platform_admin",
        "district_admin",
        "street_admin",
        "community_secretary",
        "grid_leader",
        "unit_admin",
        "member",
    },
    "member:tax_colleague": {"platform_admin", "district_admin", "unit_admin"},
    "member:justice_member": {"platform_admin", "district_admin"},
    "member:xingguang_resident": {"platform_admin", "district_admin"},
    "member:chenhui_resident": {
        "platform_admin",
        "district_admin",
        "street_admin",
        "community_secretary",
    },
}

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


CASES = [(person, obj) for obj in VISIBLE for person in PEOPLE]


@pytest.mark.parametrize(("person", "obj"), CASES)
def test_selector_and_api_agree_on_scope(cast: Cast, person: str, obj: str) -> None:
    kind, attr = obj.split(":")
    target = getattr(cast, attr)
    actor = cast.people[person]
    allowed = person in VISIBLE[obj]
    # The selector's access helper.
    try:
        GET_FOR[kind](actor, _key(target))
        seen = True
    except Exception as exc:  # noqa: BLE001
        assert type(exc).__name__ == "NotFound"
        seen = False
    assert seen is allowed, f"{person} {'should' if allowed else 'should not'} see {obj}"
    # The API, which must say the same.
    client = Client()
    client.force_login(actor)
    response = client.get(API_PATH[kind].format(_key(target)))
    assert response.status_code == (200 if allowed else 404), response.content
    # The list endpoint includes it exactly when the detail does.
    list_path = API_PATH[kind].rsplit("/", 1)[0]
    ids = [row["id"] for row in client.get(list_path + "?page_size=500").json()["items"]]
    assert (str(_key(target)) in [str(i) for i in ids]) is allowed


@pytest.mark.parametrize("person", PEOPLE)
def test_member_list_page_shows_exactly_the_scope(cast: Cast, person: str) -> None:
    client = Client()
    client.force_login(cast.people[person])
    html = client.get(reverse("orgs:member_list")).content.decode()
    for obj, people in VISIBLE.items():
        if obj.startswith("member:"):
            name = getattr(cast, obj.split(":")[1]).name
            assert (name in html) is (person in people), f"{person} / {name}"


# Every page route, with how each person must be answered. A route missing here fails
# test_every_route_is_in_the_matrix, so a new page can't skip the scope check.
Answer = dict[str, int]


def _all(status: int) -> Answer:
    return dict.fromkeys(PEOPLE, status)


def _visible(obj: str, yes: int = 200, no: int = 404) -> Answer:
    return {p: yes if p in VISIBLE[obj] else no for p in PEOPLE}


PAGE_MATRIX: dict[str, tuple[str, Callable[[Cast], str], Answer]] = {
    "home": ("get", lambda c: reverse("home"), _all(200)),
    "orgs:tree": ("get", lambda c: reverse("orgs:tree"), _all(200)),
    "orgs:area_list": ("get", lambda c: reverse("orgs:area_list"), _all(200)),
    "orgs:area_export": ("get", lambda c: reverse("orgs:area_export"), _all(200)),
    "orgs:unit_list": ("get", lambda c: reverse("orgs:unit_list"), _all(200)),
    "orgs:unit_export": ("get", lambda c: reverse("orgs:unit_export"), _all(200)),
    "orgs:unit_detail": (
        "get",
        lambda c: reverse("orgs:unit_detail", args=[c.tax.pk]),
        _visible("unit:tax"),
    ),
    "orgs:member_list": ("get", lambda c: reverse("orgs:member_list"), _all(200)),
    "orgs:member_export": ("get", lambda c: reverse("orgs:member_export"), _all(200)),
    "orgs:member_detail": (
        "get",
        lambda c: reverse("orgs:member_detail", args=[c.member_record.public_id]),
        _visible("member:member_record"),
    ),
    "orgs:member_unmask": (
        "post",
        lambda c: reverse("orgs:member_unmask", args=[c.member_record.public_id]),
        # id_number: platform, district and unit administrators, and the member themself;
        # the street, community and grid posts see the member but may not unmask the ID.
        {
            "platform_admin": 200,
            "district_admin": 200,
            "street_admin": 403,
            "community_secretary": 403,
            "grid_leader": 403,
            "unit_admin": 200,
            "member": 200,
            "outsider": 404,
        },
    ),
    "orgs:member_transfer": (
        "post",
        lambda c: reverse("orgs:member_transfer", args=[c.tax_colleague.public_id]),
        {
            p: 302 if p in {"platform_admin", "district_admin", "unit_admin"} else 404
            for p in PEOPLE
        },
    ),
    "orgs:import_start": ("get", lambda c: reverse("orgs:import_start"), _all(200)),
    "orgs:import_template": (
        "get",
        lambda c: reverse("orgs:import_template", args=["members"]),
        _all(200),
    ),
    "orgs:import_preview": (
        "get",
        lambda c: reverse("orgs:import_preview", args=["nobody-s-batch"]),
        _all(404),
    ),
    "orgs:import_errors": (
        "get",
        lambda c: reverse("orgs:import_errors", args=["nobody-s-batch"]),
        _all(404),
    ),
    "accounts:password_change": ("get", lambda c: reverse("accounts:password_change"), _all(200)),
    "accounts:logout": ("post", lambda c: reverse("accounts:logout"), _all(302)),
}
# Routes that need no scope: the log-in page, the admin (superusers only, its own checks),
# the API (covered by API_MATRIX below) and the language switch.
EXEMPT_PREFIXES = ("accounts:login", "admin:", "api:", "set_language")


@pytest.mark.parametrize(("route", "person"), [(r, p) for r in PAGE_MATRIX for p in PEOPLE])
def test_page_matrix(cast: Cast, route: str, person: str) -> None:
    method, url, answers = PAGE_MATRIX[route]
    client = Client()
    client.force_login(cast.people[person])
    data = {"field": "id_number", "reason": "核对身份", "to_org": str(cast.tax_committee.pk)}
    response = (
        getattr(client, method)(url(cast), data) if method == "post" else client.get(url(cast))
    )
    assert response.status_code == answers[person], f"{route} as {person}"


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
        n for n in _route_names() if n not in PAGE_MATRIX and not n.startswith(EXEMPT_PREFIXES)
    )
    assert not missing, f"add these routes to PAGE_MATRIX: {missing}"


# The API: every operation in the schema is listed here and exercised in its own tests.
API_MATRIX = {
    ("get", "/api/v1/areas"),
    ("get", "/api/v1/areas/{area_id}"),
    ("post", "/api/v1/areas"),
    ("patch", "/api/v1/areas/{area_id}"),
    ("get", "/api/v1/units"),
    ("get", "/api/v1/units/{unit_id}"),
    ("post", "/api/v1/units"),
    ("patch", "/api/v1/units/{unit_id}"),
    ("get", "/api/v1/party-orgs"),
    ("get", "/api/v1/party-orgs/{org_id}"),
    ("post", "/api/v1/party-orgs"),
    ("patch", "/api/v1/party-orgs/{org_id}"),
    ("get", "/api/v1/members"),
    ("get", "/api/v1/members/{member_id}"),
    ("post", "/api/v1/members"),
    ("patch", "/api/v1/members/{member_id}"),
    ("post", "/api/v1/members/{member_id}/transfer"),
    ("post", "/api/v1/members/{member_id}/unmask"),
}


def test_every_api_operation_is_in_the_matrix(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operations = {(m, p) for p, item in schema["paths"].items() for m in item}
    assert operations - API_MATRIX == set(), "add these API operations to API_MATRIX"
