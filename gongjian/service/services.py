"""Every write of the service app: validated, scoped, atomic, audited.

The quota, one sign-up and one attendance per member are kept by the database (ADR 0004):
a place is taken by one conditional UPDATE of `Activity.confirmed_count` (with a CHECK that it
never passes the quota); sign-ups and attendance are unique per (activity, member). Every
transaction that locks an activity and its sign-ups locks the activity first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.audit import (
    audit_append,
    audit_insert_select,
    audit_record,
    diff,
    snapshot,
)
from gongjian.core.errors import (
    ApplicationError,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from gongjian.core.files import check_image
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, Member, Role, Unit
from gongjian.service import calendar, selectors, tokens
from gongjian.service.models import (
    Activity,
    Attendance,
    Audience,
    Outcome,
    OutcomePhoto,
    Series,
    ServiceCategory,
    ServiceNotice,
    Signup,
    Team,
    TeamMembership,
)

CHECKIN_OPENS_BEFORE = dt.timedelta(hours=1)
CHECKOUT_CLOSES_AFTER = dt.timedelta(hours=2)
MAX_OCCURRENCES = 60
MAX_PHOTOS = 9
MAX_PHOTO_BYTES = 5 * 1024 * 1024


class SignupRefused(ApplicationError):
    code = "signup_refused"
    status = 409


class CheckinRefused(ApplicationError):
    code = "checkin_refused"
    status = 400


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _text(field: str, value: str, label: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise _invalid(field, _("%(label)s不能为空") % {"label": label})
    if len(value) > max_length:
        raise _invalid(field, _("%(label)s不能超过%(n)d个字") % {"label": label, "n": max_length})
    return value


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _member_required(actor: Any) -> Member:
    member = selectors.member_of(actor)
    if member is None:
        raise PermissionDenied(_("您的账号未关联党员档案，不能报名或签到"), code="no_member")
    return member


def _is_district_admin(actor: Any) -> bool:
    posts = scope.posts_of(actor)
    return posts.superuser or Role.DISTRICT_ADMIN in posts.roles


# Points -------------------------------------------------------------------------------------
# Hours are counted in half hours, rounded down; one point per hour of service.

POINTS_PER_HOUR = Decimal("1")


def hours_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    seconds = max(0.0, (end - start).total_seconds())
    halves = math.floor(seconds / 1800)
    return min(Decimal(halves) / 2, Decimal(24))


def points_for(hours: Decimal) -> Decimal:
    return (hours * POINTS_PER_HOUR).quantize(Decimal("0.1"))


def served_hours(activity: Activity, checked_in_at: dt.datetime, out: dt.datetime) -> Decimal:
    """From check-in to check-out, within the activity's own hours."""
    return hours_between(max(checked_in_at, activity.starts_at), min(out, activity.ends_at))


# Categories ---------------------------------------------------------------------------------

SEED_CATEGORIES = [
    ("red", "暖心红", "#c8102e", "党员服务：政策宣讲、帮办代办、结对帮扶"),
    ("blue", "平安蓝", "#1f5fbf", "法律与平安：法律咨询、普法宣传、治安巡逻"),
    ("white", "天使白", "#8c9aa8", "医疗健康：义诊、健康讲座、急救培训"),
    ("green", "生态绿", "#2e8b57", "生态环境：环境整治、垃圾分类、植绿护绿"),
    ("silver", "阳光银", "#a7a9ac", "关爱老人：助老服务、入户探访、陪伴关怀"),
]


def categories_seed() -> list[ServiceCategory]:
    """The five colour-branded categories (also seeded by migration 0002)."""
    return [
        ServiceCategory.objects.get_or_create(
            code=code,
            defaults={"name": name, "colour": colour, "description": text, "order": order},
        )[0]
        for order, (code, name, colour, text) in enumerate(SEED_CATEGORIES, start=1)
    ]


@transaction.atomic
def category_save(
    *,
    actor: Any,
    name: str,
    colour: str,
    code: str = "",
    description: str = "",
    order: int = 0,
    is_active: bool = True,
    category: ServiceCategory | None = None,
) -> ServiceCategory:
    if not _is_district_admin(actor):
        raise PermissionDenied(_("只有区级管理员可以配置服务类别"))
    name = _text("name", name, _("名称"), 30)
    colour = (colour or "").strip()
    if len(colour) != 7 or not colour.startswith("#"):
        raise _invalid("colour", _("颜色应为#加六位十六进制数，如 #c8102e"))
    try:
        int(colour[1:], 16)
    except ValueError:
        raise _invalid("colour", _("颜色应为#加六位十六进制数，如 #c8102e")) from None
    before = snapshot(category) if category is not None else {}
    if category is None:
        code = _text("code", code, _("编码"), 32)
        if ServiceCategory.objects.filter(code=code).exists():
            raise _invalid("code", _("编码%(code)s已存在") % {"code": code})
        category = ServiceCategory(code=code)
    if ServiceCategory.objects.filter(name=name).exclude(pk=category.pk).exists():
        raise _invalid("name", _("名称“%(name)s”已存在") % {"name": name})
    category.name = name
    category.colour = colour.lower()
    category.description = _text("description", description, _("说明"), 200, required=False)
    category.order = max(0, int(order))
    category.is_active = is_active
    category.save()
    audit_record(
        action="update" if before else "create",
        obj=category,
        changes=diff(before, snapshot(category)),
    )
    return category


