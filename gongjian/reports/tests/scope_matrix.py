"""The scope matrix of the dashboard and briefings (see gongjian/testing/matrix.py): every
post sees its own top node; members and outsiders have none; a node outside one's scope is
not found."""

from __future__ import annotations

from django.urls import reverse

from gongjian.testing.cast import Cast
from gongjian.testing.matrix import Entry, only

POSTS = {
    "platform_admin",
    "district_admin",
    "street_admin",
    "community_secretary",
    "grid_leader",
    "unit_admin",
}


def _foreign(name: str) -> object:
    """The page for 区司法局: only the platform and the district see it."""
    return lambda c: reverse(name) + f"?node=unit:{c.justice.pk}"


def _route(name: str) -> object:
    return lambda c: reverse(name)


PAGE_MATRIX: dict[str, Entry] = {}
for _name in (
    "reports:dashboard",
    "reports:briefing",
    "reports:briefing_docx",
    "reports:unit_ranking_export",
    "reports:community_ranking_export",
):
    PAGE_MATRIX[_name] = ("get", _route(_name), only(POSTS))
    PAGE_MATRIX[f"{_name}:foreign"] = (
        "get",
        _foreign(_name),
        only({"platform_admin", "district_admin"}),
    )

# Background jobs: the briefing for one's own top node; the rollups for the working committee.
PAGE_MATRIX["reports:briefing_generate"] = (
    "post",
    _route("reports:briefing_generate"),
    only(POSTS, 302, 404),
)
PAGE_MATRIX["reports:rollups_refresh"] = (
    "post",
    _route("reports:rollups_refresh"),
    only({"platform_admin", "district_admin"}, 302, 403),
)

PAGE_MATRIX["reports:dashboard:screen"] = (
    "get",
    lambda c: reverse("reports:dashboard") + "?screen=1",
    only(POSTS),
)


def street_node(c: Cast) -> str:
    return f"area:{c.qinghe.pk}"


API_MATRIX: set[tuple[str, str]] = {
    ("get", "/api/v1/reports/nodes"),
    ("get", "/api/v1/reports/figures"),
}
