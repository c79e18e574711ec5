"""The OpenAPI document describes what the API does: every path reaches its own operations
(no route shadowed by another's parameter), and no two schemas share a name (the document
would describe one body with the other's fields)."""

from __future__ import annotations

import re
from collections import defaultdict

import pydantic
from django.test import Client
from django.urls import resolve

from gongjian.config.api import api
from gongjian.testing.cast import Cast


def _subclasses(cls: type) -> list[type]:
    out: list[type] = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


def test_every_path_resolves_to_its_own_route() -> None:
    shadowed = []
    for path in api.get_openapi_schema()["paths"]:
        match = resolve(re.sub(r"\{[^}]+\}", "1", path))
        got = re.sub(r"<[^>]+>", "{}", match.route)
        want = re.sub(r"\{[^}]+\}", "{}", path).lstrip("/")
        if got != want:
            shadowed.append((path, match.route))
    assert not shadowed, f"paths answered by another route: {shadowed}"


def test_no_two_schemas_share_a_name() -> None:
    components = set(api.get_openapi_schema()["components"]["schemas"])
    by_name: dict[str, set[str]] = defaultdict(set)
    for model in _subclasses(pydantic.BaseModel):
        if model.__module__.startswith("gongjian") and model.__name__ in components:
            by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    clashes = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not clashes, f"schemas named alike: {clashes}"


def test_deciding_member_reports_in_bulk_is_a_post(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.community_secretary)
    response = client.post(
        "/api/v1/reporting/member-reports/decide",
        {"ids": [], "action": "confirm", "reason": ""},
        content_type="application/json",
    )
    assert response.status_code != 405
    assert response.status_code < 500


def test_every_api_list_clamps_or_refuses_huge_page_numbers(cast: Cast) -> None:
    """A page past the end is an empty page, a page number past 100,000 a 422: never an
    OFFSET that overflows (a 500 on PostgreSQL)."""
    client = Client()
    client.force_login(cast.district_admin)
    lists = [
        path
        for path, ops in api.get_openapi_schema()["paths"].items()
        if "{" not in path
        and "get" in ops
        and any(p["name"] == "page" for p in ops["get"].get("parameters", []))
    ]
    assert len(lists) > 10
    for path in lists:
        far = client.get(path, {"page": 100_000})
        assert far.status_code in (200, 400, 422), (path, far.status_code)
        if far.status_code == 200:
            assert far.json()["items"] == [], path
        huge = client.get(path, {"page": 10**12, "page_size": 10**12})
        assert huge.status_code in (400, 422), (path, huge.status_code)
        assert huge["Content-Type"].startswith("application/json"), path


def test_a_year_out_of_range_is_a_400_not_a_crash(cast: Cast) -> None:
    """Found by the fuzzer: year 0 reached `datetime.date` (a ValueError, a 500)."""
    client = Client()
    client.force_login(cast.member)
    for path in ("/api/v1/service/me/summary", "/api/v1/study/me/record"):
        response = client.get(path, {"year": 0})
        assert response.status_code == 400, path
        assert response.json()["code"] == "validation", path
