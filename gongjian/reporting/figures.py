"""The figures of 双报到 (the core contract, `core.figures`), and the grouped counts that the
apps above compose: `reports` (the dashboard) and `evaluation` (computed indicators). All of
them count by the rules of this app's selectors: a member is reported at a moment when a
confirmed report of theirs held then (`selectors.reported_q`), waiting when one was pending
(`selectors.pending_q`).

What is counted, at the end of a day: the in-service members of the units in the scope (for a
unit, its own), those reported and those waiting (and not reported); the reports held by the
scope's communities; the pairings (结对) that held.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.figures import Figure, Scope, list_url
from gongjian.core.periods import Period
from gongjian.orgs import history
from gongjian.orgs.models import MemberSpell
from gongjian.reporting.models import MemberReport, OrgReport
from gongjian.reporting.selectors import day_of, end_of_day, pending_q, reported_q

# The models whose saved or deleted rows change the figures (`reports` listens to them).
WATCHED = ("reporting.MemberReport", "reporting.OrgReport")
FOUR = Decimal("0.0001")


def _in_service(scope: Scope) -> Q:
    """The in-service members counted for 双报到: those of the scope's units."""
    if scope.unit_id is not None:
        return Q(unit_id=scope.unit_id)
    if scope.area_path:
        return Q(unit__area__path__startswith=scope.area_path)
    return Q(unit__isnull=False)


# Streets, communities and grids count their residents: their units are few (every unit sits
# at district level), and the office means the in-service members who live there.
BY_RESIDENCE = ("street", "community", "grid")


def by_residence(scope: Scope) -> bool:
    """Whether the scope counts 双报到 by residence (a street, community or grid) rather than
    by the units located in it (a unit, the district, everything)."""
    return scope.unit_id is None and scope.area_kind in BY_RESIDENCE


def _residents(scope: Scope) -> Q:
    """Members who live in the scope's area (a grid: in it; else in a community under it)."""
    if scope.area_kind == "grid":
        return Q(home_grid_id=scope.area_id)
    return Q(home_community__path__startswith=scope.area_path)


def to_area(scope: Scope) -> Q:
    """Reports made to the scope's area (a grid: to it; else to a community under it)."""
    if scope.area_kind == "grid":
        return Q(grid_id=scope.area_id)
    if scope.area_path:
        return Q(community__path__startswith=scope.area_path)
    return Q()


def resident_counts(*, scope: Scope, moment: dt.datetime) -> tuple[int, int, int]:
    """(in-service members living in the area, of those reported to it, of those waiting for
    its confirmation) at `moment`: a street's, a community's or a grid's 双报到."""
    to = to_area(scope)
    reported = Exists(
        MemberReport.objects.filter(Q(member=OuterRef("member_id")) & reported_q(moment) & to)
    )
    pending = Exists(
        MemberReport.objects.filter(Q(member=OuterRef("member_id")) & pending_q(moment) & to)
    )
    members = roster(moment).filter(_residents(scope))
    return members.count(), members.filter(reported).count(), members.filter(pending).count()


def roster(moment: dt.datetime) -> QuerySet[MemberSpell]:
    """The in-service members on the roll on the day `moment` ends, as their spells of that
    day (unit, party organisation and home then, `orgs.history`): one row per member."""
    return history.spells_on(day_of(moment)).filter(in_service=True, is_active=True)


def roster_of(*, scope: Scope, moment: dt.datetime) -> tuple[QuerySet[MemberSpell], Q]:
    """The spells of the members the scope's 双报到 counts at `moment` (its residents, or the
    members of its units), and the reports that count for them (to the area, or any)."""
    if by_residence(scope):
        return roster(moment).filter(_residents(scope)), to_area(scope)
    return roster(moment).filter(_in_service(scope)), Q()


