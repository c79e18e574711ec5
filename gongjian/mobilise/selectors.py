"""Every read of the mobilise app, through the caller's scope.

- a mobilisation is seen by the working committee of its district (which issues it and
  watches its board), by the administrators of the units it asks for cadres, by the area
  posts over its places, by the cadres it dispatches and by its places' leaders;
- a dispatch by the committee, its unit's administrator, the cadre and the place's leader;
- the board counts, per unit and per place, the cadres asked for, named, confirmed and
  arrived, in a few grouped queries whatever the size of the mobilisation.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.access import one
from gongjian.core.queries import moments_q
from gongjian.core.search import search_q
from gongjian.mobilise.models import (
    Arrival,
    Dispatch,
    Duty,
    Group,
    Mobilisation,
    Place,
    Quota,
    Shift,
)
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Member


def _count(qs: QuerySet[Any]) -> Any:
    return Coalesce(
        Subquery(qs.order_by().values("mobilisation_id").annotate(n=Count("id")).values("n")),
        0,
    )


def committee_q(actor: Any, prefix: str = "") -> Q:
    """The mobilisations (or rows of one, with a prefix) the caller runs: the working
    committee of the district."""
    return scope.committee_q(actor, f"{prefix}district")


def unit_or_committee_q(actor: Any, prefix: str = "") -> Q:
    """Rows (quotas, dispatches) of the caller's units, or of mobilisations they run."""
    posts = scope.posts_of(actor)
    if posts.superuser:
        return Q()
    q = committee_q(actor, f"{prefix}mobilisation__")
    if posts.unit_ids:
        q = q | Q(**{f"{prefix}unit_id__in": list(posts.unit_ids)})
    return q


def may_issue(actor: Any) -> bool:
    return scope.is_committee(actor)


def mobilisation_q(actor: Any) -> Q:
    posts = scope.posts_of(actor)
    if posts.superuser:
        return Q()
    parts = [committee_q(actor)]
    if posts.unit_ids:
        parts.append(
            Q(Exists(Quota.objects.filter(mobilisation=OuterRef("pk"), unit_id__in=posts.unit_ids)))
        )
    area = scope.scope_q(actor, area=("area",))
    if area != scope.NOTHING:
        parts.append(Q(Exists(Place.objects.filter(area, mobilisation=OuterRef("pk")))))
    if posts.member_id is not None:
        parts.append(
            Q(
                Exists(
                    Dispatch.objects.filter(mobilisation=OuterRef("pk"), member_id=posts.member_id)
                )
            )
        )
        parts.append(
            Q(Exists(Place.objects.filter(mobilisation=OuterRef("pk"), leader_id=posts.member_id)))
        )
    out = parts[0]
    for p in parts[1:]:
        out = out | p
    return out


def mobilisation_list(
    *,
    actor: Any,
    q: str = "",
    status: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    area: int | None = None,
    unit: int | None = None,
) -> QuerySet[Mobilisation]:
    """Mobilisations; `start`/`end`: begun then; `area`: of that district or supporting a
    place there; `unit`: asking that unit for cadres."""
    qs = (
        Mobilisation.objects.filter(mobilisation_q(actor))
        .select_related("district")
        .annotate(
            # Counted each in its own subquery: a join of places × dispatches would be
            # millions of rows for a large mobilisation.
            place_count=_count(Place.objects.filter(mobilisation=OuterRef("pk"))),
            dispatch_count=_count(Dispatch.objects.filter(mobilisation=OuterRef("pk"))),
        )
    )
    if status:
        qs = qs.filter(status=status)
    qs = qs.filter(moments_q("starts_at", start, end))
    if area:
        path = org_selectors.area_get_for(actor, area).path
        qs = qs.filter(
            Q(district__path__startswith=path)
            | Q(
                Exists(
                    Place.objects.filter(mobilisation=OuterRef("pk"), area__path__startswith=path)
                )
            )
        )
    if unit:
        qs = qs.filter(Exists(Quota.objects.filter(mobilisation=OuterRef("pk"), unit_id=unit)))
    if q:
        qs = qs.filter(search_q(q, "", raw=("title",)))
    return qs.order_by("-starts_at", "-id")