# Teams --------------------------------------------------------------------------------------


@transaction.atomic
def team_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    captain: Member,
    area: Area | None = None,
    unit: Unit | None = None,
    category: ServiceCategory | None = None,
    description: str = "",
) -> Team:
    name = _text("name", name, _("队名"), 60)
    if kind not in Team.Kind.values:
        raise _invalid("kind", _("类型应为常设或临时"))
    if area is None and unit is None:
        raise _invalid("area", _("请选择服务队所属的区域或单位"))
    if area is not None:
        org_selectors.area_get_for(actor, area.pk, write=True)
    if unit is not None:
        org_selectors.unit_get_for(actor, unit.pk, write=True)
    try:
        org_selectors.member_get_for(actor, captain.public_id)
    except NotFound:
        raise _invalid("captain", _("队长不在您的管理范围内")) from None
    team = Team(
        name=name,
        kind=kind,
        captain=captain,
        area=area,
        unit=unit,
        category=category,
        description=_text("description", description, _("简介"), 300, required=False),
    )
    team.save()
    TeamMembership.objects.create(team=team, member=captain)
    audit_record(action="create", obj=team, changes=diff({}, snapshot(team)))
    return team


@transaction.atomic
def team_member_add(*, actor: Any, team: Team, member: Member) -> TeamMembership:
    team = selectors.team_get_for(actor, team.public_id, write=True)
    try:
        org_selectors.member_get_for(actor, member.public_id)
    except NotFound:
        raise _invalid("member", _("该党员不在您的管理范围内")) from None
    try:
        with transaction.atomic():
            membership = TeamMembership.objects.create(team=team, member=member)
    except IntegrityError:
        raise Conflict(
            _("%(name)s已是本队队员") % {"name": member.name}, code="already_member"
        ) from None
    audit_record(action="create", obj=membership, changes={"team": team.pk, "member": member.pk})
    return membership


@transaction.atomic
def team_member_remove(*, actor: Any, team: Team, member: Member) -> None:
    team = selectors.team_get_for(actor, team.public_id, write=True)
    if member.pk == team.captain_id:
        raise _invalid("member", _("不能移除队长"))
    deleted, _rows = TeamMembership.objects.filter(team=team, member=member).delete()
    if deleted:
        audit_record(
            action="delete",
            object_type="service.teammembership",
            object_id=f"{team.pk}:{member.pk}",
            object_repr=f"{team} · {member}",
        )


# Publishing ---------------------------------------------------------------------------------


def _organiser_check(
    actor: Any, *, area: Area, unit: Unit | None, team: Team | None
) -> tuple[Unit | None, Team | None]:
    """The caller may publish here: the place is in their area, or they administer the
    organising unit, or they captain (or administer) the team."""
    allowed = False
    if team is not None:
        try:
            team = selectors.team_get_for(actor, team.public_id, write=True)
            allowed = True
        except NotFound:
            raise _invalid("team", _("您不是该服务队的队长或管理员")) from None
    if unit is not None:
        try:
            org_selectors.unit_get_for(actor, unit.pk, write=True)
            allowed = True
        except NotFound:
            raise _invalid("unit", _("您不是该单位的管理员")) from None
    if not allowed:
        try:
            org_selectors.area_get_for(actor, area.pk, write=True)
        except NotFound:
            raise _invalid("area", _("活动地点不在您的管理范围内")) from None
    return unit, team


def _community_of(area: Area) -> Area | None:
    if area.kind == Area.Kind.COMMUNITY:
        return area
    if area.kind == Area.Kind.GRID:
        return area.parent
    return None


