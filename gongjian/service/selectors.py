"""Every read of the service app, through the caller's scope.

Who sees an activity:
- its organisers: the area posts whose subtree holds its place, the administrators of its
  organising unit, the captain of its team (and the platform administrator);
- members it is open to: `open` — members of the same district (by where they live or work);
  `residents` — members reported to its community; `unit` — members of its unit; `team` —
  the team's members; and anyone who already signed up.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjian.core.access import one
from gongjian.core.errors import NotFound
from gongjian.core.search import search_q
from gongjian.core.validation import invalid
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, Member, Notice, Unit
from gongjian.service.models import (
    Activity,
    Attendance,
    Audience,
    Certificate,
    ServiceCategory,
    Signup,
    Team,
    TeamMembership,
)

_M = TypeVar("_M", bound=models.Model)

# Members ------------------------------------------------------------------------------------

# The caller's own member record: one helper for every app (read once per request).
member_of = org_selectors.member_of


def district_paths(member: Member) -> set[str]:
    """The districts a member belongs to: where they live and where their unit is."""
    places = (member.home_community, member.unit.area if member.unit else None)
    return {scope.district_path(area.path) for area in places if area is not None}


# Activities ---------------------------------------------------------------------------------


def _everything(actor: Any) -> bool:
    # `Q() | Q(x)` is `Q(x)`: an unrestricted scope must not be OR-ed with anything.
    return scope.posts_of(actor).superuser


def activity_manage_q(actor: Any, *, write: bool = False) -> Q:
    if _everything(actor):
        return Q()
    q = scope.scope_q(actor, area=("area",), unit=("unit",), write=write)
    if getattr(actor, "is_authenticated", False):
        q |= Q(team__captain__user_id=actor.pk)
    return q


def activity_open_q(member: Member) -> Q:
    """The activities open to `member` to sign up, by audience."""
    q = Q(pk__in=[])
    districts = district_paths(member)
    for path in districts:
        q |= Q(audience=Audience.OPEN, area__path__startswith=path)
    if member.home_community_id:
        q |= Q(audience=Audience.RESIDENTS, community_id=member.home_community_id)
    if member.unit_id:
        q |= Q(audience=Audience.UNIT, unit_id=member.unit_id)
    team_ids = TeamMembership.objects.filter(member=member).values("team_id")
    q |= Q(audience=Audience.TEAM, team_id__in=team_ids)
    q |= Q(audience=Audience.TEAM, team__captain=member)
    return q


def activity_visible_q(actor: Any) -> Q:
    if _everything(actor):
        return Q()
    q = activity_manage_q(actor)
    member = member_of(actor)
    if member is not None:
        q |= activity_open_q(member)
        q |= Q(Exists(Signup.objects.filter(activity=OuterRef("pk"), member=member)))
    return q


def activity_list(
    *,
    actor: Any,
    q: str = "",
    category: ServiceCategory | int | None = None,
    when: str = "",
    near: bool = False,
    manage: bool = False,
    team: Team | None = None,
    area: Area | int | str | None = None,
    unit: Unit | int | str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Activity]:
    """`when`: "upcoming" (not yet ended, not cancelled), "past", or "" for all; or the
    activities behind a figure of the period from `start` to `end` (this year by default) in
    the `area` or for the `unit` given (which the caller must see): "held", "planned",
    "organised" (`service.figures.activity_records`). `near`: for a member, activities in
    the street where they reported first. `manage`: only those the caller organises."""
    visible = activity_manage_q(actor) if manage else activity_visible_q(actor)
    qs = Activity.objects.filter(visible).select_related("category", "area", "unit", "team")
    now = timezone.now()
    if when in FIGURE_KINDS:
        qs = qs.filter(
            pk__in=_figure_activities(actor, when, area=area, unit=unit, start=start, end=end)
        ).order_by("starts_at", "id")
    elif area not in (None, "") or unit not in (None, ""):
        where = _figure_scope(actor, area=area, unit=unit)
        qs = qs.filter(
            Q(unit_id=where.unit_id) if where.unit_id else Q(area__path__startswith=where.area_path)
        )
    if when == "upcoming":
        qs = qs.filter(ends_at__gt=now, status=Activity.Status.PUBLISHED).order_by(
            "starts_at", "id"
        )
    elif when == "past":
        qs = qs.filter(ends_at__lte=now)
    if category is not None:
        qs = qs.filter(
            category_id=category.pk if isinstance(category, ServiceCategory) else category
        )
    if team is not None:
        qs = qs.filter(team=team)
    if q:
        qs = qs.filter(search_q(q, "", raw=("title", "address")))
    if near:
        member = member_of(actor)
        if member is not None and member.home_community is not None:
            street = member.home_community.path.rsplit("/", 2)[0] + "/"
            qs = qs.filter(area__path__startswith=street)
    return qs


FIGURE_KINDS = ("held", "planned", "organised")


def households_of(activities: Any) -> int:
    """The households visited recorded in these activities' outcomes (入户走访: the figure's
    sum over its activity list)."""
    found = activities.order_by().aggregate(n=Sum("outcome__households_visited"))["n"]
    return int(found or 0)


def _figure_scope(actor: Any, *, area: Any, unit: Any) -> Any:
    from gongjian.core.figures import Scope

    if unit not in (None, ""):
        found_unit = unit if isinstance(unit, Unit) else org_selectors.unit_get_for(actor, unit)
        return Scope(unit_id=found_unit.pk)
    if area not in (None, ""):
        found = area if isinstance(area, Area) else org_selectors.area_get_for(actor, area)
        return Scope(area_id=found.pk, area_path=found.path, area_kind=found.kind)
    return Scope()


def _figure_activities(
    actor: Any, when: str, *, area: Any, unit: Any, start: dt.date | None, end: dt.date | None
) -> Any:
    from gongjian.service import figures as service_figures

    today = timezone.localdate()
    start = start or dt.date(today.year, 1, 1)
    end = end or today
    if end < start:
        raise invalid("end", _("结束日期不能早于开始日期"))
    where = _figure_scope(actor, area=area, unit=unit)
    if when == "organised" and where.unit_id is None:
        raise invalid("unit", _("请选择单位"))
    lo = service_figures.local_midnight(start)
    hi = service_figures.local_midnight(end + dt.timedelta(days=1))
    return service_figures.activity_records(scope=where, lo=lo, hi=hi, kind=when).values("pk")


def activity_key(activity: Activity | uuid.UUID | str, message: str = "") -> uuid.UUID:
    """An activity's public id, from the activity or as a URL or a client gives it."""
    if isinstance(activity, Activity):
        return activity.public_id
    try:
        return uuid.UUID(str(activity))
    except ValueError:
        raise NotFound(message or _("活动不存在或无权查看")) from None