@dataclass
class Totals:
    mobilisations: int
    cadres: int
    units: int
    places: int
    arrivals: int
    shifts: int
    hours: float
    temporary_branches: int
    vanguard_teams: int

    @property
    def person_times(self) -> int:
        """Support person-times: one for each arrival, one for each shift served."""
        return self.arrivals + self.shifts


def totals(*, mobilisations: QuerySet[Mobilisation], unit: int | None = None) -> Totals:
    """What the mobilisations add up to (for the dashboard and the briefing); with `unit`,
    what that unit's cadres did."""
    ids = mobilisations.order_by().values("pk")
    dispatches = Dispatch.objects.filter(mobilisation__in=ids)
    if unit:
        dispatches = dispatches.filter(unit_id=unit)
    duties = Duty.objects.filter(dispatch__in=dispatches.values("pk"), checked_in_at__isnull=False)
    seconds = 0.0
    for inn, out in duties.filter(checked_out_at__isnull=False).values_list(
        "checked_in_at", "checked_out_at"
    ):
        if inn is not None and out is not None:
            seconds += (out - inn).total_seconds()
    groups = Group.objects.filter(mobilisation__in=ids)
    return Totals(
        mobilisations=mobilisations.count(),
        cadres=dispatches.values("member_id").distinct().count(),
        units=dispatches.values("unit_id").distinct().count(),
        places=dispatches.values("place_id").distinct().count(),
        arrivals=Arrival.objects.filter(dispatch__in=dispatches.values("pk")).count(),
        shifts=duties.count(),
        hours=round(seconds / 3600, 1),
        temporary_branches=groups.filter(kind=Group.Kind.TEMPORARY_BRANCH).count(),
        vanguard_teams=groups.filter(kind=Group.Kind.VANGUARD_TEAM).count(),
    )


def duty_service(
    *,
    member_id: int | None = None,
    unit_id: int | None = None,
    area_path: str = "",
    lo: dt.datetime | None = None,
    hi: dt.datetime | None = None,
) -> tuple[int, Decimal]:
    """The duty shifts checked out of (check-in in [lo, hi)) as service: how many, and their
    hours counted like a volunteer attendance's — half hours, rounded down, per shift, at
    most 24. For one member, the cadres of one unit, or the places in an area (a place's own
    area, else its mobilisation's district)."""
    qs = Duty.objects.filter(checked_in_at__isnull=False, checked_out_at__isnull=False)
    if member_id is not None:
        qs = qs.filter(member_id=member_id)
    if unit_id is not None:
        qs = qs.filter(dispatch__unit_id=unit_id)
    if area_path:
        qs = qs.filter(
            Q(shift__place__area__path__startswith=area_path)
            | Q(
                shift__place__area__isnull=True,
                shift__place__mobilisation__district__path__startswith=area_path,
            )
        )
    if lo is not None:
        qs = qs.filter(checked_in_at__gte=lo)
    if hi is not None:
        qs = qs.filter(checked_in_at__lt=hi)
    times, hours = 0, Decimal("0")
    for inn, out in qs.order_by().values_list("checked_in_at", "checked_out_at").iterator():
        if inn is None or out is None:
            continue
        halves = math.floor(max(0.0, (out - inn).total_seconds()) / 1800)
        hours += min(Decimal(halves) / 2, Decimal(24))
        times += 1
    return times, hours


def mobilisation_get_for(actor: Any, public_id: Any) -> Mobilisation:
    return one(
        Mobilisation.objects.filter(mobilisation_q(actor)).select_related("district"),
        _("动员不存在或无权查看"),
        public_id=public_id,
    )


def mobilisations_to_run(*, actor: Any) -> QuerySet[Mobilisation]:
    return Mobilisation.objects.filter(committee_q(actor))


def is_running(actor: Any, mobilisation: Mobilisation) -> bool:
    return mobilisations_to_run(actor=actor).filter(pk=mobilisation.pk).exists()


# Places, quotas, dispatches -------------------------------------------------------------------


def place_list(
    *, actor: Any, mobilisation: Mobilisation | str, q: str = "", kind: str = ""
) -> QuerySet[Place]:
    found = (
        mobilisation
        if isinstance(mobilisation, Mobilisation)
        else mobilisation_get_for(actor, mobilisation)
    )
    qs = found.places.select_related("area", "leader", "parent")
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(search_q(q, "", raw=("name",)))
    return qs.order_by("id")