def _activity_check(
    *,
    title: str,
    address: str,
    description: str,
    area: Area,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    quota: int,
    signup_opens_at: dt.datetime,
    signup_closes_at: dt.datetime,
    audience: str,
    unit: Unit | None,
    team: Team | None,
    category: ServiceCategory,
) -> dict[str, Any]:
    for name, value in (
        ("starts_at", starts_at),
        ("ends_at", ends_at),
        ("signup_opens_at", signup_opens_at),
        ("signup_closes_at", signup_closes_at),
    ):
        if value is None or timezone.is_naive(value):
            raise _invalid(name, _("时间格式不正确"))
    if ends_at <= starts_at:
        raise _invalid("ends_at", _("结束时间应晚于开始时间"))
    if ends_at - starts_at > dt.timedelta(hours=24):
        raise _invalid("ends_at", _("一次活动不能超过24小时"))
    if signup_closes_at <= signup_opens_at:
        raise _invalid("signup_closes_at", _("报名截止时间应晚于报名开始时间"))
    if signup_closes_at > ends_at:
        raise _invalid("signup_closes_at", _("报名截止时间不能晚于活动结束时间"))
    if quota is None or quota < 1 or quota > 100000:
        raise _invalid("quota", _("名额应为1至100000之间的整数"))
    if audience not in Audience.values:
        raise _invalid("audience", _("报名范围不正确"))
    if audience == Audience.TEAM and team is None:
        raise _invalid("team", _("仅限服务队队员报名时，请选择服务队"))
    if audience == Audience.UNIT and unit is None:
        raise _invalid("unit", _("仅限本单位党员报名时，请选择组织单位"))
    community = _community_of(area)
    if audience == Audience.RESIDENTS and community is None:
        raise _invalid("area", _("面向报到党员的活动，地点应为社区或网格"))
    if not category.is_active:
        raise _invalid("category", _("该服务类别已停用"))
    return {
        "title": _text("title", title, _("标题"), 100),
        "address": _text("address", address, _("详细地址"), 200),
        "description": _text("description", description, _("内容"), 5000, required=False),
        "community": community,
    }


@transaction.atomic
def activity_publish(
    *,
    actor: Any,
    title: str,
    category: ServiceCategory,
    area: Area,
    address: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    quota: int,
    signup_opens_at: dt.datetime | None = None,
    signup_closes_at: dt.datetime | None = None,
    audience: str = Audience.OPEN,
    unit: Unit | None = None,
    team: Team | None = None,
    description: str = "",
    repeat: str = "",
    occurrences: int = 1,
) -> list[Activity]:
    """Publish an activity, or with `repeat` ("weekly"/"monthly") a series laid out over
    working days (see gongjian.service.calendar). Each occurrence keeps the first one's times
    of day and its sign-up window relative to its start."""
    unit, team = _organiser_check(actor, area=area, unit=unit, team=team)
    now = timezone.now()
    signup_opens_at = signup_opens_at or now
    signup_closes_at = signup_closes_at or starts_at
    checked = _activity_check(
        title=title,
        address=address,
        description=description,
        area=area,
        starts_at=starts_at,
        ends_at=ends_at,
        quota=quota,
        signup_opens_at=signup_opens_at,
        signup_closes_at=signup_closes_at,
        audience=audience,
        unit=unit,
        team=team,
        category=category,
    )
    if ends_at <= now:
        raise _invalid("ends_at", _("不能发布已经结束的活动"))
    series = None
    starts = [starts_at]
    if repeat:
        if repeat not in Series.Frequency.values:
            raise _invalid("repeat", _("重复方式应为每周或每月"))
        if not 2 <= occurrences <= MAX_OCCURRENCES:
            raise _invalid("occurrences", _("重复次数应为2至%(n)d之间") % {"n": MAX_OCCURRENCES})
        local = timezone.localtime(starts_at)
        layout = calendar.weekly if repeat == Series.Frequency.WEEKLY else calendar.monthly
        days = layout(local.date(), occurrences)
        tz = timezone.get_current_timezone()
        starts = [dt.datetime.combine(d, local.timetz().replace(tzinfo=None), tz) for d in days]
        series = Series.objects.create(
            frequency=repeat, first_date=days[0], occurrences=len(days), created_by=actor
        )
    activities = []
    for start in starts:
        shift = start - starts_at
        activities.append(
            Activity(
                category=category,
                area=area,
                starts_at=start,
                ends_at=ends_at + shift,
                quota=quota,
                signup_opens_at=signup_opens_at + shift if shift else signup_opens_at,
                signup_closes_at=signup_closes_at + shift,
                audience=audience,
                unit=unit,
                team=team,
                series=series,
                created_by=actor,
                **checked,
            )
        )
    for activity in activities:
        activity.save()
        audit_record(action="create", obj=activity, changes=diff({}, snapshot(activity)))
    return activities


@transaction.atomic
def activity_cancel(*, actor: Any, activity: Activity, reason: str) -> Activity:
    """Cancel, with a notice to everyone signed up or waiting."""
    selectors.activity_get_for(actor, activity.public_id, write=True)
    reason = _text("reason", reason, _("取消原因"), 200)
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.status == Activity.Status.CANCELLED:
        raise Conflict(_("活动已取消"), code="already_cancelled")
    if locked.ends_at <= timezone.now():
        raise Conflict(_("活动已结束，不能取消"), code="finished")
    before = snapshot(locked, ["status", "cancelled_reason"])
    locked.status = Activity.Status.CANCELLED
    locked.cancelled_reason = reason
    locked.save(update_fields=["status", "cancelled_reason", "updated_at"])
    member_ids = list(
        Signup.objects.filter(
            activity=locked, status__in=[Signup.Status.CONFIRMED, Signup.Status.WAITING]
        ).values_list("member_id", flat=True)
    )
    text = _("您报名的活动“%(title)s”（%(when)s）已取消：%(reason)s") % {
        "title": locked.title,
        "when": _local(locked.starts_at),
        "reason": reason,
    }
    ServiceNotice.objects.bulk_create(
        [
            ServiceNotice(
                member_id=m, activity=locked, kind=ServiceNotice.Kind.CANCELLED, text=text[:300]
            )
            for m in member_ids
        ]
    )
    audit_record(
        action="update",
        obj=locked,
        changes={
            **diff(before, snapshot(locked, ["status", "cancelled_reason"])),
            "notified": len(member_ids),
        },
    )
    return locked