def _per_unit(qs: QuerySet[MemberSpell]) -> dict[int, int]:
    return dict(qs.order_by().values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"))


def unit_counts(*, scope: Scope, moment: dt.datetime) -> dict[int, tuple[int, int, int]]:
    """(in-service members, reported, waiting) per unit of the scope. Waiting: a report of
    theirs waits for a community's decision (a first report, or a move while the earlier one
    still holds), as on the rates page (`selectors._member_counts`).

    Three grouped counts with the EXISTS in the WHERE clause, where the planner turns it into
    one hash (anti-)semi-join over the reports, instead of a correlated EXISTS per member in an
    aggregate's FILTER (one index probe per in-service member: seconds at city scale)."""
    reported = Exists(
        MemberReport.objects.filter(Q(member=OuterRef("member_id")) & reported_q(moment))
    )
    pending = Exists(
        MemberReport.objects.filter(Q(member=OuterRef("member_id")) & pending_q(moment))
    )
    members = roster(moment).filter(_in_service(scope))
    totals = _per_unit(members)
    done = _per_unit(members.filter(reported))
    waiting = _per_unit(members.filter(pending))
    return {u: (t, done.get(u, 0), waiting.get(u, 0)) for u, t in totals.items()}


def _pairings_held(moment: dt.datetime) -> QuerySet[OrgReport]:
    return OrgReport.objects.filter(submitted_at__lt=moment).filter(
        Q(status=OrgReport.Status.CONFIRMED, decided_at__lt=moment)
        | Q(status=OrgReport.Status.ENDED, decided_at__lt=moment, ended_at__gte=moment)
    )


def pairings_records(*, scope: Scope, moment: dt.datetime) -> QuerySet[OrgReport]:
    """The pairings that held at `moment`: of the unit's party organisations, or with the
    communities in the scope's area. Their count is `pairings`."""
    held = _pairings_held(moment)
    if scope.unit_id is not None:
        return held.filter(party_org__unit_id=scope.unit_id)
    if scope.area_path:
        held = held.filter(community__path__startswith=scope.area_path)
    return held


def pairings_count(*, scope: Scope, moment: dt.datetime) -> int:
    return pairings_records(scope=scope, moment=moment).count()


def pairings_url(scope: Scope, day: dt.date) -> str:
    """The pairing list behind `pairings`: the same scope, those that held on the day."""
    return list_url(
        "reporting:pairing_list", area=scope.area_id, unit=scope.unit_id, date=day.isoformat()
    )


def community_reports(*, scope: Scope, moment: dt.datetime) -> tuple[int, dict[int, int]]:
    """The members whose report to a community of the scope's area (a grid: to it) held at
    `moment`: how many people, and how many per community (nothing for a unit)."""
    if scope.unit_id is not None:
        return 0, {}
    held = MemberReport.objects.filter(reported_q(moment) & to_area(scope)).order_by()
    per = dict(
        held.values("community_id")
        .annotate(n=Count("member_id", distinct=True))
        .values_list("community_id", "n")
    )
    return held.values("member_id").distinct().count(), per


def community_waiting(*, scope: Scope, moment: dt.datetime) -> int:
    """The members with a report to the scope's area waiting for its decision at `moment`,
    wherever they live (nothing for a unit)."""
    if scope.unit_id is not None:
        return 0
    waiting = MemberReport.objects.filter(pending_q(moment) & to_area(scope)).order_by()
    return waiting.values("member_id").distinct().count()


# For computed indicators (evaluation) ----------------------------------------------------------


def reporting_rate_by_unit(unit_ids: Sequence[int], moment: dt.datetime) -> dict[int, Decimal]:
    """Per cent of each unit's in-service members reported at `moment`, in one query."""
    reported = Exists(
        MemberReport.objects.filter(Q(member=OuterRef("member_id")) & reported_q(moment))
    )
    rows = (
        roster(moment)
        .filter(unit_id__in=list(unit_ids))
        .order_by()
        .values("unit_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(reported)))
        .values_list("unit_id", "total", "done")
    )
    return {u: (Decimal(done) * 100 / total).quantize(FOUR) for u, total, done in rows if total}


def pairings_by_unit(unit_ids: Sequence[int], moment: dt.datetime) -> dict[int, Decimal]:
    """Communities each unit's party organisations were paired with at `moment`, in one query."""
    rows = (
        OrgReport.objects.filter(
            party_org__unit_id__in=list(unit_ids), submitted_at__lt=moment, decided_at__lt=moment
        )
        .filter(
            Q(status=OrgReport.Status.CONFIRMED)
            | Q(status=OrgReport.Status.ENDED, ended_at__gte=moment)
        )
        .order_by()
        .values("party_org__unit_id")
        .annotate(n=Count("community", distinct=True))
        .values_list("party_org__unit_id", "n")
    )
    return {u: Decimal(n) for u, n in rows}


# The core contract ---------------------------------------------------------------------------


def roster_url(scope: Scope, day: dt.date, state: str = "") -> str:
    """The roster behind in-service / reported / pending: the same scope, the same day."""
    return list_url(
        "reporting:roster",
        area=scope.area_id,
        unit=scope.unit_id,
        date=day.isoformat(),
        state=state,
    )


def figures(*, actor: Any, scope: Scope, period: Period) -> list[Figure]:
    """The scope's 双报到 at the end of the period (or today, if sooner): in-service members,
    reported, waiting, the reporting rate (of a unit's or the district's roster; of a street's,
    community's or grid's residents), the people its communities hold reports of and those
    waiting for them, and its pairings (the caller has resolved the scope through its own
    access check)."""
    day = min(period.end, timezone.localdate())
    moment = end_of_day(day)
    if by_residence(scope):
        total, done, waiting = resident_counts(scope=scope, moment=moment)
    else:
        counts = unit_counts(scope=scope, moment=moment)
        total, done, waiting = (sum(c[i] for c in counts.values()) for i in range(3))
    rate = (Decimal(done) * 100 / total).quantize(Decimal("0.1")) if total else Decimal(0)
    rates = list_url("reporting:rates", level="unit", date=day.isoformat())
    unit = scope.unit_id
    rows: list[tuple[str, str, int | Decimal, str, str]] = [
        ("in_service", _("在职党员"), total, _("人"), roster_url(scope, day)),
        ("reported", _("已报到"), done, _("人"), roster_url(scope, day, "confirmed")),
        ("pending", _("待社区确认"), waiting, _("人"), roster_url(scope, day, "pending")),
        ("rate", _("报到率"), rate, "%", rates),
        (
            "pairings",
            _("结对组织"),
            pairings_count(scope=scope, moment=moment),
            _("个"),
            pairings_url(scope, day),
        ),
    ]
    if unit is None:
        received = community_reports(scope=scope, moment=moment)[0]
        url = roster_url(scope, day, "received")
        rows.append(("reports_received", _("社区收到报到"), received, _("人"), url))
        rows.append(
            (
                "reports_waiting",
                _("待社区确认报到"),
                community_waiting(scope=scope, moment=moment),
                _("人"),
                roster_url(scope, day, "awaiting"),
            )
        )
    return [Figure(f"reporting.{k}", label, v, u, url, _("双报到")) for k, label, v, u, url in rows]