def place_get(*, public_id: Any) -> Place:
    """A place by its QR code (the code is public: it is printed at the place)."""
    return one(
        Place.objects.select_related("mobilisation", "leader"),
        _("支援点位不存在"),
        public_id=public_id,
    )


def place_get_for(actor: Any, public_id: Any) -> Place:
    return one(
        Place.objects.filter(
            mobilisation__in=Mobilisation.objects.filter(mobilisation_q(actor)).values("pk")
        ).select_related("mobilisation__district", "leader", "area"),
        _("支援点位不存在或无权查看"),
        public_id=public_id,
    )


def places_led(*, actor: Any) -> QuerySet[Place]:
    """The places the caller may mark arrivals and run rosters at: those they lead, and every
    place of the mobilisations they run."""
    member_id = scope.posts_of(actor).member_id
    q = committee_q(actor, "mobilisation__")
    if member_id is not None:
        q = q | Q(leader_id=member_id)
    return Place.objects.filter(q)


def dispatch_q(actor: Any) -> Q:
    posts = scope.posts_of(actor)
    if posts.superuser:
        return Q()
    q = committee_q(actor, "mobilisation__")
    if posts.unit_ids:
        q = q | Q(unit_id__in=posts.unit_ids)
    if posts.member_id is not None:
        q = q | Q(member_id=posts.member_id) | Q(place__leader_id=posts.member_id)
    return q


def dispatch_list(
    *,
    actor: Any,
    mobilisation: Mobilisation | str,
    q: str = "",
    unit: int | None = None,
    state: str = "",
) -> QuerySet[Dispatch]:
    found = (
        mobilisation
        if isinstance(mobilisation, Mobilisation)
        else mobilisation_get_for(actor, mobilisation)
    )
    qs = Dispatch.objects.filter(dispatch_q(actor), mobilisation=found).select_related(
        "member", "unit", "place", "arrival"
    )
    if unit:
        qs = qs.filter(unit_id=unit)
    if state == "unconfirmed":
        qs = qs.filter(confirmed_at__isnull=True)
    elif state == "confirmed":
        qs = qs.filter(confirmed_at__isnull=False)
    elif state == "arrived":
        qs = qs.filter(arrival__isnull=False)
    elif state == "not_arrived":
        qs = qs.filter(arrival__isnull=True)
    if q:
        qs = qs.filter(
            search_q(q, "member__name_folded", "place", raw=("member__name", "place__name"))
        )
    return qs.order_by("unit_id", "place_id", "id")


def dispatch_by_token(public_id: Any) -> Dispatch:
    """A cadre's dispatch by the link they were sent (the link is theirs: it cannot be guessed)."""
    return one(
        Dispatch.objects.select_related("mobilisation", "place", "unit", "member"),
        _("派员通知不存在"),
        public_id=public_id,
    )


def my_dispatches(*, actor: Any) -> QuerySet[Dispatch]:
    member_id = scope.posts_of(actor).member_id
    if member_id is None:
        return Dispatch.objects.none()
    return (
        Dispatch.objects.filter(member_id=member_id)
        .select_related("mobilisation", "place", "arrival")
        .order_by("-created_at")
    )


def quotas_of_unit(*, actor: Any, mobilisation: Mobilisation) -> QuerySet[Quota]:
    """The quotas the caller names cadres for: their unit's (all of them, for the committee)."""
    posts = scope.posts_of(actor)
    qs = mobilisation.quotas.select_related("unit", "place").annotate(
        named=Count("dispatches", distinct=True)
    )
    if is_running(actor, mobilisation):
        return qs.order_by("unit_id", "place_id")
    return qs.filter(unit_id__in=posts.unit_ids).order_by("unit_id", "place_id")


def cadre_candidates(
    *, actor: Any, mobilisation: Mobilisation, q: str = ""
) -> list[dict[str, Any]]:
    """The unit's members by name for the picker, with where each is already deployed."""
    posts = scope.posts_of(actor)
    units = list(mobilisation.quotas.values_list("unit_id", flat=True).distinct())
    if not is_running(actor, mobilisation):
        units = [u for u in units if u in posts.unit_ids]
    qs = Member.objects.filter(unit_id__in=units, is_active=True).select_related("unit")
    if q:
        qs = qs.filter(search_q(q, "name_folded", raw=("name",)))
    members = list(qs.order_by("unit_id", "name")[:100])
    deployed: dict[int, Any] = {
        d["member_id"]: d
        for d in Dispatch.objects.filter(member__in=members, active=True).values(
            "member_id", "place__name", "mobilisation__title", "mobilisation_id"
        )
    }
    return [
        {
            "member": m,
            "deployed": deployed.get(m.pk),
            "here": deployed.get(m.pk, {}).get("mobilisation_id") == mobilisation.pk,
        }
        for m in members
    ]


