"""The figures of volunteer service (the core contract, `core.figures`), and the aggregates and
SQL that the apps above compose: `reports` (the dashboard's raw edges and monthly rollups,
ADR 0007 and 0009) and `evaluation` (computed indicators). Everything here reads this app's
tables; the callers never name them.

What is counted: published activities that took place in the scope (for a unit: the
activities its members attended, wherever), their attendances (person-times: one member at
one activity once), the distinct members among them (people), hours and households visited.
A period's activities are those that *began* in it (local days, both ends included).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DateField, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.figures import Figure, Scope, list_url
from gongjian.core.periods import Period
from gongjian.orgs.models import Area, Member
from gongjian.service.models import Activity, Attendance, Outcome, ServiceCategory
from gongjian.service.selectors import other_service

EDGE_IDS = 20_000  # up to this many activities of a raw part are named, not joined

# The models whose saved or deleted rows change the figures: `reports` listens to them (by
# name, through the app registry). `ACTIVITY_MODELS` belong to an activity's month.
WATCHED = ("service.ServiceCategory",)
ACTIVITY = "service.Activity"
ACTIVITY_MODELS = ("service.Attendance", "service.Outcome")

Ranges = Sequence[tuple[dt.datetime, dt.datetime]]  # [from, to) moments of `starts_at`


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone()
    )


def span(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period's moments, [start of its first day, start of the day after its last)."""
    return local_midnight(period.start), local_midnight(period.end + dt.timedelta(days=1))


def held_until(hi: dt.datetime, now: dt.datetime | None = None) -> dt.datetime:
    """An activity is held once it has started (and was not cancelled): a period's held
    activities are those that began before the end of the period or now, whichever comes
    first. The rest of the period's published activities are planned (`planned`)."""
    return min(hi, now or timezone.now())


def held_ranges(ranges: Ranges, now: dt.datetime | None = None) -> list[tuple[Any, Any]]:
    """The parts of `ranges` that lie before now: the started activities' `starts_at`."""
    out = []
    for lo, hi in ranges:
        top = held_until(hi, now)
        if lo < top:
            out.append((lo, top))
    return out


def planned(*, scope: Scope, lo: dt.datetime, hi: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Published activities of the period that have not started yet, in the scope's area (for
    a unit: that it organises): how many, and when the first of them starts (a cached count
    of held activities is good until then)."""
    now = timezone.now()
    acts = Activity.objects.filter(
        _published(), starts_at__gte=max(lo, now), starts_at__lt=hi
    ).filter(Q(unit_id=scope.unit_id) if scope.unit_id is not None else _place(scope))
    found = acts.order_by().aggregate(n=Count("pk"), first=Min("starts_at"))
    return int(found["n"] or 0), found["first"]


def activity_records(*, scope: Scope, lo: dt.datetime, hi: dt.datetime, kind: str) -> Any:
    """The activities behind a figure of [lo, hi): `held` (开展: begun, published; for a unit
    those its members attended), `planned` (published, not begun; for a unit those it
    organises) or `organised` (held, organised by the unit). Their count is the figure."""
    if kind == "planned":
        return Activity.objects.filter(
            _published(), starts_at__gte=max(lo, timezone.now()), starts_at__lt=hi
        ).filter(Q(unit_id=scope.unit_id) if scope.unit_id is not None else _place(scope))
    held = Activity.objects.filter(_published(), starts_at__gte=lo, starts_at__lt=held_until(hi))
    if kind == "organised":
        return held.filter(unit_id=scope.unit_id or 0)
    if scope.unit_id is not None:
        attended = Attendance.objects.filter(member__unit_id=scope.unit_id).values("activity_id")
        return held.filter(pk__in=attended)
    return held.filter(_place(scope))


def _attended(scope: Scope, ranges: Ranges) -> Q:
    """Attendances at published activities that began within `ranges`: for a unit those of
    its members, wherever they served; for an area those at activities that took place in it
    (everything for an empty scope). The one definition of person-times, people and hours."""
    on = "activity__"
    who = Q(member__unit_id=scope.unit_id) if scope.unit_id is not None else _place(scope, on)
    return _published(on) & _within(ranges, on) & who


def attendance_records(*, scope: Scope, lo: dt.datetime, hi: dt.datetime) -> QuerySet[Attendance]:
    """The attendances behind person-times (their count), people (their distinct members)
    and service hours (their hours; duty shifts apart) of [lo, hi): at the activities held
    (begun before now) in the scope's area, or for a unit its members' wherever they served."""
    return Attendance.objects.filter(_attended(scope, held_ranges([(lo, hi)])))


def organised(*, unit_id: int, lo: dt.datetime, hi: dt.datetime) -> int:
    """Held activities the unit organised in [lo, hi) (before now)."""
    return Activity.objects.filter(
        _published(), unit_id=unit_id, starts_at__gte=lo, starts_at__lt=held_until(hi)
    ).count()


def _tz() -> Any:
    return timezone.get_current_timezone()


def _published(on: str = "") -> Q:
    """Published activities (`on="activity__"`: the attendances or outcomes of those)."""
    return Q(**{f"{on}status": Activity.Status.PUBLISHED})


def _within(ranges: Ranges, on: str = "") -> Q:
    q = Q(pk__in=[])
    for lo, hi in ranges:
        q |= Q(**{f"{on}starts_at__gte": lo, f"{on}starts_at__lt": hi})
    return q


def _place(scope: Scope, on: str = "") -> Q:
    """Activities that took place in the scope's area (everything for an empty scope)."""
    return Q(**{f"{on}area__path__startswith": scope.area_path}) if scope.area_path else Q()


