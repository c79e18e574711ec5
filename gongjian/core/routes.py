"""The URL patterns of a resource, named by one rule, so that an app's `urls.py` declares its
resources instead of spelling out each address.

- `listed(route, view, export)`: a list page at `route`, named as its view, and the list's
  Excel export at `route + "export/"`, named `<noun>_export` (`unit_list` → `unit_export`,
  `roster` → `roster_export`).
- `verbs(route, views, noun, *verbs)`: one address per verb below an object's address,
  `route + "<verb>/"`, served by `views.<noun>_<verb>` and named the same
  (`"units/<int:unit_id>/", views, "unit", "edit", "delete"` → `unit_edit`, `unit_delete`).

An address outside the rule is written with `path` as usual, beside these.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from django.urls import URLPattern, path


def listed(route: str, view: Callable[..., Any], export: Callable[..., Any]) -> list[URLPattern]:
    """A list page and its export (see the module's doc)."""
    name = view.__name__
    return [
        path(route, view, name=name),
        path(f"{route}export/", export, name=f"{name.removesuffix('_list')}_export"),
    ]


def verbs(route: str, views: ModuleType, noun: str, *names: str) -> list[URLPattern]:
    """The addresses `route + "<verb>/"` of `views.<noun>_<verb>` (see the module's doc)."""
    return [
        path(f"{route}{verb}/", getattr(views, f"{noun}_{verb}"), name=f"{noun}_{verb}")
        for verb in names
    ]