# The board ------------------------------------------------------------------------------------


@dataclass
class BoardRow:
    key: int
    name: str
    asked: int
    named: int
    confirmed: int
    arrived: int

    @property
    def rate(self) -> float:
        return self.arrived / self.asked if self.asked else 1.0

    @property
    def missing(self) -> int:
        return max(self.asked - self.arrived, 0)


@dataclass
class Board:
    units: list[BoardRow]
    places: list[BoardRow]
    asked: int
    named: int
    confirmed: int
    arrived: int


def _rows(
    asked: dict[int, int], names: dict[int, str], counts: dict[int, dict[str, int]]
) -> list[BoardRow]:
    rows = [
        BoardRow(
            key=k,
            name=names.get(k, ""),
            asked=asked.get(k, 0),
            named=counts.get(k, {}).get("named", 0),
            confirmed=counts.get(k, {}).get("confirmed", 0),
            arrived=counts.get(k, {}).get("arrived", 0),
        )
        for k in asked.keys() | counts.keys()
    ]
    # The laggards first: the lowest share arrived, then the most still missing.
    return sorted(rows, key=lambda r: (r.rate, -r.missing, r.name))


def board(*, mobilisation: Mobilisation) -> Board:
    """Per unit and per place: asked (quotas), named, confirmed, arrived. Four grouped
    queries on indexed columns."""
    quotas = Quota.objects.filter(mobilisation=mobilisation)
    by_unit = dict(quotas.values("unit_id").annotate(n=Sum("count")).values_list("unit_id", "n"))
    by_place = dict(quotas.values("place_id").annotate(n=Sum("count")).values_list("place_id", "n"))
    dispatches = Dispatch.objects.filter(mobilisation=mobilisation)
    arrived = Arrival.objects.filter(mobilisation=mobilisation)

    def counts(field: str) -> dict[int, dict[str, int]]:
        out: dict[int, dict[str, int]] = {}
        for row in dispatches.values(field).annotate(
            named=Count("id"), confirmed=Count("id", filter=Q(confirmed_at__isnull=False))
        ):
            out[row[field]] = {"named": row["named"], "confirmed": row["confirmed"]}
        arrival_field = "dispatch__unit_id" if field == "unit_id" else "place_id"
        for key, n in (
            arrived.values(arrival_field).annotate(n=Count("id")).values_list(arrival_field, "n")
        ):
            out.setdefault(key, {"named": 0, "confirmed": 0})["arrived"] = n
        return out

    unit_counts = counts("unit_id")
    place_counts = counts("place_id")
    unit_names = dict(quotas.values_list("unit_id", "unit__name").distinct())
    place_names = dict(mobilisation.places.values_list("id", "name"))
    units = _rows(by_unit, unit_names, unit_counts)
    places = _rows(by_place, place_names, place_counts)
    return Board(
        units=units,
        places=places,
        asked=sum(by_unit.values()),
        named=sum(r.named for r in units),
        confirmed=sum(r.confirmed for r in units),
        arrived=sum(r.arrived for r in units),
    )


BOARD_SECONDS = 2


def board_cached(*, mobilisation: Mobilisation) -> Board:
    """The board as the page and the API show it: computed at most once every
    `BOARD_SECONDS` per mobilisation (the page refreshes every 5 s; many screens may be open),
    so an arrival shows within two seconds."""
    key = f"mobilise:board:{mobilisation.pk}"
    found = cache.get(key)
    if found is None:
        found = board(mobilisation=mobilisation)
        cache.set(key, found, BOARD_SECONDS)
    return found  # type: ignore[no-any-return]


# Rosters and groups ---------------------------------------------------------------------------


def shift_list(*, place: Place) -> QuerySet[Shift]:
    return place.shifts.prefetch_related("duties__member").order_by("starts_at", "id")