# Sign-up ------------------------------------------------------------------------------------


def _signup_refusal(member: Member, activity: Activity, now: dt.datetime) -> str | None:
    if activity.status == Activity.Status.CANCELLED:
        return _("活动已取消，不能报名")
    if activity.ends_at <= now:
        return _("活动已结束，不能报名")
    if now < activity.signup_opens_at:
        return _("报名尚未开始，%(when)s开始报名") % {"when": _local(activity.signup_opens_at)}
    if now > activity.signup_closes_at:
        return _("报名已于%(when)s截止") % {"when": _local(activity.signup_closes_at)}
    if not selectors.activity_is_open_to(member, activity):
        return {
            Audience.RESIDENTS: _("本活动仅限向%(c)s报到的党员报名"),
            Audience.UNIT: _("本活动仅限%(u)s的党员报名"),
            Audience.TEAM: _("本活动仅限%(t)s的队员报名"),
        }.get(Audience(activity.audience), _("您不在本活动的报名范围内")) % {
            "c": activity.community.name if activity.community else "",
            "u": activity.unit.name if activity.unit else "",
            "t": activity.team.name if activity.team else "",
        }
    return None


def signup_create(*, actor: Any, activity: Activity | uuid.UUID | str) -> Signup:
    """Take a place if one is left, else join the waiting list. One conditional UPDATE takes
    the place; the unique (activity, member) keeps one sign-up per member.

    The hot path of a rush: the caller's member record, the activity and the caller's earlier
    sign-up are read in one statement; then, on PostgreSQL, the place, the sign-up and its
    audit entry are written by one more (`_signup_write_at_once`), elsewhere by one UPDATE,
    one INSERT and the audit entry in a transaction. Either way the writes stand or fall
    together, and the rules that matter under concurrency (the quota, the activity still
    published, one sign-up per member) are checked by the writes themselves."""
    public_id = activity.public_id if isinstance(activity, Activity) else activity
    target = selectors.signup_target(actor=actor, public_id=public_id)
    member, found = target.member, target.activity
    if member is None:
        raise PermissionDenied(_("您的账号未关联党员档案，不能报名或签到"), code="no_member")
    if found is None:
        raise NotFound(_("活动不存在"))
    now = timezone.now()
    refusal = _signup_refusal(member, found, now)
    if refusal:
        raise SignupRefused(refusal)
    earlier_id, earlier_status = target.earlier_id, target.earlier_status
    if earlier_id is not None and earlier_status != Signup.Status.CANCELLED:
        earlier = Signup.objects.get(pk=earlier_id)
        raise Conflict(_signup_state_text(earlier), code="already_signed_up")
    if earlier_id is None and connection.vendor == "postgresql":
        return _signup_write_at_once(member=member, activity=found, now=now)
    with transaction.atomic():
        return _signup_write(member=member, activity=found, now=now, earlier_id=earlier_id)


def _signup_write(
    *, member: Member, activity: Activity, now: dt.datetime, earlier_id: int | None
) -> Signup:
    """The writes of `signup_create`, statement by statement (in its transaction)."""
    # The place (ADR 0004), in SQL: the ORM's `filter(confirmed_count__lt=F("quota"))
    # .update(...)` costs ~1 ms of Python to compile on every sign-up of a rush.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE service_activity SET confirmed_count = confirmed_count + 1"
            " WHERE id = %s AND status = %s AND confirmed_count < quota",
            [activity.pk, Activity.Status.PUBLISHED.value],
        )
        took = cursor.rowcount == 1
    if (
        not took
        and not Activity.objects.filter(pk=activity.pk, status=Activity.Status.PUBLISHED).exists()
    ):
        raise SignupRefused(_("活动已取消，不能报名"))
    status = Signup.Status.CONFIRMED if took else Signup.Status.WAITING
    waiting_since = None if took else now
    if earlier_id is not None:
        changed = Signup.objects.filter(pk=earlier_id, status=Signup.Status.CANCELLED).update(
            status=status, waiting_since=waiting_since, cancelled_at=None, updated_at=now
        )
        if not changed:
            # Someone signed this member up a moment ago; the place taken above is given back
            # by the rollback this error causes.
            raise Conflict(_("您已报名该活动"), code="already_signed_up")
        signup = Signup(
            pk=earlier_id,
            activity=activity,
            member=member,
            status=status,
            waiting_since=waiting_since,
        )
    else:
        # No savepoint: a duplicate (a second request of the same member a moment ago) ends
        # this transaction with the error, which rolls back the place taken above.
        try:
            signup_id, ahead = _signup_insert(
                activity_id=activity.pk,
                member_id=member.pk,
                status=status,
                now=now,
                waiting=not took,
            )
        except IntegrityError:
            raise Conflict(_("您已报名该活动"), code="already_signed_up") from None
        signup = Signup(
            pk=signup_id,
            activity=activity,
            member=member,
            status=status,
            waiting_since=waiting_since,
            created_at=now,
            updated_at=now,
        )
        signup.position_at_signup = None if ahead is None else ahead + 1
    audit_append(
        action="create",
        obj=signup,
        object_repr=f"{member.name} → {activity.title}",
        changes={"status": [None, status]},
    )
    return signup