def activity_get_for(
    actor: Any, public_id: Activity | str | uuid.UUID, *, write: bool = False, lock: bool = False
) -> Activity:
    """The activity if the caller sees it (with `write`, organises it); `lock` takes its row
    lock in the same query, inside the caller's transaction."""
    message = _("活动不存在或无权查看")
    visible = activity_manage_q(actor, write=True) if write else activity_visible_q(actor)
    qs = Activity.objects.filter(visible).select_related(
        "category", "area", "community", "unit", "team__captain"
    )
    return one(qs, message, lock=lock, public_id=activity_key(public_id, message))


def may_organise(actor: Any) -> bool:
    """Whether the caller publishes activities: any post, or the captain of a team."""
    return scope.posts_of(actor).is_staff_like or team_list(actor=actor, write=True).exists()


def activity_places(actor: Any) -> QuerySet[Area]:
    """The places a new activity's form offers: an area post's own streets, communities and
    grids (a community is not offered the district's places only to be refused them); a unit
    administrator or a team's captain, without an area post, the places of their districts."""
    posts = scope.posts_of(actor)
    places = Area.objects.filter(kind__in=(Area.Kind.STREET, Area.Kind.COMMUNITY, Area.Kind.GRID))
    if posts.superuser:
        return places.order_by("path")
    if posts.paths(write=True):
        return places.filter(scope.area_q(actor, write=True)).order_by("path")
    districts = scope.districts_of(actor) or ()
    member = member_of(actor)
    if member is not None and member.unit is not None and member.unit.area is not None:
        districts = (*districts, scope.district_path(member.unit.area.path))
    if not districts:
        return places.none()
    return places.filter(
        functools.reduce(operator.or_, (Q(path__startswith=d) for d in districts))
    ).order_by("path")


