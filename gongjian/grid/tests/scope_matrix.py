"""The scope matrix of the grid app (see gongjian/testing/matrix.py).

The objects: the households of 晨辉社区 (four in its first grid), a visit by the first grid's
leader with a hazard found, the tax bureau's colleague sent down to the second grid."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from gongjian.grid import services
from gongjian.grid.models import Assignment, Household, Issue, Visit
from gongjian.grid.tests import helpers
from gongjian.testing.cast import Cast
from gongjian.testing.matrix import Entry, everyone, only

# The area posts over 晨辉社区第一网格.
OVER_GRID1 = {
    "platform_admin",
    "district_admin",
    "street_admin",
    "community_secretary",
    "grid_leader",
}
MANAGE = OVER_GRID1 - {"grid_leader"}


def household(c: Cast) -> Household:
    found = Household.objects.filter(head_name="张大爷").first()
    return found or helpers.households(c)[0]


def fresh_household(c: Cast) -> Household:
    """A household entered by mistake, never visited (one per call: deleting it is the test)."""
    n = Household.objects.count() + 1
    return Household.objects.create(grid=c.chenhui_grid1, room=f"9{n:03d}", head_name="误登")


def visit(c: Cast) -> Visit:
    found = Visit.objects.filter(household__head_name="张大爷").first()
    return found or helpers.visit(c, household(c), issues=[("hazard", "楼道堆物")])


def issue(c: Cast) -> Issue:
    return visit(c).issues.get()


def assignment(c: Cast) -> Assignment:
    found = Assignment.objects.filter(member=c.tax_colleague).first()
    return found or services.assignment_create(
        actor=c.unit_admin,
        grid_id=c.chenhui_grid2.pk,
        member_id=c.tax_colleague.public_id,
        role="sent_down",
        starts_on=timezone.localdate(),
    )


def _get(name: str) -> Any:
    return lambda c: reverse(name)


PAGE_MATRIX: dict[str, Entry] = {
    "grid:coverage": ("get", _get("grid:coverage"), everyone(200)),
    "grid:coverage_export": ("get", _get("grid:coverage_export"), everyone(200)),
    "grid:cadres": ("get", _get("grid:cadres"), everyone(200)),
    "grid:household_list": ("get", _get("grid:household_list"), everyone(200)),
    "grid:household_export": ("get", _get("grid:household_export"), everyone(200)),
    # A household of the first grid: those over it (the grid leader too, on a visit)
    "grid:household_create": (
        "post",
        _get("grid:household_create"),
        only(OVER_GRID1, 302),
        lambda c: {"grid": str(c.chenhui_grid1.pk), "head_name": "新户", "room": "909"},
    ),
    "grid:household_detail": (
        "get",
        lambda c: reverse("grid:household_detail", args=[household(c).public_id]),
        only(OVER_GRID1),
    ),
    "grid:household_unmask": (
        "post",
        lambda c: reverse("grid:household_unmask", args=[household(c).public_id]),
        only(OVER_GRID1),
        lambda c: {"field": "head_phone", "reason": "回访"},
    ),
    "grid:household_flags": (
        "post",
        lambda c: reverse("grid:household_flags", args=[household(c).public_id]),
        only(OVER_GRID1, 302),
        lambda c: {"hardship": "1"},
    ),
    # Changing or deleting a household: the posts that keep the grid (not its leader)
    "grid:household_edit": (
        "get",
        lambda c: reverse("grid:household_edit", args=[household(c).public_id]),
        only(MANAGE),
    ),
    "grid:household_update": (
        "post",
        lambda c: reverse("grid:household_update", args=[household(c).public_id]),
        only(MANAGE, 302),
        lambda c: {
            "grid": str(c.chenhui_grid1.pk),
            "head_name": "张大爷",
            "building": "1",
            "entrance": "1",
            "room": "101",
            "elderly_alone": "1",
        },
    ),
    "grid:household_delete": (
        "post",
        lambda c: reverse("grid:household_delete", args=[fresh_household(c).public_id]),
        only(MANAGE, 302),
    ),
    "grid:assignment_list": ("get", _get("grid:assignment_list"), everyone(200)),
    "grid:assignment_export": ("get", _get("grid:assignment_export"), everyone(200)),
    # The community's posts assign a resident as a leader; a unit sends only its own (302
    # back with the reason for the others), and a post without a grid is told why (403).
    "grid:assignment_create": (
        "post",
        _get("grid:assignment_create"),
        {**only(MANAGE, 302, 403), "unit_admin": 302},
        lambda c: {
            "grid": str(c.chenhui_grid1.pk),
            "member": str(c.chenhui_resident.public_id),
            "role": "leader",
            "starts_on": "2026-01-01",
        },
    ),
    "grid:assignment_end": (
        "post",
        lambda c: reverse("grid:assignment_end", args=[assignment(c).pk]),
        only(MANAGE | {"unit_admin"}, 302),
    ),
    "grid:visit_list": ("get", _get("grid:visit_list"), everyone(200)),
    "grid:visit_export": ("get", _get("grid:visit_export"), everyone(200)),
    "grid:visit_new": ("get", _get("grid:visit_new"), everyone(200)),
    "grid:visit_create": (
        "post",
        _get("grid:visit_create"),
        only(OVER_GRID1, 302),
        lambda c: {"household": str(household(c).public_id), "met": "本人"},
    ),
    "grid:visit_detail": (
        "get",
        lambda c: reverse("grid:visit_detail", args=[visit(c).public_id]),
        only(OVER_GRID1),
    ),
    "grid:issue_list": ("get", _get("grid:issue_list"), everyone(200)),
    "grid:issue_export": ("get", _get("grid:issue_export"), everyone(200)),
    # No target given: back with the reason (302) for those who see it
    "grid:issue_pass": (
        "post",
        lambda c: reverse("grid:issue_pass", args=[issue(c).public_id]),
        only(OVER_GRID1, 302),
        lambda c: {"to": "finding"},
    ),
    # The choices of what an issue is passed into: each sees their own (maybe none)
    "grid:pass_targets": (
        "get",
        lambda c: reverse("grid:pass_targets") + "?to=demand",
        everyone(200),
    ),
    "grid:issue_resolve": (
        "post",
        lambda c: reverse("grid:issue_resolve", args=[issue(c).public_id]),
        only(OVER_GRID1, 302),
    ),
}

API_MATRIX: set[tuple[str, str]] = {
    ("get", "/api/v1/grid/households"),
    ("post", "/api/v1/grid/households"),
    ("get", "/api/v1/grid/households/{household_id}"),
    ("put", "/api/v1/grid/households/{household_id}"),
    ("delete", "/api/v1/grid/households/{household_id}"),
    ("post", "/api/v1/grid/households/{household_id}/unmask"),
    ("get", "/api/v1/grid/assignments"),
    ("post", "/api/v1/grid/assignments"),
    ("post", "/api/v1/grid/assignments/{assignment_id}/end"),
    ("get", "/api/v1/grid/visits"),
    ("post", "/api/v1/grid/visits"),
    ("get", "/api/v1/grid/visits/{visit_id}"),
    ("get", "/api/v1/grid/issues"),
    ("post", "/api/v1/grid/issues/{issue_id}/pass"),
    ("post", "/api/v1/grid/issues/{issue_id}/resolve"),
    ("get", "/api/v1/grid/coverage"),
}