def _signup_write_at_once(*, member: Member, activity: Activity, now: dt.datetime) -> Signup:
    """The writes of a first sign-up in one statement (PostgreSQL): the place if one is left,
    the sign-up (confirmed or waiting), its audit entry, and the count of those waiting ahead.
    In autocommit it is its own transaction (no BEGIN and COMMIT round trips in a rush); a
    duplicate sign-up fails the whole statement, so a place taken is never kept."""
    at = connection.ops.adapt_datetimefield_value(now)
    published = Activity.Status.PUBLISHED.value
    audit_sql, audit_params = audit_insert_select(
        action="create",
        object_type=Signup._meta.label_lower,
        object_repr=f"{member.name} → {activity.title}",
        object_id_sql="new.id::text",
        changes_sql="jsonb_build_object('status', jsonb_build_array(NULL, new.status))",
        source="new",
    )
    sql = f"""
WITH took AS (
    UPDATE service_activity SET confirmed_count = confirmed_count + 1
    WHERE id = %s AND status = %s AND confirmed_count < quota
    RETURNING id
), new AS (
    INSERT INTO service_signup (created_at, updated_at, activity_id, member_id, status,
                                waiting_since, promoted_at, cancelled_at, reminded_at)
    SELECT %s, %s, a.id, %s,
           CASE WHEN EXISTS (SELECT 1 FROM took) THEN %s ELSE %s END,
           CASE WHEN EXISTS (SELECT 1 FROM took) THEN NULL ELSE %s::timestamptz END,
           NULL, NULL, NULL
    FROM service_activity a WHERE a.id = %s AND a.status = %s
    RETURNING id, status
), logged AS ({audit_sql})
SELECT new.id, new.status,
       CASE WHEN new.status = %s THEN
           (SELECT COUNT(*) FROM service_signup w
            WHERE w.activity_id = %s AND w.status = %s AND w.waiting_since <= %s)
       END
FROM new
"""  # noqa: S608 - constant text, values as parameters
    confirmed, waiting = Signup.Status.CONFIRMED.value, Signup.Status.WAITING.value
    params = [
        *(activity.pk, published),
        *(at, at, member.pk, confirmed, waiting, at, activity.pk, published),
        *audit_params,
        *(waiting, activity.pk, waiting, at),
    ]
    nested = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    try:
        with nested, connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    except IntegrityError:
        # Signed up a moment ago by a second request of the same member.
        raise Conflict(_("您已报名该活动"), code="already_signed_up") from None
    if row is None:
        raise SignupRefused(_("活动已取消，不能报名"))
    signup_id, status, ahead = row
    signup = Signup(
        pk=signup_id,
        activity=activity,
        member=member,
        status=status,
        waiting_since=None if status == confirmed else now,
        created_at=now,
        updated_at=now,
    )
    signup.position_at_signup = None if ahead is None else int(ahead) + 1
    return signup


def _signup_insert(
    *, activity_id: int, member_id: int, status: str, now: dt.datetime, waiting: bool
) -> tuple[int, int | None]:
    """`Signup.objects.create(...)` of the hot path as one plain INSERT (the model's save costs
    ~1 ms of Python); returns the new id and, for a place on the waiting list, how many wait
    ahead of it (counted by the same statement, not by one more round trip)."""
    at = connection.ops.adapt_datetimefield_value(now)
    sql = (
        "INSERT INTO service_signup (created_at, updated_at, activity_id, member_id, status,"
        " waiting_since, promoted_at, cancelled_at, reminded_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, NULL, NULL, NULL)"
    )
    params = [at, at, activity_id, member_id, str(status), at if waiting else None]
    with connection.cursor() as cursor:
        if not connection.features.can_return_columns_from_insert:
            cursor.execute(sql, params)
            return int(cursor.lastrowid), None
        if not waiting:
            cursor.execute(sql + " RETURNING id", params)
            return int(cursor.fetchone()[0]), None
        # Those ahead on the waiting list, other than the new row (which PostgreSQL's
        # subquery does not see and SQLite's does): waiting since no later than now.
        cursor.execute(
            sql  # noqa: S608 - constant text, values as parameters
            + " RETURNING id, (SELECT COUNT(*) FROM service_signup w"
            " WHERE w.activity_id = %s AND w.status = %s AND w.waiting_since <= %s"
            " AND w.id <> service_signup.id)",
            [*params, activity_id, Signup.Status.WAITING.value, at],
        )
        signup_id, ahead = cursor.fetchone()
        return int(signup_id), int(ahead)


