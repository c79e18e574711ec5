"""Every read of 双报到, through the caller's scope (gongjian.orgs.scope)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.access import one
from gongjian.core.errors import NotFound
from gongjian.core.search import search_q, text_matches
from gongjian.orgs import history, scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, Member, PartyOrg, Unit
from gongjian.reporting.models import MemberReport, OrgReport

ACTIVE = (MemberReport.Status.SUBMITTED, MemberReport.Status.CONFIRMED)


# Scopes --------------------------------------------------------------------------------------


def member_report_q(actor: Any) -> Q:
    """Who sees a member's report: the posts over its community or grid, the member's unit
    administrator, and the member."""
    return scope.scope_q(
        actor, area=("community", "grid"), unit=("member__unit",), member=("member",)
    )


def member_report_decide_q(actor: Any) -> Q:
    """Who confirms or rejects: the administrators over the community reported to, only."""
    return scope.scope_q(actor, area=("community",), write=True)


def org_report_q(actor: Any, *, write: bool = False) -> Q:
    return scope.scope_q(actor, area=("community",), unit=("party_org__unit",), write=write)


def org_report_decide_q(actor: Any) -> Q:
    return scope.scope_q(actor, area=("community",), write=True)


def org_report_end_q(actor: Any) -> Q:
    return scope.scope_q(actor, area=("community",), unit=("party_org__unit",), write=True)


# The member's own -----------------------------------------------------------------------------


# The caller's own member record (with their unit and where they live), for every app.
my_member = org_selectors.member_of


def report_key(value: Any) -> uuid.UUID:
    """A report's public id as a URL or a client gives it."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(_("报到记录不存在或无权查看")) from None


def place(pk: Any, kind: str) -> Area | None:
    """A place of the public directory (for the member's form): None when absent."""
    if pk in (None, "") or not str(pk).isdigit() or len(str(pk)) > 18:
        return None
    return org_selectors.area_directory(kind=kind).filter(pk=int(pk)).first()


def report_form_places(
    *, code: str = "", street: Any = None, community: Any = None, grid: Any = None
) -> dict[str, Any]:
    """What the member's form shows selected and offers: a community by its code (from the
    poster's QR link) or id, its grid, its street, and the options under each."""
    found = None
    if code:
        found = org_selectors.area_directory(kind=Area.Kind.COMMUNITY).filter(code=code).first()
    found = place(community, Area.Kind.COMMUNITY) or found
    picked_grid = place(grid, Area.Kind.GRID)
    picked_street = (found.parent if found else None) or place(street, Area.Kind.STREET)
    return {
        "streets": org_selectors.area_directory(kind=Area.Kind.STREET).order_by("path"),
        "communities": org_selectors.area_directory(parent=picked_street).order_by("path")
        if picked_street
        else [],
        "grids": org_selectors.area_directory(parent=found).order_by("path") if found else [],
        "street": picked_street,
        "community": found,
        "grid": picked_grid,
    }


def place_options(*, street: Any = None, community: Any = None) -> tuple[list[Area], bool]:
    """The options of the form's next select: the grids of a community (True), or the
    communities of a street (False)."""
    if community is not None:
        parent = place(community, Area.Kind.COMMUNITY)
        by_community = True
    else:
        parent = place(street, Area.Kind.STREET)
        by_community = False
    if parent is None:
        return [], by_community
    return list(org_selectors.area_directory(parent=parent).order_by("path")), by_community


def my_reports(*, actor: Any) -> QuerySet[MemberReport]:
    member_id = scope.posts_of(actor).member_id
    if member_id is None:
        return MemberReport.objects.none()
    return MemberReport.objects.filter(member_id=member_id).select_related(
        "community__parent", "grid", "member"
    )


def member_reports_of(*, member: Any) -> QuerySet[MemberReport]:
    """A member's reports, newest first (for other apps' records of the member, e.g. the
    consult app's duty record)."""
    return (
        MemberReport.objects.filter(member=member)
        .select_related("community")
        .order_by("-created_at", "-id")
    )


my_notices = org_selectors.my_notices
notice_get_for = org_selectors.notice_get_for


# Member reports -------------------------------------------------------------------------------