def activity_may_manage(actor: Any, activity: Activity) -> bool:
    return Activity.objects.filter(activity_manage_q(actor, write=True), pk=activity.pk).exists()


def activity_is_open_to(member: Member, activity: Activity) -> bool:
    """The same rule as `activity_open_q`, for one activity already read (with its area)."""
    if activity.audience == Audience.OPEN:
        return any(activity.area.path.startswith(p) for p in district_paths(member))
    if activity.audience == Audience.RESIDENTS:
        return activity.community_id is not None and (
            activity.community_id == member.home_community_id
        )
    if activity.audience == Audience.UNIT:
        return activity.unit_id is not None and activity.unit_id == member.unit_id
    if activity.audience == Audience.TEAM:
        return activity.team_id is not None and (
            TeamMembership.objects.filter(team_id=activity.team_id, member=member).exists()
            or Team.objects.filter(pk=activity.team_id, captain=member).exists()
        )
    return False


_SIGNUP_FIELDS = (
    "id",
    "public_id",
    "title",
    "status",
    "starts_at",
    "ends_at",
    "quota",
    "confirmed_count",
    "signup_opens_at",
    "signup_closes_at",
    "audience",
    "community_id",
    "unit_id",
    "team_id",
    "address",
    "area__path",
)


def activity_for_signup(public_id: Activity | str | uuid.UUID, *, lock: bool = False) -> Activity:
    """An activity by its public id, for signing up or cancelling: whether the caller may is
    the service's to say, with a reason (not in the audience, window closed …)."""
    message = _("活动不存在")
    qs = Activity.objects.select_related("area").only(*_SIGNUP_FIELDS)
    return one(qs, message, lock=lock, public_id=activity_key(public_id, message))


# The sign-up hot path ---------------------------------------------------------------------------
# A rush sends hundreds of sign-ups a second. Compiling an ORM query costs more Python than
# running it (1.5–5 ms against about 0.3 ms for the same statement raw; bench/signup_rush), so
# the few statements of that path are written out: here the read, in `services.signup_create`
# the writes. Plain SQL that SQLite and PostgreSQL both run; parameters are prepared and
# values converted by the fields and the backend exactly as the ORM does.

_TARGET_SQL = """
SELECT m.id, m.name, m.unit_id, m.home_community_id, m.home_grid_id, m.party_org_id,
       hc.path, hc.name, u.name, u.area_id, ua.path,
       a.id, a.title, a.status, a.starts_at, a.ends_at, a.quota, a.confirmed_count,
       a.signup_opens_at, a.signup_closes_at, a.audience, a.community_id, a.unit_id,
       a.team_id, a.address, a.area_id, aa.path,
       s.id, s.status
FROM orgs_member m
LEFT JOIN orgs_area hc ON hc.id = m.home_community_id
LEFT JOIN orgs_unit u ON u.id = m.unit_id
LEFT JOIN orgs_area ua ON ua.id = u.area_id
LEFT JOIN service_activity a ON a.public_id = %s
LEFT JOIN orgs_area aa ON aa.id = a.area_id
LEFT JOIN service_signup s ON s.activity_id = a.id AND s.member_id = m.id
WHERE m.user_id = %s
"""
_MEMBER_COLUMNS = (
    "id",
    "name",
    "unit_id",
    "home_community_id",
    "home_grid_id",
    "party_org_id",
)
_ACTIVITY_COLUMNS = (
    "id",
    "title",
    "status",
    "starts_at",
    "ends_at",
    "quota",
    "confirmed_count",
    "signup_opens_at",
    "signup_closes_at",
    "audience",
    "community_id",
    "unit_id",
    "team_id",
    "address",
    "area_id",
)