def _signup_state_text(signup: Signup) -> str:
    if signup.status == Signup.Status.WAITING:
        return _("您已在候补名单中，当前第%(n)d位") % {"n": selectors.waiting_position(signup)}
    return _("您已报名该活动")


@transaction.atomic
def signup_cancel(*, actor: Any, activity: Activity) -> Signup:
    """Cancel the caller's sign-up. Before the sign-up deadline the first on the waiting list
    takes the freed place, in this same transaction."""
    member = _member_required(actor)
    now = timezone.now()
    # Lock order: the activity, then its sign-ups.
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    signup = (
        Signup.objects.select_for_update()
        .filter(activity=locked, member=member)
        .exclude(status=Signup.Status.CANCELLED)
        .first()
    )
    if signup is None:
        raise NotFound(_("您没有报名该活动"), code="not_signed_up")
    if locked.starts_at <= now:
        raise SignupRefused(_("活动已开始，不能取消报名；如不能参加请联系组织者"))
    was = signup.status
    signup.status = Signup.Status.CANCELLED
    signup.cancelled_at = now
    signup.save(update_fields=["status", "cancelled_at", "updated_at"])
    promoted = None
    if was == Signup.Status.CONFIRMED:
        if locked.status == Activity.Status.PUBLISHED and now <= locked.signup_closes_at:
            promoted = (
                Signup.objects.select_for_update()
                .filter(activity=locked, status=Signup.Status.WAITING)
                .order_by("waiting_since", "id")
                .first()
            )
        if promoted is not None:
            promoted.status = Signup.Status.CONFIRMED
            promoted.promoted_at = now
            promoted.save(update_fields=["status", "promoted_at", "updated_at"])
            ServiceNotice.objects.create(
                member_id=promoted.member_id,
                activity=locked,
                kind=ServiceNotice.Kind.PROMOTED,
                text=(
                    _("有人取消报名，您已从候补转为正式报名：“%(title)s”，%(when)s，%(place)s")
                    % {
                        "title": locked.title,
                        "when": _local(locked.starts_at),
                        "place": locked.address,
                    }
                )[:300],
            )
        else:
            Activity.objects.filter(pk=locked.pk, confirmed_count__gt=0).update(
                confirmed_count=F("confirmed_count") - 1
            )
    audit_record(
        action="update",
        obj=signup,
        object_repr=f"{member.name} → {locked.title}",
        changes={
            "status": [was, Signup.Status.CANCELLED],
            "promoted": promoted.member_id if promoted else None,
        },
    )
    return signup


# Check-in and check-out ------------------------------------------------------------------------


def checkin_token(*, actor: Any, activity: Activity, kind: str) -> str:
    """The code the organiser's screen shows now."""
    activity = selectors.activity_get_for(actor, activity.public_id, write=True)
    if kind not in tokens.KINDS:
        raise _invalid("kind", _("应为签到或签退"))
    return tokens.make(activity.public_id, kind)


def read_scan(token: str) -> tokens.Scan:
    try:
        return tokens.read(token)
    except tokens.ExpiredToken:
        raise CheckinRefused(
            _("二维码已过期，请扫描现场屏幕上的最新二维码"), code="expired_code"
        ) from None
    except tokens.BadToken:
        raise CheckinRefused(_("二维码无效，请扫描组织者出示的二维码"), code="bad_code") from None


