"""The page matrix every app declares: each route, how it is reached, and the status each
person of the cast must get. Each app keeps its own in `gongjian/<app>/tests/scope_matrix.py`
(a `PAGE_MATRIX` dict and an `API_MATRIX` set); `gongjian/orgs/tests/test_scope_matrix.py`
fails when a route or an API operation of any app is missing from them."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import Any

from django.apps import apps

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

Answer = dict[str, int]
# route name → (method, url builder taking the cast, answer per person[, POST data builder])
Entry = tuple[Any, ...]


def everyone(status: int) -> Answer:
    return dict.fromkeys(PEOPLE, status)


def only(people: set[str], yes: int = 200, no: int = 404) -> Answer:
    return {p: yes if p in people else no for p in PEOPLE}


def collect() -> tuple[dict[str, Entry], set[tuple[str, str]]]:
    pages: dict[str, Entry] = {}
    api: set[tuple[str, str]] = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("gongjian."):
            continue
        name = f"{config.name}.tests.scope_matrix"
        if importlib.util.find_spec(f"{config.name}.tests") is None:
            continue
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        pages.update(getattr(module, "PAGE_MATRIX", {}))
        api.update(getattr(module, "API_MATRIX", set()))
    return pages, api


UrlBuilder = Callable[[Any], str]