def member_report_list(
    *,
    actor: Any,
    status: str = "",
    community: Area | int | None = None,
    q: str = "",
    decidable: bool = False,
) -> QuerySet[MemberReport]:
    """The reports the caller sees (or, `decidable`, may decide); `community` (an id the caller
    sees, else NotFound) narrows them to that community."""
    if community is not None and not isinstance(community, Area):
        community = community_get_for(actor, community)
    qs = MemberReport.objects.filter(
        member_report_decide_q(actor) if decidable else member_report_q(actor)
    ).select_related("member__unit", "community__parent", "grid", "decided_by")
    if status:
        qs = qs.filter(status=status)
    if community is not None:
        qs = qs.filter(community__path__startswith=community.path)
    if q:
        q = q.strip()
        qs = qs.filter(
            search_q(
                q,
                "member__name_folded",
                "community",
                "member__unit",
                raw=("member__name", "community__name", "member__unit__name"),
            )
        )
    return qs


def member_report_get_for(
    actor: Any, public_id: str | uuid.UUID, *, decidable: bool = False
) -> MemberReport:
    return one(
        member_report_list(actor=actor, decidable=decidable),
        _("报到记录不存在或无权查看"),
        public_id=report_key(public_id),
    )


def member_report_decidable_ids(*, actor: Any, reports: Any) -> set[int]:
    """Of these reports (a page of them), the pending ones the caller may decide."""
    return set(
        member_report_list(actor=actor, decidable=True)
        .filter(pk__in=[r.pk for r in reports], status=MemberReport.Status.SUBMITTED)
        .values_list("pk", flat=True)
    )


def community_get_for(actor: Any, pk: int | str, *, write: bool = False) -> Area:
    area = org_selectors.area_get_for(actor, pk, write=write)
    if area.kind != Area.Kind.COMMUNITY:
        raise NotFound(_("社区不存在或无权查看"))
    return area


def communities_of(actor: Any, *, write: bool = False) -> QuerySet[Area]:
    return org_selectors.area_list(actor=actor, kind=Area.Kind.COMMUNITY, write=write)


def grids_of(actor: Any) -> QuerySet[Area]:
    return org_selectors.area_list(actor=actor, kind=Area.Kind.GRID).select_related("parent")


def residents(
    *, actor: Any, community: Area | int | None = None, grid: Area | int | None = None, q: str = ""
) -> QuerySet[Member]:
    """Members who live in the actor's communities (by their confirmed report), by grid; the
    community and grid given by id must be the caller's to see (else NotFound)."""
    if community is not None and not isinstance(community, Area):
        community = org_selectors.area_get_for(actor, community)
    if grid is not None and not isinstance(grid, Area):
        grid = org_selectors.area_get_for(actor, grid)
    qs = (
        org_selectors.member_list(actor=actor, q=q)
        .filter(home_community__isnull=False)
        .annotate(
            reported_on=MemberReport.objects.filter(
                member=OuterRef("pk"), status=MemberReport.Status.CONFIRMED
            ).values("confirmed_at")[:1]
        )
        .order_by("home_community__path", "home_grid__path", "name", "id")
    )
    if community is not None:
        qs = qs.filter(home_community=community)
    if grid is not None:
        qs = qs.filter(home_grid=grid)
    return qs


# The roster behind the figures -------------------------------------------------------------

ROSTER_STATES = ("confirmed", "pending", "none", "received", "awaiting")