@transaction.atomic
def attendance_scan(*, actor: Any, scan: tokens.Scan) -> tuple[Attendance, str, bool]:
    """Check the caller in or out with a code already read (see `read_scan`). Returns the
    attendance, a message for the person, and whether anything changed: scanning twice, or
    out before in, changes nothing and says so."""
    member = _member_required(actor)
    activity = (
        Activity.objects.select_related("category")
        .filter(public_id=scan.activity_public_id)
        .first()
    )
    if activity is None:
        raise CheckinRefused(_("二维码无效，请扫描组织者出示的二维码"), code="bad_code")
    now = timezone.now()
    if activity.status == Activity.Status.CANCELLED:
        raise CheckinRefused(_("活动已取消"), code="cancelled")
    signup = Signup.objects.filter(
        activity=activity, member=member, status=Signup.Status.CONFIRMED
    ).exists()
    if not signup:
        raise CheckinRefused(
            _("您没有本活动的报名名额，如需参加请联系组织者登记"), code="not_signed_up"
        )
    if scan.kind == "in":
        if now < activity.starts_at - CHECKIN_OPENS_BEFORE:
            raise CheckinRefused(_("签到尚未开始，活动开始前1小时起可签到"), code="too_early")
        if now > activity.ends_at:
            raise CheckinRefused(_("活动已结束，不能签到"), code="too_late")
        attendance, created = _check_in(activity=activity, member=member, at=now)
        if created:
            return attendance, _("签到成功：%(title)s") % {"title": activity.title}, True
        return (
            attendance,
            _("您已于%(when)s签到，无需重复扫码")
            % {"when": _local(attendance.checked_in_at or now)},
            False,
        )
    # Check-out.
    if now < activity.starts_at:
        raise CheckinRefused(_("活动尚未开始，不能签退"), code="too_early")
    if now > activity.ends_at + CHECKOUT_CLOSES_AFTER:
        raise CheckinRefused(_("签退时间已过，请联系组织者确认时长"), code="too_late")
    found = Attendance.objects.filter(activity=activity, member=member).first()
    if found is None or found.checked_in_at is None:
        raise CheckinRefused(_("您还没有签到，请先扫签到码"), code="not_checked_in")
    attendance = found
    hours = served_hours(activity, found.checked_in_at, now)
    changed = Attendance.objects.filter(
        pk=attendance.pk, checked_out_at__isnull=True, hours_confirmed=False
    ).update(checked_out_at=now, hours=hours, points=points_for(hours), updated_at=now)
    attendance.refresh_from_db()
    if not changed:
        return (
            attendance,
            _("您已于%(when)s签退，无需重复扫码")
            % {"when": _local(attendance.checked_out_at or now)},
            False,
        )
    audit_record(
        action="update",
        obj=attendance,
        object_repr=f"{member.name} @ {activity.title}",
        changes={"checked_out_at": [None, now.isoformat()], "hours": [None, str(hours)]},
    )
    return (
        attendance,
        _("签退成功，本次服务%(h)s小时") % {"h": _hours_text(attendance.hours)},
        True,
    )


def _hours_text(hours: Decimal) -> str:
    return f"{hours.normalize():f}"


def _check_in(
    *, activity: Activity, member: Member, at: dt.datetime, method: str = Attendance.Method.QR
) -> tuple[Attendance, bool]:
    """One INSERT guarded by the unique (activity, member): the first of any number of
    simultaneous check-ins creates the attendance; the rest find it."""
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                activity=activity, member=member, checked_in_at=at, method=method
            )
    except IntegrityError:
        return Attendance.objects.get(activity=activity, member=member), False
    audit_record(
        action="create",
        obj=attendance,
        object_repr=f"{member.name} @ {activity.title}",
        changes={"checked_in_at": [None, at.isoformat()], "method": [None, method]},
    )
    return attendance, True


@transaction.atomic
def attendance_mark(
    *,
    actor: Any,
    activity: Activity,
    member: Member,
    present: bool = True,
    checked_in_at: dt.datetime | None = None,
    checked_out_at: dt.datetime | None = None,
    hours: Decimal | None = None,
) -> Attendance | None:
    """The organiser marks attendance by hand (a member without a phone, or after the fact),
    or confirms the hours; `present=False` removes a mistaken record. Audited."""
    activity = selectors.activity_get_for(actor, activity.public_id, write=True)
    if activity.status == Activity.Status.CANCELLED:
        raise Conflict(_("活动已取消"), code="cancelled")
    if timezone.now() < activity.starts_at - CHECKIN_OPENS_BEFORE:
        raise _invalid("member", _("活动尚未开始，不能登记签到"))
    if not Signup.objects.filter(activity=activity, member=member).exists():
        try:
            org_selectors.member_get_for(actor, member.public_id)
        except NotFound:
            raise _invalid("member", _("该党员未报名本活动，且不在您的管理范围内")) from None
    existing = Attendance.objects.select_for_update().filter(activity=activity, member=member)
    attendance = existing.first()
    if not present:
        if attendance is None:
            raise NotFound(_("该党员没有签到记录"))
        before = snapshot(attendance)
        attendance.delete()
        audit_record(
            action="delete",
            object_type="service.attendance",
            object_id=str(before["id"]),
            object_repr=f"{member.name} @ {activity.title}",
            changes=diff(before, {}),
        )
        return None
    checked_in_at = checked_in_at or (attendance.checked_in_at if attendance else None)
    checked_in_at = checked_in_at or activity.starts_at
    if checked_out_at is not None and checked_out_at < checked_in_at:
        raise _invalid("checked_out_at", _("签退时间不能早于签到时间"))
    if hours is not None:
        if hours < 0 or hours > 24:
            raise _invalid("hours", _("服务时长应在0至24小时之间"))
        hours = (Decimal(hours) * 2).to_integral_value(rounding="ROUND_FLOOR") / 2
        confirmed = True
    else:
        out = checked_out_at or (attendance.checked_out_at if attendance else None)
        out = out or activity.ends_at
        hours = served_hours(activity, checked_in_at, out)
        confirmed = True
    before = snapshot(attendance) if attendance else {}
    if attendance is None:
        attendance, _created = _check_in(
            activity=activity, member=member, at=checked_in_at, method=Attendance.Method.MANUAL
        )
        before = snapshot(attendance)
    attendance.checked_in_at = checked_in_at
    attendance.checked_out_at = checked_out_at or attendance.checked_out_at
    attendance.hours = hours
    attendance.points = points_for(hours)
    attendance.hours_confirmed = confirmed
    attendance.method = Attendance.Method.MANUAL
    attendance.save()
    audit_record(
        action="update",
        obj=attendance,
        object_repr=f"{member.name} @ {activity.title}",
        changes=diff(before, snapshot(attendance)),
    )
    return attendance


