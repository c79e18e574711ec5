"""Every read of the grid app, through the caller's scope.

- a grid's households, visits and issues are seen by the area posts over the grid (district,
  street, community administrators, its grid leader) and by the cadres with an open
  assignment to the grid (a grid leader or a member sent down);
- assignments also by the unit administrator of the unit that sent the member down;
- coverage (households visited at least once in a period, against a target) is counted per
  grid and per cadre over the grids the caller sees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjian.core.access import one
from gongjian.core.errors import NotFound
from gongjian.core.queries import as_uuid, days_q
from gongjian.core.search import search_q
from gongjian.core.validation import invalid
from gongjian.grid.models import Assignment, Household, Issue, Visit
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area


def _open_assignment_grids(actor: Any) -> QuerySet[Assignment] | None:
    member_id = scope.posts_of(actor).member_id
    if member_id is None:
        return None
    today = timezone.localdate()
    return Assignment.objects.filter(member_id=member_id, starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )


def grid_q(actor: Any, prefix: str = "", *, write: bool = False) -> Q:
    """The grids (or, with a prefix such as `"grid__"`, the rows of a grid) the caller sees:
    the area posts over them and, unless `write`, the cadres assigned to them now."""
    lookup = prefix[:-2] if prefix else "self"
    q = scope.scope_q(actor, area=(lookup,), write=write)
    if write or scope.posts_of(actor).superuser:
        return q
    assigned = _open_assignment_grids(actor)
    if assigned is None:
        return q
    return q | Q(**{f"{prefix}pk__in": assigned.values("grid_id")})


def grids(*, actor: Any, write: bool = False) -> QuerySet[Area]:
    return Area.objects.filter(grid_q(actor, write=write), kind=Area.Kind.GRID)


def grids_to_visit(*, actor: Any) -> QuerySet[Area]:
    """Where the caller may log visits: the grids they see (grid leaders included)."""
    return grids(actor=actor)


def may_manage(actor: Any) -> bool:
    posts = scope.posts_of(actor)
    return posts.superuser or bool(posts.paths(write=True))


def grid_choices(*, actor: Any, write: bool = False) -> list[Area]:
    return list(grids(actor=actor, write=write).select_related("parent").order_by("path")[:500])


def may_keep(actor: Any, household: Household) -> bool:
    """May the caller change or delete this household (an area post over its grid)?"""
    return Household.objects.filter(grid_q(actor, "grid__", write=True), pk=household.pk).exists()


def grid_get_for(actor: Any, pk: Any) -> Area:
    found = grids(actor=actor).filter(pk=_number_or_zero(pk)).select_related("parent").first()
    if found is None:
        raise NotFound(_("网格不存在或无权查看"))
    return found


def _number_or_zero(value: Any) -> int:
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 18 else 0


def _under(qs: QuerySet[Any], actor: Any, area: int | None, lookup: str = "grid") -> QuerySet[Any]:
    if not area:
        return qs
    the_area = org_selectors.area_get_for(actor, area)
    return qs.filter(**{f"{lookup}__path__startswith": the_area.path})


# Households -----------------------------------------------------------------------------------


def household_list(
    *,
    actor: Any,
    q: str = "",
    area: int | None = None,
    flag: str = "",
    unvisited_since: dt.date | None = None,
) -> QuerySet[Household]:
    qs = Household.objects.filter(grid_q(actor, "grid__"), is_active=True).select_related(
        "grid__parent"
    )
    qs = _under(qs, actor, area)
    if flag in ("elderly_alone", "hardship", "empty_nest"):
        qs = qs.filter(**{flag: True})
    if unvisited_since:
        seen = Visit.objects.filter(household=OuterRef("pk"), visited_on__gte=unvisited_since)
        qs = qs.filter(~Exists(seen))
    if q:
        qs = qs.filter(search_q(q, "", raw=("head_name", "address"), exact=("building",)))
    return qs.order_by("grid__path", "building", "entrance", "room", "address", "id")


def household_get_for(actor: Any, public_id: Any, *, write: bool = False) -> Household:
    """A household the caller sees (`write`: keeps — an area post over its grid)."""
    return one(
        Household.objects.filter(grid_q(actor, "grid__", write=write)).select_related(
            "grid__parent"
        ),
        _("住户不存在或无权查看"),
        public_id=public_id,
    )


def household_visits(*, household: Household) -> QuerySet[Visit]:
    return household.visits.select_related("visitor").prefetch_related("issues")


def may_unmask(actor: Any) -> bool:
    """Household phones: the area posts over the grid and its cadres contact residents; ID
    numbers only the district and community administrators (like members')."""
    posts = scope.posts_of(actor)
    return posts.superuser or bool(posts.area_paths) or posts.member_id is not None


# Assignments ----------------------------------------------------------------------------------


def assignment_q(actor: Any, *, write: bool = False) -> Q:
    """Assignments of the grids the caller sees, and those of members their unit sent down."""
    q = grid_q(actor, "grid__", write=write)
    posts = scope.posts_of(actor)
    if posts.unit_ids and not posts.superuser:
        q = q | Q(unit_id__in=list(posts.unit_ids))
    return q


def assignment_list(
    *,
    actor: Any,
    q: str = "",
    role: str = "",
    area: int | None = None,
    unit: int | None = None,
    current: bool = False,
) -> QuerySet[Assignment]:
    qs = Assignment.objects.filter(assignment_q(actor)).select_related(
        "grid__parent", "member", "unit"
    )
    qs = _under(qs, actor, area)
    if role:
        qs = qs.filter(role=role)
    if unit:
        qs = qs.filter(unit_id=unit)
    if current:
        today = timezone.localdate()
        qs = qs.filter(starts_on__lte=today).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    if q:
        qs = qs.filter(
            search_q(q, "member__name_folded", "grid", raw=("member__name", "grid__name"))
        )
    return qs.order_by("grid__path", "role", "starts_on", "id")


def assignments_for_write(*, actor: Any) -> QuerySet[Assignment]:
    return Assignment.objects.filter(assignment_q(actor, write=True))


# Visits and issues ----------------------------------------------------------------------------


def visit_list(
    *,
    actor: Any,
    q: str = "",
    area: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    mine: bool = False,
) -> QuerySet[Visit]:
    qs = (
        Visit.objects.filter(grid_q(actor, "grid__"))
        .select_related("household", "grid", "visitor")
        .annotate(issue_count=Count("issues"))
    )
    qs = _under(qs, actor, area)
    qs = qs.filter(days_q("visited_on", start, end))
    if mine:
        member_id = scope.posts_of(actor).member_id
        qs = qs.filter(visitor_id=member_id) if member_id else qs.none()
    if q:
        qs = qs.filter(
            search_q(
                q,
                "",
                "household",
                "visitor__name_folded",
                raw=("household__head_name", "visitor__name", "notes"),
            )
        )
    return qs.order_by("-visited_on", "-id")


def visit_get_for(actor: Any, public_id: Any) -> Visit:
    return one(
        Visit.objects.filter(grid_q(actor, "grid__")).select_related(
            "household", "grid", "visitor"
        ),
        _("走访记录不存在或无权查看"),
        public_id=public_id,
    )


def issue_q(actor: Any, *, write: bool = False) -> Q:
    return grid_q(actor, "visit__grid__", write=write)


def issue_list(
    *,
    actor: Any,
    q: str = "",
    kind: str = "",
    status: str = "",
    area: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Issue]:
    """Issues; `start`/`end`: found on a visit then."""
    qs = Issue.objects.filter(issue_q(actor)).select_related(
        "visit__household", "visit__grid", "visit__visitor"
    )
    qs = _under(qs, actor, area, "visit__grid")
    qs = qs.filter(days_q("visit__visited_on", start, end))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(search_q(q, "", raw=("description",)))
    return qs.order_by("-created_at", "-id")


def issue_get_for(actor: Any, public_id: Any) -> Issue:
    return one(
        Issue.objects.filter(issue_q(actor)).select_related("visit__grid", "visit__household"),
        _("走访问题不存在或无权查看"),
        public_id=public_id,
    )


# Coverage -------------------------------------------------------------------------------------

TARGETS = {
    # flag → (label, days within which every such household is visited)
    "": (_("全部住户每年"), 365),
    "elderly_alone": (_("独居老人每月"), 31),
    "hardship": (_("困难家庭每季度"), 92),
    "empty_nest": (_("空巢家庭每季度"), 92),
}


@dataclass
class CoverageRow:
    grid_id: int
    grid: str
    community: str
    households: int
    visited: int
    visits: int
    issues: int

    @property
    def rate(self) -> float:
        return self.visited / self.households if self.households else 1.0

    @property
    def behind(self) -> int:
        return self.households - self.visited


def coverage(
    *,
    actor: Any,
    start: dt.date,
    end: dt.date,
    flag: str = "",
    area: int | None = None,
) -> list[CoverageRow]:
    """Per grid the caller sees: its households (with `flag`, when given), how many were
    visited at least once from `start` to `end`, the visits and the issues found then.
    Three grouped queries, whatever the number of grids."""
    grid_qs = grids(actor=actor).select_related("parent")
    if area:
        grid_qs = grid_qs.filter(path__startswith=org_selectors.area_get_for(actor, area).path)
    the_grids = list(grid_qs.order_by("path"))
    ids = [g.pk for g in the_grids]
    houses = Household.objects.filter(grid_id__in=ids, is_active=True)
    if flag in ("elderly_alone", "hardship", "empty_nest"):
        houses = houses.filter(**{flag: True})
    total = dict(houses.values("grid_id").annotate(n=Count("id")).values_list("grid_id", "n"))
    visits = Visit.objects.filter(
        grid_id__in=ids, visited_on__gte=start, visited_on__lte=end, household__in=houses
    )
    per = {
        row["grid_id"]: row
        for row in visits.values("grid_id").annotate(
            visited=Count("household_id", distinct=True), visits=Count("id")
        )
    }
    issues = dict(
        Issue.objects.filter(visit__in=visits)
        .values("visit__grid_id")
        .annotate(n=Count("id"))
        .values_list("visit__grid_id", "n")
    )
    return [
        CoverageRow(
            grid_id=g.pk,
            grid=g.name,
            community=g.parent.name if g.parent else "",
            households=total.get(g.pk, 0),
            visited=per.get(g.pk, {}).get("visited", 0),
            visits=per.get(g.pk, {}).get("visits", 0),
            issues=issues.get(g.pk, 0),
        )
        for g in the_grids
    ]


def chase_list(rows: list[CoverageRow], *, target: float = 1.0) -> list[CoverageRow]:
    """The grids behind the target, the furthest behind first."""
    return sorted((r for r in rows if r.rate < target), key=lambda r: (r.rate, -r.behind))


@dataclass
class CadreRow:
    member_id: int
    name: str
    households: int
    visits: int


def coverage_by_cadre(
    *, actor: Any, start: dt.date, end: dt.date, area: int | None = None
) -> list[CadreRow]:
    qs = Visit.objects.filter(
        grid_q(actor, "grid__"),
        visited_on__gte=start,
        visited_on__lte=end,
        visitor__isnull=False,
    )
    qs = _under(qs, actor, area)
    return [
        CadreRow(r["visitor_id"], r["visitor__name"], r["households"], r["visits"])
        for r in qs.values("visitor_id", "visitor__name")
        .annotate(households=Count("household_id", distinct=True), visits=Count("id"))
        .order_by("-households", "visitor__name")
    ]


def coverage_rows(
    *,
    actor: Any,
    start: dt.date | None = None,
    end: dt.date | None = None,
    flag: str = "",
    area: int | None = None,
    behind: bool = False,
) -> list[CoverageRow]:
    """Coverage against the target of `flag` (`TARGETS`): by default over the target's
    period up to today; `behind`: the chase list, the grids furthest behind first."""
    end = end or timezone.localdate()
    start = start or end - dt.timedelta(days=TARGETS.get(flag, TARGETS[""])[1] - 1)
    rows = coverage(actor=actor, start=start, end=end, flag=flag, area=area)
    return chase_list(rows) if behind else rows


# What an issue is passed into, chosen by name ---------------------------------------------------


@dataclass(frozen=True)
class PassTarget:
    """What a visit's issue is passed into, for one destination: the thing chosen (a
    co-building campaign, an inspection, a category of suggestions) and its picker —
    `picks(actor=, q=, value=)` gives the caller's choices by name (with `value`: that one
    only, to check what a form sent). `required`: a choice must be made."""

    label: Any  # a (lazy) translatable name
    picks: Callable[..., list[org_selectors.Pick]]
    required: bool = True


_TARGETS: dict[str, PassTarget] = {}


def pass_target_register(to: str, target: PassTarget) -> None:
    """Another app names what its issues are passed into (consult: a suggestion's category)."""
    _TARGETS[to] = target


def _campaign_picks(*, actor: Any, q: str = "", value: str = "") -> list[org_selectors.Pick]:
    from gongjian.cobuild import selectors as cobuild_selectors
    from gongjian.cobuild.services import LIST_STATES

    qs = cobuild_selectors.campaign_list(actor=actor, q=q).filter(status__in=LIST_STATES)
    if value:
        qs = qs.filter(pk=int(value)) if str(value).isdigit() else qs.none()
    return [
        org_selectors.Pick(
            value=str(c.pk),
            label=c.name,
            detail=f"{c.year}年 · {c.get_status_display()} · {c.district.name}",
        )
        for c in qs.order_by("-year", "-id")[: org_selectors.PICK_LIMIT]
    ]


def _inspection_picks(*, actor: Any, q: str = "", value: str = "") -> list[org_selectors.Pick]:
    from gongjian.inspection import selectors as inspection_selectors

    qs = inspection_selectors.inspections_for_finding(actor=actor).select_related("district")
    if q:
        qs = qs.filter(search_q(q, "", raw=("subject",)))
    if value:
        key = as_uuid(value)
        qs = qs.filter(public_id=key) if key else qs.none()
    return [
        org_selectors.Pick(
            value=str(i.public_id),
            label=i.subject,
            detail=f"{i.get_kind_display()} · {i.district.name} · "
            f"{i.starts_on.year}年{i.starts_on.month}月{i.starts_on.day}日起",
        )
        for i in qs.order_by("-starts_on", "-id")[: org_selectors.PICK_LIMIT]
    ]


_BUILT_IN_TARGETS = {
    "demand": PassTarget(label=gettext_lazy("共建活动"), picks=_campaign_picks),
    "finding": PassTarget(label=gettext_lazy("督导"), picks=_inspection_picks),
}


def pass_target(to: str) -> PassTarget | None:
    return _TARGETS.get(to) or _BUILT_IN_TARGETS.get(to)


def pass_target_picks(*, actor: Any, to: str, q: str = "") -> list[org_selectors.Pick]:
    """The caller's choices for passing an issue `to` a destination, by name (the most recent
    ones when nothing is typed: there are few)."""
    target = pass_target(to)
    return target.picks(actor=actor, q=(q or "").strip()) if target else []


def pass_target_check(*, actor: Any, to: str, value: Any) -> str:
    """The chosen target's value, when it is one of the caller's choices; else the error
    naming the field."""
    target = pass_target(to)
    text = str(value or "").strip()
    if target is None:
        return text
    if not text:
        if target.required:
            raise invalid("target", _("请选择转入的%(t)s") % {"t": target.label})
        return ""
    if not target.picks(actor=actor, value=text):
        raise invalid(
            "target", _("所选%(t)s不存在或不在您的范围，请重新选择") % {"t": target.label}
        )
    return text


def households_due(*, actor: Any, since: dict[str, dt.date]) -> dict[str, int]:
    """For each flag of `since` ("" for every household), how many of the caller's
    households of that flag have had no visit on or after its date — the counts of
    `household_list(flag=…, unvisited_since=…)`, in one query."""
    base = household_list(actor=actor).order_by()
    counts: dict[str, Any] = {}
    for flag, day in since.items():
        seen = Visit.objects.filter(household=OuterRef("pk"), visited_on__gte=day)
        cond = ~Q(Exists(seen))
        if flag in ("elderly_alone", "hardship", "empty_nest"):
            cond &= Q(**{flag: True})
        counts[flag or "all"] = Count("pk", filter=cond)
    found = base.aggregate(**counts) if counts else {}
    return {flag: int(found.get(flag or "all") or 0) for flag in since}