def roster_list(
    *,
    actor: Any,
    area: Area | int | str | None = None,
    unit: Unit | int | str | None = None,
    on: dt.date | None = None,
    state: str = "",
    q: str = "",
) -> QuerySet[Member]:
    """The in-service members counted by the 双报到 figures of a scope on a day (today by
    default): a unit's roster, the units' of the district (or of everything), or the
    residents of a street, community or grid, each as they stood that day (`orgs.history`),
    with where each stands then — `state` "confirmed" (已报到), "pending" (a report waiting,
    reported or not: 待确认) or "none"; or, wherever they live, the people whose report to
    the area held then ("received", 社区收到报到) or waited for its decision ("awaiting").
    The count of each is the figure of the same name (`reporting.figures`). The area or unit
    given must be the caller's to see (else NotFound)."""
    from gongjian.core.figures import Scope
    from gongjian.reporting import figures as reporting_figures

    where = Scope()
    if unit is not None and unit != "":
        found_unit = unit if isinstance(unit, Unit) else org_selectors.unit_get_for(actor, unit)
        where = Scope(unit_id=found_unit.pk)
    elif area is not None and area != "":
        found = area if isinstance(area, Area) else org_selectors.area_get_for(actor, area)
        where = Scope(area_id=found.pk, area_path=found.path, area_kind=found.kind)
    moment = end_of_day(on or timezone.localdate())
    spells, to_area = reporting_figures.roster_of(scope=where, moment=moment)
    if state in ("received", "awaiting"):  # people with a report to the area, wherever they live
        to = reporting_figures.to_area(where)
        cond = reported_q(moment) if state == "received" else pending_q(moment)
        reports = MemberReport.objects.filter(Q(member=OuterRef("pk")) & cond & to)
        return (
            org_selectors.member_list(actor=actor, q=q, include_inactive=True)
            .filter(Exists(reports))
            .annotate(
                has_confirmed=Exists(
                    MemberReport.objects.filter(Q(member=OuterRef("pk")) & reported_q(moment) & to)
                ),
                has_pending=Exists(
                    MemberReport.objects.filter(Q(member=OuterRef("pk")) & pending_q(moment) & to)
                ),
            )
            .order_by("party_org__path", "name", "id")
        )
    held = MemberReport.objects.filter(Q(member=OuterRef("pk")) & reported_q(moment) & to_area)
    waiting = MemberReport.objects.filter(Q(member=OuterRef("pk")) & pending_q(moment) & to_area)
    qs = (
        org_selectors.member_list(actor=actor, q=q, include_inactive=True)
        .filter(pk__in=spells.values("member_id"))
        .annotate(has_confirmed=Exists(held), has_pending=Exists(waiting))
        .order_by("has_confirmed", "has_pending", "party_org__path", "name", "id")
    )
    if state == "confirmed":
        qs = qs.filter(has_confirmed=True)
    elif state == "pending":
        qs = qs.filter(has_pending=True)
    elif state == "none":
        qs = qs.filter(has_confirmed=False, has_pending=False)
    return qs


# A unit's members -----------------------------------------------------------------------------

STATE_CONFIRMED = "confirmed"
STATE_PENDING = "pending"
STATE_NONE = "none"


def status_unit(actor: Any, unit: Unit | int | str | None = None) -> Unit | None:
    """The unit whose members' reporting the page shows: the one asked for (NotFound when the
    caller does not see it), else the first the caller sees, else None."""
    if isinstance(unit, Unit):
        return unit
    if unit not in (None, ""):
        return org_selectors.unit_get_for(actor, unit)  # type: ignore[arg-type]
    return org_selectors.unit_list(actor=actor).first()


def unit_members_status(
    *, actor: Any, unit: Unit | int | None = None, state: str = "", q: str = ""
) -> QuerySet[Member]:
    """The unit's in-service members with where each stands: confirmed, pending or none. The
    unit is the one asked for or the caller's first (`status_unit`); NotFound without one."""
    found = status_unit(actor, unit)
    if found is None:
        raise NotFound(_("没有可查看的单位"))
    unit = found
    qs = (
        org_selectors.member_list(actor=actor, unit=unit, in_service=True, q=q)
        .annotate(
            has_confirmed=Exists(
                MemberReport.objects.filter(
                    member=OuterRef("pk"), status=MemberReport.Status.CONFIRMED
                )
            ),
            has_pending=Exists(
                MemberReport.objects.filter(
                    member=OuterRef("pk"), status=MemberReport.Status.SUBMITTED
                )
            ),
        )
        .order_by("has_confirmed", "has_pending", "party_org__path", "name", "id")
    )
    if state == STATE_CONFIRMED:
        qs = qs.filter(has_confirmed=True)
    elif state == STATE_PENDING:
        qs = qs.filter(has_pending=True)
    elif state == STATE_NONE:
        qs = qs.filter(has_confirmed=False, has_pending=False)
    return qs