# Outcomes -----------------------------------------------------------------------------------


@transaction.atomic
def outcome_record(
    *,
    actor: Any,
    activity: Activity,
    households_visited: int = 0,
    people_served: int = 0,
    leaflets: int = 0,
    summary: str = "",
    photos: Sequence[tuple[str, bytes]] = (),
) -> Outcome:
    activity = selectors.activity_get_for(actor, activity.public_id, write=True)
    if activity.status == Activity.Status.CANCELLED:
        raise Conflict(_("活动已取消，不能登记成效"), code="cancelled")
    if activity.starts_at > timezone.now():
        raise _invalid("summary", _("活动开始后才能登记成效"))
    numbers = {
        "households_visited": (households_visited, _("入户数")),
        "people_served": (people_served, _("服务群众人数")),
        "leaflets": (leaflets, _("发放资料份数")),
    }
    for field, (value, label) in numbers.items():
        if value is None or value < 0 or value > 10_000_000:
            raise _invalid(field, _("%(label)s应为不小于0的整数") % {"label": label})
    summary = _text("summary", summary, _("活动小结"), 5000, required=False)
    checked = [
        (name, data, check_image(data, name=name, max_bytes=MAX_PHOTO_BYTES).kind)
        for name, data in photos
    ]
    outcome = Outcome.objects.select_for_update().filter(activity=activity).first()
    before = snapshot(outcome) if outcome else {}
    if outcome is None:
        outcome = Outcome(activity=activity)
    outcome.households_visited = households_visited
    outcome.people_served = people_served
    outcome.leaflets = leaflets
    outcome.summary = summary
    outcome.recorded_by = actor
    outcome.save()
    if checked and outcome.photos.count() + len(checked) > MAX_PHOTOS:
        raise _invalid("photos", _("每次活动最多%(n)d张照片") % {"n": MAX_PHOTOS})
    for _name, data, ext in checked:
        photo = OutcomePhoto(outcome=outcome)
        photo.image.save(f"photo.{ext}", ContentFile(data), save=True)
    changes = diff(before, snapshot(outcome))
    if checked:
        changes["photos_added"] = len(checked)
    audit_record(action="update" if before else "create", obj=outcome, changes=changes)
    return outcome


# Reminders ----------------------------------------------------------------------------------


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """A notice to everyone confirmed for an activity that starts tomorrow (local date).
    Idempotent: each sign-up is reminded once, claimed by a conditional UPDATE."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(tomorrow, dt.time.min, tz)
    end = start + dt.timedelta(days=1)
    sent = 0
    due = (
        Signup.objects.filter(
            status=Signup.Status.CONFIRMED,
            reminded_at__isnull=True,
            activity__status=Activity.Status.PUBLISHED,
            activity__starts_at__gte=start,
            activity__starts_at__lt=end,
        )
        .select_related("activity")
        .order_by("id")
    )
    for signup in due.iterator(chunk_size=500):
        with transaction.atomic():
            claimed = Signup.objects.filter(pk=signup.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue
            activity = signup.activity
            ServiceNotice.objects.get_or_create(
                member_id=signup.member_id,
                activity=activity,
                kind=ServiceNotice.Kind.REMINDER,
                defaults={
                    "text": (
                        _("明天%(when)s有您报名的活动“%(title)s”，地点：%(place)s")
                        % {
                            "when": timezone.localtime(activity.starts_at).strftime("%H:%M"),
                            "title": activity.title,
                            "place": activity.address,
                        }
                    )[:300]
                },
            )
            sent += 1
    return sent


@transaction.atomic
def notices_mark_read(*, actor: Any) -> int:
    member = selectors.member_of(actor)
    if member is None:
        return 0
    return ServiceNotice.objects.filter(member=member, read_at__isnull=True).update(
        read_at=timezone.now()
    )