def _from_row(model: type[_M], names: tuple[str, ...], values: Sequence[Any]) -> _M:
    """A model instance with only `names` loaded (the rest deferred), from raw column values,
    through the same converters as the ORM's (SQLite returns dates as text)."""
    loaded = {}
    for (name, col, converters), value in zip(
        _row_converters(model, names, connection.vendor), values, strict=True
    ):
        for convert in converters:
            value = convert(value, col, connection)
        loaded[name] = value
    return _plain(model, **loaded)


@functools.lru_cache(maxsize=16)
def _row_converters(
    model: type[models.Model], names: tuple[str, ...], vendor: str
) -> tuple[tuple[str, Any, tuple[Any, ...]], ...]:
    """Each column's converters, looked up once per model, columns and database vendor."""
    out = []
    for name in names:
        field = model._meta.get_field(name)
        col = field.get_col(model._meta.db_table)  # type: ignore[union-attr]
        converters = (*connection.ops.get_db_converters(col), *col.get_db_converters(connection))
        out.append((name, col, tuple(converters)))
    return tuple(out)


def _plain(model: type[_M], **values: Any) -> _M:
    """A model instance with only these fields loaded, from values as the ORM returns them."""
    fields = model._meta.concrete_fields
    return model.from_db(
        connection.alias,
        [f.attname for f in fields if f.attname in values],
        [values[f.attname] for f in fields if f.attname in values],
    )


@dataclass(frozen=True)
class SignupTarget:
    """The caller's member record, the activity (with its area) and the caller's earlier
    sign-up of it, if any."""

    member: Member | None
    activity: Activity | None
    earlier_id: int | None = None
    earlier_status: str | None = None