def shift_get_for(actor: Any, public_id: Any) -> Shift:
    return one(
        Shift.objects.filter(
            place__mobilisation__in=Mobilisation.objects.filter(mobilisation_q(actor)).values("pk")
        ).select_related("place__mobilisation"),
        _("班次不存在或无权查看"),
        public_id=public_id,
    )


def my_duties(*, actor: Any) -> QuerySet[Duty]:
    member_id = scope.posts_of(actor).member_id
    if member_id is None:
        return Duty.objects.none()
    return (
        Duty.objects.filter(member_id=member_id)
        .select_related("shift__place__mobilisation")
        .order_by("-shift__starts_at")
    )


def group_list(
    *, actor: Any, mobilisation: Mobilisation | str, q: str = "", kind: str = ""
) -> QuerySet[Group]:
    found = (
        mobilisation
        if isinstance(mobilisation, Mobilisation)
        else mobilisation_get_for(actor, mobilisation)
    )
    qs = found.groups.select_related("place", "leader", "party_org").annotate(
        member_count=Count("members", distinct=True)
    )
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(search_q(q, "", raw=("name",)))
    return qs.order_by("kind", "id")


# For the workbench ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToName:
    mobilisation: Mobilisation
    asked: int
    named: int

    @property
    def missing(self) -> int:
        return max(self.asked - self.named, 0)


def quotas_to_name(*, actor: Any) -> list[ToName]:
    """The mobilisations under way whose quotas for the caller's units are not all named yet:
    how many cadres were asked of those units and how many are named (as the naming page
    counts them)."""
    unit_ids = scope.posts_of(actor).unit_ids
    if not unit_ids:
        return []
    rows = (
        Quota.objects.filter(mobilisation__status=Mobilisation.Status.ISSUED, unit_id__in=unit_ids)
        .order_by()
        .values("mobilisation_id")
        .annotate(asked=Sum("count"))
    )
    asked = {r["mobilisation_id"]: int(r["asked"] or 0) for r in rows}
    named = dict(
        Dispatch.objects.filter(mobilisation_id__in=asked, unit_id__in=unit_ids)
        .order_by()
        .values("mobilisation_id")
        .annotate(n=Count("id"))
        .values_list("mobilisation_id", "n")
    )
    found = Mobilisation.objects.filter(pk__in=asked).order_by("-starts_at", "-id")
    out = [ToName(m, asked[m.pk], named.get(m.pk, 0)) for m in found]
    return [r for r in out if r.missing]


def dispatches_to_confirm(*, actor: Any) -> QuerySet[Dispatch]:
    """The caller's own dispatches of mobilisations under way not yet confirmed ("收到")."""
    return my_dispatches(actor=actor).filter(
        active=True,
        confirmed_at__isnull=True,
        mobilisation__status=Mobilisation.Status.ISSUED,
    )


def duties_on(*, actor: Any, day: dt.date) -> QuerySet[Duty]:
    """The caller's shifts of mobilisations under way that run on `day` (local), not yet
    checked out of."""
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    hi = lo + dt.timedelta(days=1)
    return (
        my_duties(actor=actor)
        .filter(shift__starts_at__lt=hi, shift__ends_at__gt=lo, checked_out_at__isnull=True)
        .filter(shift__place__mobilisation__status=Mobilisation.Status.ISSUED)
        .order_by("shift__starts_at", "id")
    )


@dataclass(frozen=True)
class UnderWay:
    mobilisation: Mobilisation
    asked: int
    arrived: int
    laggards: int  # units with fewer arrived than asked: the board's first rows

    @property
    def missing(self) -> int:
        return max(self.asked - self.arrived, 0)


def mobilisations_under_way(*, actor: Any) -> list[UnderWay]:
    """The mobilisations the caller runs that are under way and have begun, with the cadres
    still to arrive and the units behind (the board's laggards)."""
    now = timezone.now()
    out = []
    running = mobilisations_to_run(actor=actor).filter(
        status=Mobilisation.Status.ISSUED, starts_at__lte=now
    )
    for m in running.order_by("-starts_at", "-id")[:5]:
        b = board(mobilisation=m)
        laggards = sum(1 for r in b.units if r.arrived < r.asked)
        out.append(UnderWay(mobilisation=m, asked=b.asked, arrived=b.arrived, laggards=laggards))
    return out