def _member_unit(scope: Scope) -> Q:
    """Attendances of the members of the scope's units (all units for an empty scope)."""
    if scope.unit_id is not None:
        return Q(member__unit_id=scope.unit_id)
    if scope.area_path:
        return Q(member__unit__area__path__startswith=scope.area_path)
    return Q(member__unit__isnull=False)


def month_key(value: Any) -> str:
    """`2026-03` from a month as the databases return it (a date, an aware datetime, text)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    if isinstance(value, str):
        return value[:7]
    return f"{value:%Y-%m}"


# Plain results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    id: int
    code: str
    name: str
    colour: str


@dataclass
class UnitService:
    """A unit's members' service over a period, wherever they served; households of the
    activities the unit organised."""

    activities: int = 0
    people: int = 0
    by_category: list[tuple[int, int, Decimal, int]] = field(default_factory=list)  # n, h, acts
    by_month: list[tuple[str, int, Decimal, int]] = field(default_factory=list)
    households: list[tuple[int, int]] = field(default_factory=list)  # by category
    hours_confirmed: Decimal = Decimal(0)


@dataclass
class AreaService:
    """The raw part of an area's service: activities and attendances grouped by category ×
    month × community, and the members who served (a query, to be united with the people of
    the rolled-up months; None when known to be empty)."""

    activities: list[tuple[Any, ...]]  # category, month, place, activities, households
    attendances: list[tuple[Any, ...]]  # category, month, place, person-times, hours
    members: QuerySet[Any] | None
    edges: list[int] | None = None  # the activities named, when they were few enough
    hours_confirmed: Decimal = Decimal(0)  # of the hours, those the organiser confirmed


def categories() -> list[Category]:
    return [
        Category(pk, code, name, colour)
        for pk, code, name, colour in ServiceCategory.objects.values_list(
            "pk", "code", "name", "colour"
        )
    ]


def first_activity_start() -> dt.datetime | None:
    return Activity.objects.aggregate(m=Min("starts_at"))["m"]  # type: ignore[no-any-return]


# A unit --------------------------------------------------------------------------------------


def unit_service(*, unit_id: int, lo: dt.datetime, hi: dt.datetime) -> UnitService:
    """The service of the unit's members at the activities held in [lo, hi) (begun before
    now), read raw (a unit's few attendances)."""
    window = _published("activity__") & _within(held_ranges([(lo, hi)]), "activity__")
    att = attendance_records(scope=Scope(unit_id=unit_id), lo=lo, hi=hi)
    out = UnitService(
        activities=att.values("activity_id").distinct().count(),
        people=att.values("member_id").distinct().count(),
        hours_confirmed=att.filter(hours_confirmed=True).aggregate(h=Sum("hours"))["h"]
        or Decimal(0),
    )
    out.by_category = list(
        att.order_by()
        .values("activity__category_id")
        .annotate(n=Count("pk"), h=Sum("hours"), a=Count("activity_id", distinct=True))
        .values_list("activity__category_id", "n", "h", "a")
    )
    out.by_month = [
        (month_key(m), n, h, a)
        for m, n, h, a in att.annotate(
            m=TruncMonth("activity__starts_at", output_field=DateField(), tzinfo=_tz())
        )
        .order_by()
        .values("m")
        .annotate(n=Count("pk"), h=Sum("hours"), a=Count("activity_id", distinct=True))
        .values_list("m", "n", "h", "a")
    ]
    out.households = [
        (cat_id, hh or 0)
        for cat_id, hh in Outcome.objects.filter(window, activity__unit_id=unit_id)
        .order_by()
        .values("activity__category_id")
        .annotate(hh=Sum("households_visited"))
        .values_list("activity__category_id", "hh")
    ]
    return out


# An area or everything: the raw part ---------------------------------------------------------


def _edges(acts: QuerySet[Activity]) -> dict[int, tuple[int, str, int | None]] | None:
    """The activities of a raw part by id (with category, month and place), or None when there
    are more than `EDGE_IDS` of them."""
    rows = list(
        acts.annotate(m=TruncMonth("starts_at", output_field=DateField(), tzinfo=_tz()))
        .order_by()
        .values_list("pk", "category_id", "m", "community_id")[: EDGE_IDS + 1]
    )
    if len(rows) > EDGE_IDS:
        return None
    return {pk: (cat_id, month_key(m), place) for pk, cat_id, m, place in rows}


def area_service(*, scope: Scope, ranges: Ranges, name_edges: bool) -> AreaService:
    """Published activities that took place in the scope's area and began within `ranges`,
    and their attendances, grouped by category × month × community. With `name_edges` (the
    ranges are the small edges of a period whose middle is rolled up) the activities are read
    first and named, so the attendances are read through their (activity, member) index
    rather than by a scan of the whole table."""
    acts = Activity.objects.filter(_published() & _within(ranges) & _place(scope))
    att = Attendance.objects.filter(_attended(scope, ranges))
    edge = _edges(acts) if name_edges else None
    if edge is not None:
        acts = Activity.objects.filter(pk__in=list(edge))
        att = Attendance.objects.filter(activity_id__in=list(edge))
    activities = [
        (cat_id, month_key(m), place, n, hh or 0)
        for cat_id, m, place, n, hh in acts.annotate(
            m=TruncMonth("starts_at", output_field=DateField(), tzinfo=_tz())
        )
        .order_by()
        .values("category_id", "m", "community_id")
        .annotate(n=Count("pk"), hh=Sum("outcome__households_visited"))
        .values_list("category_id", "m", "community_id", "n", "hh")
    ]
    grouped: Iterable[tuple[int, str, int | None, int, Any]]
    if edge is not None:
        grouped = (
            (*edge[pk], n, h)
            for pk, n, h in att.order_by()
            .values("activity_id")
            .annotate(n=Count("pk"), h=Sum("hours"))
            .values_list("activity_id", "n", "h")
        )
    else:
        grouped = (
            (cat_id, month_key(m), place, n, h)
            for cat_id, m, place, n, h in att.annotate(
                m=TruncMonth("activity__starts_at", output_field=DateField(), tzinfo=_tz())
            )
            .order_by()
            .values("activity__category_id", "m", "activity__community_id")
            .annotate(n=Count("pk"), h=Sum("hours"))
            .values_list("activity__category_id", "m", "activity__community_id", "n", "h")
        )
    confirmed = Decimal(0)
    if edge != {}:
        confirmed = att.filter(hours_confirmed=True).aggregate(h=Sum("hours"))["h"] or confirmed
    return AreaService(
        activities=activities,
        attendances=[(c, m, p, n, h or Decimal(0)) for c, m, p, n, h in grouped],
        members=None if edge == {} else att.order_by().values("member_id"),
        edges=list(edge) if edge is not None else None,
        hours_confirmed=confirmed,
    )


def distinct_members(members: QuerySet[Any] | None) -> int:
    """How many members a `members` query of `area_service` names."""
    if members is None:
        return 0
    return members.distinct().count()


def unit_service_raw(
    *, scope: Scope, ranges: Ranges, reuse: AreaService | None = None, name_edges: bool = False
) -> list[tuple[int, int, Decimal]]:
    """(unit, person-times, hours) of the members of the scope's units, wherever they served,
    at published activities that began within `ranges`. `reuse`: the raw part of everything
    already read (its attendances are these, at every place)."""
    on = "activity__"
    att = Attendance.objects.filter(_published(on) & _within(ranges, on))
    everything = not scope.area_path and scope.unit_id is None
    if reuse is not None and everything:
        if reuse.edges is not None:  # every place: the edges' attendances already named
            att = Attendance.objects.filter(activity_id__in=reuse.edges)
    elif name_edges:
        acts = Activity.objects.filter(_published() & _within(ranges))
        ids = list(acts.values_list("pk", flat=True)[: EDGE_IDS + 1])
        if len(ids) <= EDGE_IDS:
            att = Attendance.objects.filter(activity_id__in=ids)
    return [
        (unit_id, n, h or Decimal(0))
        for unit_id, n, h in att.filter(_member_unit(scope))
        .order_by()
        .values("member__unit_id")
        .annotate(n=Count("pk"), h=Sum("hours"))
        .values_list("member__unit_id", "n", "h")
    ]


# The rollups' SQL (`reports` writes its tables with it) ----------------------------------------


#: The temporary table that holds one month's served attendances while its rollups are rebuilt.
SERVED = "rollup_served_month"


def month_served_sql() -> tuple[str, str]:
    """The attendances at one month's published activities, copied once into a temporary table
    (`SERVED`) that every statement of the month's rebuild then reads: found in the
    attendances once per month instead of once per statement. The `CREATE` (parameters: the
    month's `lo, hi`) and the `DROP`. Its columns: activity, member, hours, confirmed hours (the
    hours when confirmed, else 0), place (the activity's community, else its area), category."""
    act, att = Activity._meta.db_table, Attendance._meta.db_table
    create = f"""
        CREATE TEMPORARY TABLE {SERVED} AS
        SELECT t.activity_id, t.member_id, t.hours,
               CASE WHEN t.hours_confirmed THEN t.hours ELSE 0 END AS hours_confirmed,
               COALESCE(a.community_id, a.area_id) AS place_id, a.category_id
        FROM {att} t JOIN {act} a ON a.id = t.activity_id
        WHERE a.status = 'published' AND a.starts_at >= %s AND a.starts_at < %s
    """  # noqa: S608 - table names from the models, values as parameters
    return create, f"DROP TABLE IF EXISTS {SERVED}"


def month_facts_sql(lead: str = "") -> tuple[str, str]:
    """Two SELECTs over one month's published activities, each row starting with `lead` (SQL
    of the caller's, such as `"%s, "` for its month): per place (the activity's community, or
    its street or district area when it has none) × category — place id, community id, place
    path, category id, activities, person-times, hours, households, confirmed hours; and per
    member unit × category — unit id, category id, person-times, hours. Both read the month's
    attendances from `SERVED` (`month_served_sql`). Parameters after the lead's: the month's
    `lo, hi` (places) and none (units)."""
    act, out = Activity._meta.db_table, Outcome._meta.db_table
    area, member = Area._meta.db_table, Member._meta.db_table
    places = f"""
        SELECT {lead}ar.id, a.community_id, ar.path, a.category_id,
               COUNT(*), COALESCE(SUM(t.n), 0), COALESCE(SUM(t.h), 0),
               COALESCE(SUM(o.households_visited), 0), COALESCE(SUM(t.hc), 0)
        FROM {act} a
        JOIN {area} ar ON ar.id = COALESCE(a.community_id, a.area_id)
        LEFT JOIN (
            SELECT activity_id, COUNT(*) AS n, SUM(hours) AS h, SUM(hours_confirmed) AS hc
            FROM {SERVED} GROUP BY activity_id
        ) t ON t.activity_id = a.id
        LEFT JOIN {out} o ON o.activity_id = a.id
        WHERE a.status = 'published' AND a.starts_at >= %s AND a.starts_at < %s
        GROUP BY ar.id, a.community_id, ar.path, a.category_id
    """  # noqa: S608 - table names from the models, values as parameters
    units = f"""
        SELECT {lead}m.unit_id, t.category_id, COUNT(*), COALESCE(SUM(t.hours), 0)
        FROM {SERVED} t JOIN {member} m ON m.id = t.member_id
        WHERE m.unit_id IS NOT NULL
        GROUP BY m.unit_id, t.category_id
    """  # noqa: S608
    return places, units


def served_sql() -> tuple[str, str, str]:
    """The month's served attendances (`SERVED`) as SQL to compose: what follows a FROM (a
    `WHERE` already open, to go on with `AND`; no parameters), the expression of each one's
    place (the activity's community, else its area) and the column of its member."""
    return f"{SERVED} t WHERE 1 = 1", "t.place_id", "t.member_id"


def months_served_sql(bits: Sequence[int]) -> str:
    """The attendances at published activities of consecutive months (a year's), one row each
    — member, place (the activity's community, else its area), the bit of its month (`bits`,
    one per month, in order) — as a SELECT to wrap. Parameters: the end of each month (local
    midnights, in order), then the start of the first and the end of the last."""
    act, att = Activity._meta.db_table, Attendance._meta.db_table
    cases = " ".join(f"WHEN a.starts_at < %s THEN {int(bit)}" for bit in bits)
    return f"""
        SELECT t.member_id AS member_id, COALESCE(a.community_id, a.area_id) AS place_id,
               CASE {cases} END AS bit
        FROM {att} t JOIN {act} a ON a.id = t.activity_id
        WHERE a.status = 'published' AND a.starts_at >= %s AND a.starts_at < %s
    """  # noqa: S608 - table names from the models, values as parameters


def activity_month(activity_id: int) -> QuerySet[Any]:
    """The local month an activity began in, as a one-value query (to use inside an UPDATE)."""
    return (
        Activity.objects.filter(pk=activity_id)
        .annotate(m=TruncMonth("starts_at", output_field=DateField(), tzinfo=_tz()))
        .values("m")
    )


def member_months(member_id: int) -> QuerySet[Any]:
    """The local months of the activities a member attended, as a one-column query (to use
    inside an UPDATE): the months whose unit rollups count them under their unit."""
    return (
        Attendance.objects.filter(member_id=member_id)
        .annotate(m=TruncMonth("activity__starts_at", output_field=DateField(), tzinfo=_tz()))
        .values("m")
    )


# For computed indicators (evaluation) ----------------------------------------------------------


def attendance_by_unit(
    unit_ids: Sequence[int], lo: dt.datetime, hi: dt.datetime
) -> dict[int, tuple[int, Decimal]]:
    """(person-times, hours) of each unit's members at published activities that began in
    [lo, hi): one GROUP BY."""
    rows = (
        Attendance.objects.filter(
            member__unit_id__in=list(unit_ids),
            activity__status=Activity.Status.PUBLISHED,
            activity__starts_at__gte=lo,
            activity__starts_at__lt=hi,
        )
        .order_by()
        .values("member__unit_id")
        .annotate(n=Count("pk"), hours=Sum("hours"))
        .values_list("member__unit_id", "n", "hours")
    )
    return {u: (n, hours or Decimal(0)) for u, n, hours in rows}


def person_times_of_party_org(*, party_org_id: int, lo: dt.datetime, hi: dt.datetime) -> int:
    """Person-times of a party organisation's members at published activities in [lo, hi)."""
    return Attendance.objects.filter(
        member__party_org_id=party_org_id,
        activity__status=Activity.Status.PUBLISHED,
        activity__starts_at__gte=lo,
        activity__starts_at__lt=hi,
    ).count()


# The core contract ---------------------------------------------------------------------------


def activities_url(scope: Scope, period: Period, when: str, **extra: Any) -> str:
    """The activity list behind a figure: the same scope and period (`activity_records`);
    `extra`: a category's row (`category=…`)."""
    return list_url(
        "service:activity_list",
        when=when,
        area=scope.area_id,
        unit=scope.unit_id,
        start=period.start.isoformat(),
        end=period.end.isoformat(),
        **extra,
    )


def records_url(scope: Scope, period: Period, **extra: Any) -> str:
    """The attendance list (参与记录) behind person-times, people and hours: the same scope
    and period (`attendance_records`); `extra`: a category's row (`category=…`)."""
    return list_url(
        "service:records",
        area=scope.area_id,
        unit=scope.unit_id,
        start=period.start.isoformat(),
        end=period.end.isoformat(),
        **extra,
    )


def figures(*, actor: Any, scope: Scope, period: Period) -> list[Figure]:
    """Activities, person-times, people, hours and households of the scope over the period,
    read from this app's tables (the caller has resolved the scope through its own access
    check). Each links to the list of the records it counts."""
    lo, hi = span(period)
    if scope.unit_id is not None:
        unit = unit_service(unit_id=scope.unit_id, lo=lo, hi=hi)
        activities, people = unit.activities, unit.people
        person_times = sum(n for _c, n, _h, _a in unit.by_category)
        hours = sum((h or Decimal(0) for _c, _n, h, _a in unit.by_category), Decimal(0))
        households = sum(hh for _c, hh in unit.households)
        confirmed = unit.hours_confirmed
    else:
        area = area_service(scope=scope, ranges=held_ranges([(lo, hi)]), name_edges=False)
        confirmed = area.hours_confirmed
        activities = sum(n for *_k, n, _hh in area.activities)
        households = sum(hh for *_k, hh in area.activities)
        person_times = sum(n for *_k, n, _h in area.attendances)
        hours = sum((h for *_k, h in area.attendances), Decimal(0))
        people = distinct_members(area.members)
    # Duty shifts of a mobilisation count as service hours (not as activities or their
    # person-times: those are the mobilisation's own support person-times).
    if scope.unit_id is not None:
        _duties, duty_hours = other_service(unit_id=scope.unit_id, lo=lo, hi=hi)
    else:
        _duties, duty_hours = other_service(area_path=scope.area_path or "", lo=lo, hi=hi)
    hours += duty_hours
    past = activities_url(scope, period, "held")
    records = records_url(scope, period)
    ahead, _first = planned(scope=scope, lo=lo, hi=hi)
    extra: list[tuple[str, str, Any, str, str]] = [
        (
            "duty_hours",
            _("其中下沉值守时长"),
            duty_hours.quantize(Decimal("0.1")),
            _("小时"),
            list_url("mobilise:mobilisation_list"),
        ),
        (
            "hours_confirmed",
            _("已确认服务时长"),
            confirmed.quantize(Decimal("0.1")),
            _("小时"),
            records,
        ),
        ("planned", _("计划开展活动"), ahead, _("场"), activities_url(scope, period, "planned")),
    ]
    if scope.unit_id is not None:
        extra.append(
            (
                "organised",
                _("本单位组织活动"),
                organised(unit_id=scope.unit_id, lo=lo, hi=hi),
                _("场"),
                activities_url(scope, period, "organised"),
            )
        )
    return [
        Figure(f"service.{key}", label, value, unit, url, _("志愿服务"))
        for key, label, value, unit, url in (
            ("activities", _("开展志愿服务活动"), activities, _("场"), past),
            (
                "person_times",
                _("参与人次"),
                person_times,
                _("人次"),
                records,
            ),
            (
                "people",
                _("参与党员"),
                people,
                _("人"),
                records,
            ),
            (
                "hours",
                _("服务时长"),
                hours.quantize(Decimal("0.1")),
                _("小时"),
                records,  # the attendances' hours; the duty shifts' are `duty_hours`
            ),
            (
                "households",
                _("入户走访"),
                households,
                _("户"),
                activities_url(scope, period, "organised") if scope.unit_id is not None else past,
            ),
            *extra,
        )
    ]