def signup_target(*, actor: Any, public_id: str | uuid.UUID) -> SignupTarget:
    """What `services.signup_create` needs, in one statement: the caller's member record
    (None for a caller without one), the activity by its public id (None if there is no
    such activity) and the caller's earlier sign-up of it. Whether the caller may sign up is
    the service's to say."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return SignupTarget(member=None, activity=None)
    try:
        key: uuid.UUID | None = uuid.UUID(str(public_id))
    except ValueError:
        key = None
    key_param = Activity._meta.get_field("public_id").get_db_prep_value(key, connection)
    with connection.cursor() as cursor:
        cursor.execute(_TARGET_SQL, [key_param, actor.pk])
        row = cursor.fetchone()
    if row is None:
        return SignupTarget(member=None, activity=None)
    member = _from_row(Member, _MEMBER_COLUMNS, row[0:6])
    home_path, home_name, unit_name, unit_area_id, unit_area_path = row[6:11]
    if member.home_community_id is not None:
        home = _plain(Area, id=member.home_community_id, path=home_path, name=home_name)
        Member.home_community.field.set_cached_value(member, home)
    if member.unit_id is not None:
        unit = _plain(Unit, id=member.unit_id, name=unit_name, area_id=unit_area_id)
        if unit_area_id is not None:
            Unit.area.field.set_cached_value(
                unit, _plain(Area, id=unit_area_id, path=unit_area_path)
            )
        Member.unit.field.set_cached_value(member, unit)
    if row[11] is None or key is None:
        return SignupTarget(member=member, activity=None)
    activity = _from_row(Activity, _ACTIVITY_COLUMNS, row[11:26])
    activity.public_id = key
    Activity.area.field.set_cached_value(activity, _plain(Area, id=activity.area_id, path=row[26]))
    return SignupTarget(
        member=member, activity=activity, earlier_id=row[27], earlier_status=row[28]
    )


# Sign-ups -----------------------------------------------------------------------------------


def signup_list(*, activity: Activity, status: str = "") -> QuerySet[Signup]:
    qs = Signup.objects.filter(activity=activity).select_related("member__unit")
    if status:
        qs = qs.filter(status=status)
    if status == Signup.Status.WAITING:
        qs = qs.order_by("waiting_since", "id")
    return qs


def signup_of(*, member: Member | None, activity: Activity) -> Signup | None:
    if member is None:
        return None
    return Signup.objects.filter(activity=activity, member=member).first()


def position_at_signup(signup: Signup) -> int:
    """The place on the waiting list when the member signed up: counted by the sign-up's own
    INSERT on the instance `services.signup_create` returns (no second statement in a rush),
    else now."""
    if signup.position_at_signup is not None:
        return signup.position_at_signup
    return waiting_position(signup)


def waiting_position(signup: Signup) -> int:
    """1 for the first on the waiting list, now."""
    if signup.status != Signup.Status.WAITING or signup.waiting_since is None:
        return 0
    # Answered to every waiting sign-up of a rush: in SQL (the ORM's count compiles for ~1 ms),
    # along the index (activity, status, waiting_since, id).
    since = connection.ops.adapt_datetimefield_value(signup.waiting_since)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM service_signup WHERE activity_id = %s AND status = %s"
            " AND (waiting_since < %s OR (waiting_since = %s AND id < %s))",
            [signup.activity_id, Signup.Status.WAITING.value, since, since, signup.pk],
        )
        ahead = cursor.fetchone()[0]
    return int(ahead) + 1


# Attendance, hours and points -----------------------------------------------------------------


def attendance_list(*, activity: Activity) -> QuerySet[Attendance]:
    return Attendance.objects.filter(activity=activity).select_related("member__unit")


@dataclass(frozen=True)
class SheetRow:
    member: Member
    signup: Signup | None
    attendance: Attendance | None


def attendance_sheet(*, activity: Activity) -> list[SheetRow]:
    """Everyone signed up or present, the confirmed first, then by name."""
    signups = {
        s.member_id: s
        for s in signup_list(activity=activity).exclude(status=Signup.Status.CANCELLED)
    }
    records = {a.member_id: a for a in attendance_list(activity=activity)}
    rows = []
    for member_id in set(signups) | set(records):
        s, a = signups.get(member_id), records.get(member_id)
        member = a.member if a is not None else s.member  # type: ignore[union-attr]
        rows.append(SheetRow(member=member, signup=s, attendance=a))
    rows.sort(
        key=lambda r: (
            r.signup is None or r.signup.status != Signup.Status.CONFIRMED,
            r.member.name,
        )
    )
    return rows


def attendance_of(*, member: Member | None, activity: Activity) -> Attendance | None:
    if member is None:
        return None
    return Attendance.objects.filter(activity=activity, member=member).first()


# Service done through another app that counts as service hours (a mobilisation's duty
# shifts, 值守): the app registers a source; this app never imports it. A source answers, for
# one member, the members of one unit or the places under an area path (all when none is
# given), over [lo, hi): how many times (shifts) and how many hours, counted like an
# attendance's (half hours, rounded down, each time).
ServiceSource = Callable[..., tuple[int, Decimal]]
_SOURCES: dict[str, ServiceSource] = {}


def service_source_register(name: str, source: ServiceSource) -> None:
    _SOURCES[name] = source


def other_service(
    *,
    member_id: int | None = None,
    unit_id: int | None = None,
    area_path: str = "",
    lo: dt.datetime | None = None,
    hi: dt.datetime | None = None,
) -> tuple[int, Decimal]:
    """The times and hours of service the registered sources add (none: (0, 0))."""
    times, hours = 0, Decimal("0")
    for source in _SOURCES.values():
        n, h = source(member_id=member_id, unit_id=unit_id, area_path=area_path, lo=lo, hi=hi)
        times, hours = times + n, hours + h
    return times, hours


@dataclass(frozen=True)
class Summary:
    activities: int
    hours: Decimal
    points: Decimal
    duties: int = 0  # of the hours, shifts on duty elsewhere (a mobilisation's roster)
    duty_hours: Decimal = Decimal("0")


def member_summary(*, member: Member, year: int | None = None) -> Summary:
    """The member's activities, hours and points (in `year`): their attendances, and the
    duty shifts they checked out of (hours and points at the attendance's rate)."""
    from gongjian.service.services.attendance import points_for

    qs = Attendance.objects.filter(member=member, activity__status=Activity.Status.PUBLISHED)
    lo = hi = None
    if year is not None:
        qs = qs.filter(activity__starts_at__range=_year_range(year))
        lo, hi = _year_range(year)
    agg = qs.aggregate(n=Count("id"), hours=Sum("hours"), points=Sum("points"))
    duties, duty_hours = other_service(member_id=member.pk, lo=lo, hi=hi)
    return Summary(
        activities=agg["n"] or 0,
        hours=(agg["hours"] or Decimal("0")) + duty_hours,
        points=(agg["points"] or Decimal("0")) + points_for(duty_hours),
        duties=duties,
        duty_hours=duty_hours,
    )


def member_activities(*, member: Member) -> QuerySet[Signup]:
    """The member's sign-ups, newest activity first, with their attendance."""
    return (
        Signup.objects.filter(member=member)
        .select_related("activity__category", "activity__area")
        .order_by("-activity__starts_at", "-id")
    )


def member_attendances(*, member: Member, year: int | None = None) -> QuerySet[Attendance]:
    qs = Attendance.objects.filter(
        member=member, activity__status=Activity.Status.PUBLISHED
    ).select_related("activity__category", "activity__area")
    if year is not None:
        qs = qs.filter(activity__starts_at__range=_year_range(year))
    return qs.order_by("-activity__starts_at")


NOTICE_PREFIX = "service."


def member_attended_ids(*, member: Member) -> set[int]:
    """The activities the member has an attendance at."""
    return set(member_attendances(member=member).values_list("activity_id", flat=True))


def notice_list(*, actor: Any) -> QuerySet[Notice]:
    """The caller's notices of volunteer service, from the one inbox."""
    return org_selectors.my_notices(actor=actor).filter(kind__startswith=NOTICE_PREFIX)


# Statistics ---------------------------------------------------------------------------------

STAT_DIMENSIONS: dict[str, tuple[str, Any]] = {
    "category": ("activity__category__name", gettext_lazy("服务类别")),
    "unit": ("member__unit__name", gettext_lazy("党员所在单位")),
    "community": ("activity__community__name", gettext_lazy("活动所在社区")),
    "team": ("activity__team__name", gettext_lazy("服务队")),
    "month": ("month", gettext_lazy("月份")),
}
# What a row groups by, and the filter of the attendance list that gives that row's records.
STAT_IDS: dict[str, tuple[str, str]] = {
    "category": ("activity__category_id", "category"),
    "unit": ("member__unit_id", "member_unit"),
    "community": ("activity__community_id", "community"),
    "team": ("activity__team_id", "team"),
}


def attendance_scope_q(actor: Any) -> Q:
    if _everything(actor):
        return Q()
    q = scope.scope_q(
        actor,
        area=("activity__area",),
        unit=("activity__unit", "member__unit"),
        member=("member",),
    )
    if getattr(actor, "is_authenticated", False):
        q |= Q(activity__team__captain__user_id=actor.pk)
    return q


def _year_range(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=tz),
        dt.datetime(year + 1, 1, 1, tzinfo=tz) - dt.timedelta(microseconds=1),
    )


