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