def may_remind(actor: Any, unit: Unit) -> bool:
    """Reminders are sent by those who administer the unit."""
    return org_selectors.unit_list(actor=actor, write=True).filter(pk=unit.pk).exists()


def members_to_remind(*, unit: Unit) -> QuerySet[Member]:
    """In-service members of the unit with neither a confirmed nor a pending report."""
    return Member.objects.filter(unit=unit, in_service=True, is_active=True).exclude(
        Exists(MemberReport.objects.filter(member=OuterRef("pk"), status__in=ACTIVE))
    )


# Pairings -------------------------------------------------------------------------------------


def org_report_list(
    *,
    actor: Any,
    status: str = "",
    q: str = "",
    decidable: bool = False,
    area: int | None = None,
    unit: int | None = None,
    on: dt.date | None = None,
) -> QuerySet[OrgReport]:
    """The pairings the caller sees; with a day `on` (and an `area` or a `unit`, which the
    caller must see), those behind the figure 结对 of that scope on that day
    (`figures.pairings_records`)."""
    qs = OrgReport.objects.filter(
        org_report_decide_q(actor) if decidable else org_report_q(actor)
    ).select_related("party_org__unit", "community__parent")
    if on is not None or area is not None or unit is not None:
        from gongjian.core.figures import Scope
        from gongjian.reporting import figures

        where = Scope()
        if unit is not None:
            where = Scope(unit_id=org_selectors.unit_get_for(actor, unit).pk)
        elif area is not None:
            found = org_selectors.area_get_for(actor, area)
            where = Scope(area_id=found.pk, area_path=found.path, area_kind=found.kind)
        moment = end_of_day(on or timezone.localdate())
        qs = qs.filter(pk__in=figures.pairings_records(scope=where, moment=moment).values("pk"))
    if status:
        qs = qs.filter(status=status)
    if q:
        q = q.strip()
        qs = qs.filter(
            search_q(
                q,
                "party_org",
                "community",
                "party_org__unit",
                raw=("party_org__name", "community__name", "party_org__unit__name"),
            )
        )
    return qs


def org_report_get_for(actor: Any, pk: int | str) -> OrgReport:
    return one(org_report_list(actor=actor), _("结对记录不存在或无权查看"), pk=pk)


def org_report_decidable_ids(*, actor: Any, reports: Any) -> set[int]:
    """Of these pairings (a page of them), those the caller may confirm or reject."""
    ids = [r.pk for r in reports]
    return set(
        org_report_list(actor=actor, decidable=True).filter(pk__in=ids).values_list("pk", flat=True)
    )


def org_report_endable_ids(*, actor: Any, reports: Any) -> set[int]:
    """Of these pairings (a page of them), those the caller may end."""
    ids = [r.pk for r in reports]
    return set(
        OrgReport.objects.filter(org_report_end_q(actor), pk__in=ids).values_list("pk", flat=True)
    )


def pairable_orgs(*, actor: Any) -> QuerySet[PartyOrg]:
    """The unit party organisations the actor may pair with a community."""
    return (
        org_selectors.party_org_list(actor=actor, write=True)
        .filter(unit__isnull=False)
        .exclude(kind=PartyOrg.Kind.WORKING_COMMITTEE)
    )


# Rates ----------------------------------------------------------------------------------------

LEVELS = ("unit", "org", "community", "street")