def _year_days(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def stats_scope(actor: Any) -> dict[str, int]:
    """The node the statistics of a caller count as the dashboard does: for the posts of one
    unit only, that unit (its members' attendances, wherever they served — not the other
    units' members at the activities it organised); for everyone else the caller's scope."""
    posts = scope.posts_of(actor)
    if posts.superuser or posts.area_paths or len(set(posts.unit_ids)) != 1:
        return {}
    return {"unit": posts.unit_ids[0]}


def _stats_params(actor: Any, year: int | None) -> dict[str, Any]:
    """The attendance list's filters for the statistics of the year (all years: none)."""
    period: dict[str, Any] = {"start": "", "end": ""}
    if year is not None:
        first, last = _year_days(year)
        period = {"start": first.isoformat(), "end": last.isoformat()}
    return {**period, **stats_scope(actor)}


def service_stats(
    *, actor: Any, by: str = "category", year: int | None = None
) -> list[dict[str, Any]]:
    """Person-times (one member at one activity once), hours and activities, grouped by a
    dimension, over the attendance in the caller's scope. Each row names the attendance
    list of its records (`url`): its count is the row's person-times."""
    if by not in STAT_DIMENSIONS:
        by = "category"
    field = STAT_DIMENSIONS[by][0]
    qs = stats_attendances(actor=actor, year=year)
    params = _stats_params(actor, year)
    if by == "month":
        return _stats_by_month(qs, params)
    id_field, param = STAT_IDS[by]
    rows = (
        qs.values(id_field, field)
        .annotate(
            person_times=Count("id"),
            hours=Sum("hours"),
            activities=Count("activity", distinct=True),
        )
        .order_by("-person_times", id_field)
    )
    out = []
    for row in rows:
        key = row[field]
        out.append(
            {
                "key": key if key is not None else _("（未填）"),
                "person_times": row["person_times"],
                "hours": row["hours"] or Decimal("0"),
                "activities": row["activities"],
                "url": records_url(**params, **{param: row[id_field] or 0}),
            }
        )
    return out


def records_url(**params: Any) -> str:
    """The attendance list (参与记录) with these filters."""
    from gongjian.core.figures import list_url

    return list_url("service:records", **params)


def _stats_by_month(qs: QuerySet[Attendance], params: dict[str, Any]) -> list[dict[str, Any]]:
    """By month: grouped by activity in the database (a few thousand rows), then folded into
    local months here — truncating each attendance's date in SQL is slow on SQLite."""
    months: dict[str, dict[str, Any]] = {}
    rows = qs.values("activity_id", "activity__starts_at").annotate(
        person_times=Count("id"), hours=Sum("hours")
    )
    for row in rows.order_by():
        local = timezone.localtime(row["activity__starts_at"])
        key = local.strftime("%Y-%m")
        first = local.date().replace(day=1)
        last = (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
        month = months.setdefault(
            key,
            {
                "key": key,
                "person_times": 0,
                "hours": Decimal("0"),
                "activities": 0,
                "url": records_url(
                    **{**params, "start": first.isoformat(), "end": last.isoformat()}
                ),
            },
        )
        month["person_times"] += row["person_times"]
        month["hours"] += row["hours"] or Decimal("0")
        month["activities"] += 1
    return [months[k] for k in sorted(months)]


def stats_attendances(*, actor: Any, year: int | None = None) -> QuerySet[Attendance]:
    """The attendances the statistics count: in the caller's scope (a unit's posts: their
    unit's members', `stats_scope`), at published activities held (begun) in the year, as
    the dashboard counts them (docs/figures.md)."""
    start, end = _year_days(year) if year is not None else (None, None)
    return attendance_records_list(actor=actor, start=start, end=end, **stats_scope(actor))


def attendance_records_list(
    *,
    actor: Any,
    area: Area | int | str | None = None,
    unit: Unit | int | str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    category: int | None = None,
    community: int | None = None,
    team: int | None = None,
    member_unit: int | None = None,
) -> QuerySet[Attendance]:
    """参与记录: the attendances behind the person-times, people and hours of a figure, in
    the caller's scope — with an `area` or a `unit` (which the caller must see) those the
    dashboard counts for it (`service.figures.attendance_records`), else all in the caller's
    scope (the statistics page's); at activities held from `start` to `end` (all when none
    is given). `category`, `community`, `team`, `member_unit`: one row of the statistics
    page (0: the row of those without one)."""
    from gongjian.service import figures as service_figures

    if start is not None and end is not None and end < start:
        raise invalid("end", _("结束日期不能早于开始日期"))
    where = _figure_scope(actor, area=area, unit=unit)
    lo = service_figures.local_midnight(start or dt.date(2000, 1, 1))
    hi = service_figures.local_midnight((end or timezone.localdate()) + dt.timedelta(days=1))
    qs = service_figures.attendance_records(scope=where, lo=lo, hi=hi).filter(
        attendance_scope_q(actor)
    )
    for value, lookup in (
        (category, "activity__category_id"),
        (community, "activity__community_id"),
        (team, "activity__team_id"),
        (member_unit, "member__unit_id"),
    ):
        if value is None:
            continue
        if value:
            qs = qs.filter(**{lookup: value})
        else:
            qs = qs.filter(**{f"{lookup.removesuffix('_id')}__isnull": True})
    return qs


def records_summary(records: Any) -> dict[str, Any]:
    """The count line of the attendance list: person-times, people, activities, hours and
    of those the confirmed hours."""
    agg = records.order_by().aggregate(
        n=Count("id"),
        people_n=Count("member_id", distinct=True),
        activities_n=Count("activity_id", distinct=True),
        hours_sum=Sum("hours"),
        confirmed_sum=Sum("hours", filter=Q(hours_confirmed=True)),
    )
    return {
        "person_times": agg["n"] or 0,
        "people": agg["people_n"] or 0,
        "activities": agg["activities_n"] or 0,
        "hours": agg["hours_sum"] or Decimal("0"),
        "hours_confirmed": agg["confirmed_sum"] or Decimal("0"),
    }


def activity_figures(*, actor: Any, year: int | None = None) -> dict[str, Any]:
    """The statistics card: the held activities with attendance in the caller's scope, their
    person-times and hours — the totals of the rows below it (by category, community, team
    or month each activity is in one row; by unit an activity attended by two units' members
    is in both) and the count line of their attendance list (`url`)."""
    out = records_summary(stats_attendances(actor=actor, year=year))
    out["url"] = records_url(**_stats_params(actor, year))
    return out


# Teams and categories ------------------------------------------------------------------------


def team_q(actor: Any, *, write: bool = False) -> Q:
    if _everything(actor):
        return Q()
    q = scope.scope_q(actor, area=("area",), unit=("unit",), write=write)
    if getattr(actor, "is_authenticated", False):
        q |= Q(captain__user_id=actor.pk)
        if not write:
            member_id = scope.posts_of(actor).member_id
            if member_id is not None:
                q |= Q(pk__in=TeamMembership.objects.filter(member_id=member_id).values("team_id"))
    return q


def team_list(*, actor: Any, q: str = "", write: bool = False) -> QuerySet[Team]:
    qs = Team.objects.filter(team_q(actor, write=write)).select_related(
        "captain", "area", "unit", "category"
    )
    if q:
        qs = qs.filter(search_q(q, "", raw=("name",)))
    return qs.annotate(member_count=Count("memberships")).order_by("name", "id")


def team_get_for(actor: Any, public_id: str | uuid.UUID, *, write: bool = False) -> Team:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound(_("服务队不存在或无权查看")) from None
    team = team_list(actor=actor, write=write).filter(public_id=key).first()
    if team is None:
        raise NotFound(_("服务队不存在或无权查看"))
    return team


def team_may_manage(actor: Any, team: Team) -> bool:
    return team_list(actor=actor, write=True).filter(pk=team.pk).exists()


def may_found_teams(actor: Any) -> bool:
    """Teams are founded by the posts (an area or a unit administrator)."""
    return scope.posts_of(actor).is_staff_like


def team_members(*, team: Team) -> QuerySet[TeamMembership]:
    return team.memberships.select_related("member__unit").order_by("member__name")


def category_list(*, include_inactive: bool = False) -> QuerySet[ServiceCategory]:
    qs = ServiceCategory.objects.all()
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs


def category_get(pk: int | str, *, lock: bool = False) -> ServiceCategory:
    return one(ServiceCategory.objects.all(), _("服务类别不存在"), lock=lock, pk=pk)


def certificate_by_number(number: str) -> Certificate | None:
    """A certificate by its printed number (public verification: no scope, no personal data
    beyond what the page masks)."""
    return (
        Certificate.objects.filter(number=number.strip().upper()[:32])
        .select_related("member")
        .first()
    )
