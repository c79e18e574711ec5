"""The figures of direct-link co-building (the core contract, `core.figures`), and the counts
that the apps above compose: `reports` (the dashboard) and `evaluation` (computed indicators).

What is counted for a scope and a period: the resources of the scope's units and the demands of
its communities in the campaigns of the period's years (for a unit: its resources, no
demands); the matches confirmed, the agreements signed by both sides and the projects finished
within the period, on either side of the scope; the projects still under way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.cobuild.models import Agreement, Demand, Match, Project, Resource
from gongjian.core.figures import Figure, Scope, list_url
from gongjian.core.periods import Period

# The models whose saved or deleted rows change the figures (`reports` listens to them).
WATCHED = (
    "cobuild.Campaign",
    "cobuild.Resource",
    "cobuild.Demand",
    "cobuild.Match",
    "cobuild.Agreement",
    "cobuild.Project",
)


@dataclass
class Counts:
    resources: int = 0
    resource_units: int = 0
    demands: int = 0
    demand_communities: int = 0
    matched: int = 0
    signed: int = 0
    projects_active: int = 0
    projects_finished: int = 0


def _span(period: Period) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start, stop = period.start, period.end + dt.timedelta(days=1)
    return (
        timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz),
        timezone.make_aware(dt.datetime.combine(stop, dt.time.min), tz),
    )


def _prefix(scope: Scope, *lookups: str) -> Q:
    """Any of the area lookups lies in the scope's area (everything for an empty scope)."""
    if not scope.area_path:
        return Q()
    q = Q(pk__in=[])
    for lookup in lookups:
        q |= Q(**{f"{lookup}__path__startswith": scope.area_path})
    return q


def _matches(scope: Scope, on: str = "") -> Q:
    """Matches on either side of the scope: the unit's resources, or the demands of the
    area's communities and the resources of its units (`on`: the path to the match)."""
    if scope.unit_id is not None:
        return Q(**{f"{on}resource__unit_id": scope.unit_id})
    return _prefix(scope, f"{on}demand__community", f"{on}resource__unit__area")


def _years(period: Period) -> list[int]:
    return list(range(period.start.year, period.end.year + 1))


def _demands(scope: Scope, period: Period) -> Any:
    if scope.unit_id is not None:
        return Demand.objects.none()
    return Demand.objects.filter(_prefix(scope, "community"), campaign__year__in=_years(period))


def _under_way(period: Period) -> Q:
    """Projects under way at the end of the period: for the current one, those being carried
    out now; for a past one, those started by its last day and not finished by its end (a
    project's status has no history; its dates do)."""
    today = timezone.localdate()
    if period.end >= today:
        return Q(status=Project.Status.ACTIVE)
    _lo, hi = _span(period)
    return (
        ~Q(status=Project.Status.PLANNED)
        & (Q(starts_on__isnull=True, created_at__lt=hi) | Q(starts_on__lte=period.end))
        & (Q(finished_at__isnull=True) | Q(finished_at__gte=hi))
    )


def counts(*, scope: Scope, period: Period) -> Counts:
    years = _years(period)
    lo, hi = _span(period)
    if scope.unit_id is not None:
        resources = Resource.objects.filter(campaign__year__in=years, unit_id=scope.unit_id)
    else:
        resources = Resource.objects.filter(_prefix(scope, "unit__area"), campaign__year__in=years)
    demands = _demands(scope, period)
    out = Counts(
        resources=resources.count(),
        resource_units=resources.values("unit_id").distinct().count(),
        demands=demands.count(),
        demand_communities=demands.values("community_id").distinct().count(),
    )
    out.matched = Match.objects.filter(
        _matches(scope), status=Match.Status.CONFIRMED, confirmed_at__gte=lo, confirmed_at__lt=hi
    ).count()
    out.signed = (
        Agreement.objects.filter(_matches(scope, "match__"))
        .filter(unit_signed_at__isnull=False, community_signed_at__isnull=False)
        .annotate(signed=Greatest("unit_signed_at", "community_signed_at"))
        .filter(signed__gte=lo, signed__lt=hi)
        .count()
    )
    projects = Project.objects.filter(_matches(scope, "agreement__match__"))
    out.projects_finished = projects.filter(
        status=Project.Status.FINISHED, finished_at__gte=lo, finished_at__lt=hi
    ).count()
    out.projects_active = projects.filter(_under_way(period)).count()
    return out


def demands_by_community(*, scope: Scope, period: Period) -> dict[int, int]:
    """The demands of each community of the scope in the campaigns of the period's years."""
    return dict(
        _demands(scope, period)
        .order_by()
        .values("community_id")
        .annotate(n=Count("pk"))
        .values_list("community_id", "n")
    )


# For computed indicators (evaluation) ----------------------------------------------------------


def projects_finished_by_unit(
    unit_ids: Sequence[int], lo: dt.datetime, hi: dt.datetime
) -> dict[int, Decimal]:
    """Co-building projects of each unit (through agreement → match → resource) finished in
    [lo, hi), in one query."""
    key = "agreement__match__resource__unit_id"
    rows = (
        Project.objects.filter(
            **{f"{key}__in": list(unit_ids)},
            status=Project.Status.FINISHED,
            finished_at__gte=lo,
            finished_at__lt=hi,
        )
        .order_by()
        .values(key)
        .annotate(n=Count("pk"))
        .values_list(key, "n")
    )
    return {u: Decimal(n) for u, n in rows}


# The core contract ---------------------------------------------------------------------------


def figures(*, actor: Any, scope: Scope, period: Period) -> list[Figure]:
    """Resources, demands, matches, agreements and projects of the scope over the period (the
    caller has resolved the scope through its own access check)."""
    c = counts(scope=scope, period=period)
    projects = list_url("cobuild:project_list")
    rows = (
        ("resources", _("资源项目"), c.resources, _("项"), ""),
        ("resource_units", _("提供资源的单位"), c.resource_units, _("个"), ""),
        ("demands", _("需求项目"), c.demands, _("项"), ""),
        ("demand_communities", _("提出需求的社区"), c.demand_communities, _("个"), ""),
        ("matched", _("对接成功"), c.matched, _("对"), ""),
        ("signed", _("签约"), c.signed, _("份"), list_url("cobuild:agreement_list")),
        ("projects_finished", _("完成共建项目"), c.projects_finished, _("个"), projects),
        ("projects_active", _("在建共建项目"), c.projects_active, _("个"), projects),
    )
    return [Figure(f"cobuild.{k}", label, v, u, url, _("直联共建")) for k, label, v, u, url in rows]