@dataclass
class RateRow:
    """One line of the rates table. For units and party organisations `total` is the
    in-service members and `done` those reported; for communities and streets `total` is the
    reports received (confirmed + waiting) and `done` those confirmed."""

    id: int
    code: str
    name: str
    total: int
    done: int
    pending: int = 0
    pairs: int = 0
    parent: str = ""
    top: bool = True  # a party organisation with no visible parent organisation

    @property
    def rate(self) -> float | None:
        return self.done / self.total if self.total else None

    @property
    def percent(self) -> str:
        rate = self.rate
        return "—" if rate is None else f"{rate * 100:.1f}%"

    @property
    def missing(self) -> int:
        return self.total - self.done


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after `day`, in the local time zone (a rate counts up to it)."""
    start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(start, timezone.get_current_timezone())


def reported_q(moment: dt.datetime, prefix: str = "") -> Q:
    """A report that held at `moment`: confirmed before it and not ended by then. A report
    superseded by a newer confirmed one ends exactly when the newer begins, so a member who
    moved stays reported throughout."""
    return Q(**{f"{prefix}confirmed_at__lt": moment}) & (
        Q(**{f"{prefix}ended_at__isnull": True}) | Q(**{f"{prefix}ended_at__gte": moment})
    )


def pending_q(moment: dt.datetime, prefix: str = "") -> Q:
    return Q(**{f"{prefix}submitted_at__lt": moment}) & (
        Q(**{f"{prefix}decided_at__isnull": True}) | Q(**{f"{prefix}decided_at__gte": moment})
    )


def _sorted(rows: list[RateRow]) -> list[RateRow]:
    """Laggards first: the lowest rate, then the most missing; rows with nothing to count last."""
    return sorted(
        rows,
        key=lambda r: (r.rate is None, r.rate if r.rate is not None else 0, -r.missing, r.code),
    )


def day_of(moment: dt.datetime) -> dt.date:
    """The local day that `moment` ends (`end_of_day`'s inverse): the day whose spells count."""
    return timezone.localtime(moment - dt.timedelta(microseconds=1)).date()


def _member_counts(
    where: dict[str, Any], key: str, moment: dt.datetime
) -> dict[int, tuple[int, int, int]]:
    """(in-service members, reported, waiting) per value of the field `key` of the members'
    spells valid then (their unit, party organisation … on that day, `orgs.history`): three
    grouped counts with the EXISTS in the WHERE clause (a hash semi-join over the reports),
    never a query per row. "Waiting" counts members with a pending report, reported or not
    (a member who moved has both)."""
    spells = history.spells_on(day_of(moment)).filter(in_service=True, is_active=True, **where)
    reported = Exists(
        MemberReport.objects.filter(Q(member=OuterRef("member_id")) & reported_q(moment))
    )
    pending = Exists(
        MemberReport.objects.filter(Q(member=OuterRef("member_id")) & pending_q(moment))
    )

    def per(qs: Any) -> dict[Any, int]:
        return dict(qs.order_by().values(key).annotate(n=Count("pk")).values_list(key, "n"))

    totals, done, waiting = per(spells), per(spells.filter(reported)), per(spells.filter(pending))
    return {k: (t, done.get(k, 0), waiting.get(k, 0)) for k, t in totals.items() if k is not None}


def unit_rates(*, actor: Any, on: dt.date) -> list[RateRow]:
    moment = end_of_day(on)
    units = list(
        org_selectors.unit_list(actor=actor)
        .select_related(None)
        .order_by()
        .values_list("pk", "code", "name")
    )
    visible = org_selectors.unit_list(actor=actor).values("pk")
    counts = _member_counts({"unit__in": visible}, "unit_id", moment)
    rows = []
    for pk, code, name in units:
        total, done, waiting = counts.get(pk, (0, 0, 0))
        rows.append(RateRow(pk, code, name, total, done, waiting))
    return _sorted(rows)


def unit_rate_for(*, unit: Unit, on: dt.date) -> RateRow:
    counts = _member_counts({"unit": unit}, "unit_id", end_of_day(on))
    total, done, waiting = counts.get(unit.pk, (0, 0, 0))
    return RateRow(unit.pk, unit.code, unit.name, total, done, waiting)


def org_rates(*, actor: Any, on: dt.date) -> list[RateRow]:
    """Each unit party organisation with its whole subtree (a committee counts its branches)."""
    moment = end_of_day(on)
    orgs = list(
        org_selectors.party_org_list(actor=actor)
        .filter(unit__isnull=False)
        .select_related(None)
        .order_by()
        .values_list("pk", "code", "name", "path")
    )
    visible = org_selectors.party_org_list(actor=actor).filter(unit__isnull=False).values("pk")
    counts = _member_counts({"party_org__in": visible}, "party_org_id", moment)
    by_code = {code: RateRow(pk, code, name, 0, 0) for pk, code, name, _path in orgs}
    for _pk, code, _name, org_path in orgs:
        ancestors = org_path.strip("/").split("/")[:-1]
        by_code[code].top = not any(a in by_code for a in ancestors)
    path_of = {pk: path for pk, _c, _n, path in orgs}
    for org_pk, (total, done, waiting) in counts.items():
        path = path_of.get(org_pk)
        if path is None:
            continue
        for code in path.strip("/").split("/"):
            acc = by_code.get(code)
            if acc is not None:
                acc.total += total
                acc.done += done
                acc.pending += waiting
    rows = list(by_code.values())
    return _sorted(rows)


def community_rates(*, actor: Any, on: dt.date) -> list[RateRow]:
    """Each community: reports confirmed and still waiting on the date, and pairings."""
    moment = end_of_day(on)
    communities = list(
        communities_of(actor)
        .select_related(None)
        .order_by()
        .values_list("pk", "code", "name", "parent__name")
    )
    visible = communities_of(actor).values("pk")
    counts = {
        k: (d, w)
        for k, d, w in MemberReport.objects.filter(community__in=visible)
        .order_by()
        .values("community_id")
        .annotate(
            done=Count("pk", filter=reported_q(moment)),
            waiting=Count("pk", filter=pending_q(moment)),
        )
        .values_list("community_id", "done", "waiting")
    }
    pairs = dict(
        OrgReport.objects.filter(community__in=visible, submitted_at__lt=moment)
        .filter(
            Q(status=OrgReport.Status.CONFIRMED, decided_at__lt=moment)
            | Q(status=OrgReport.Status.ENDED, decided_at__lt=moment, ended_at__gte=moment)
        )
        .order_by()
        .values("community_id")
        .annotate(n=Count("pk"))
        .values_list("community_id", "n")
    )
    rows = []
    for pk, code, name, parent in communities:
        done, waiting = counts.get(pk, (0, 0))
        rows.append(
            RateRow(pk, code, name, done + waiting, done, waiting, pairs.get(pk, 0), parent or "")
        )
    return _sorted(rows)


def street_rates(*, actor: Any, on: dt.date) -> list[RateRow]:
    """Each street: the sums of its communities (only the communities the actor sees)."""
    streets = {
        pk: RateRow(pk, code, name, 0, 0)
        for pk, code, name in org_selectors.area_list(actor=actor, kind=Area.Kind.STREET)
        .select_related(None)
        .order_by()
        .values_list("pk", "code", "name")
    }
    parent_of = dict(communities_of(actor).order_by().values_list("pk", "parent_id"))
    for row in community_rates(actor=actor, on=on):
        street = streets.get(parent_of.get(row.id) or 0)
        if street is not None:
            street.total += row.total
            street.done += row.done
            street.pending += row.pending
            street.pairs += row.pairs
    return _sorted(list(streets.values()))


def rate_rows(*, actor: Any, level: str, on: dt.date | None = None, q: str = "") -> list[RateRow]:
    """The rates of one level on a day (today by default), narrowed to a name or a code."""
    rows = rates(actor=actor, level=level, on=on or timezone.localdate())
    if q:
        rows = [r for r in rows if text_matches(q, r.name) or q == r.code]
    return rows


def rates(*, actor: Any, level: str, on: dt.date) -> list[RateRow]:
    if level == "org":
        return org_rates(actor=actor, on=on)
    if level == "community":
        return community_rates(actor=actor, on=on)
    if level == "street":
        return street_rates(actor=actor, on=on)
    return unit_rates(actor=actor, on=on)


def overall_rate(rows: list[RateRow]) -> RateRow:
    """The sum of unit rows: the district's (or the actor's) rate."""
    total = sum(r.total for r in rows)
    done = sum(r.done for r in rows)
    pending = sum(r.pending for r in rows)
    return RateRow(0, "", _("合计"), total, done, pending)


def overall_rate_for(*, actor: Any, on: dt.date) -> RateRow:
    """The rate over every unit the actor sees, without a row per unit."""
    visible = org_selectors.unit_list(actor=actor).values("pk")
    counts = _member_counts({"unit__in": visible}, "in_service", end_of_day(on))
    total, done, waiting = counts.get(True, (0, 0, 0))
    return RateRow(0, "", _("合计"), total, done, waiting)
