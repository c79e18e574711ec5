"""Publishing and cancelling activities: by the posts over the place, the organising unit's
administrators, or the team's captain."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import Conflict, NotFound
from gongjian.core.validation import clean_choice, clean_int, clean_text, invalid, object_id
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, Unit
from gongjian.service import calendar, selectors
from gongjian.service.models import (
    QUOTA_MAX,
    QUOTA_MIN,
    Activity,
    Audience,
    Series,
    ServiceCategory,
    Signup,
    Team,
)
from gongjian.service.services import notices

MAX_OCCURRENCES = 60


def _place(area: Area | int | str) -> Area:
    """Any place of the public directory: a unit's or a team's activity may take place in any
    community; whether the caller may organise it there is `_organiser`'s to say."""
    key = area.pk if isinstance(area, Area) else object_id(area, message=_("区域不存在"))
    found = org_selectors.area_directory().filter(pk=key).first()
    if found is None:
        raise NotFound(_("区域不存在"))
    return found


def _organiser(
    actor: Any, *, area: Area, unit: Unit | int | None, team: Team | uuid.UUID | str | None
) -> tuple[Unit | None, Team | None]:
    """The caller may publish here: the place is in their area, or they administer the
    organising unit, or they captain (or administer) the team."""
    allowed = False
    found_team = found_unit = None
    if team:
        key = team.public_id if isinstance(team, Team) else team
        try:
            found_team = selectors.team_get_for(actor, key, write=True)
            allowed = True
        except NotFound:
            raise invalid("team", _("您不是该服务队的队长或管理员")) from None
    if unit:
        try:
            found_unit = org_selectors.unit_get_for(
                actor, unit.pk if isinstance(unit, Unit) else unit, write=True
            )
            allowed = True
        except NotFound:
            raise invalid("unit", _("您不是该单位的管理员")) from None
    if not allowed:
        try:
            org_selectors.area_get_for(actor, area.pk, write=True)
        except NotFound:
            raise invalid("area", _("活动地点不在您的管理范围内")) from None
    return found_unit, found_team


def _community_of(area: Area) -> Area | None:
    if area.kind == Area.Kind.COMMUNITY:
        return area
    if area.kind == Area.Kind.GRID:
        return area.parent
    return None


def _times(**moments: dt.datetime | None) -> None:
    for name, value in moments.items():
        if not isinstance(value, dt.datetime) or timezone.is_naive(value):
            raise invalid(name, _("时间格式不正确"))


def _activity_check(
    *,
    title: str,
    address: str,
    description: str,
    area: Area,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    quota: Any,
    signup_opens_at: dt.datetime,
    signup_closes_at: dt.datetime,
    audience: str,
    unit: Unit | None,
    team: Team | None,
    category: ServiceCategory,
) -> dict[str, Any]:
    _times(
        starts_at=starts_at,
        ends_at=ends_at,
        signup_opens_at=signup_opens_at,
        signup_closes_at=signup_closes_at,
    )
    if ends_at <= starts_at:
        raise invalid("ends_at", _("结束时间应晚于开始时间"))
    if ends_at - starts_at > dt.timedelta(hours=24):
        raise invalid("ends_at", _("一次活动不能超过24小时"))
    if signup_closes_at <= signup_opens_at:
        raise invalid("signup_closes_at", _("报名截止时间应晚于报名开始时间"))
    if signup_closes_at > ends_at:
        raise invalid("signup_closes_at", _("报名截止时间不能晚于活动结束时间"))
    if (
        isinstance(quota, bool)
        or not isinstance(quota, int)
        or not (QUOTA_MIN <= quota <= QUOTA_MAX)
    ):
        raise invalid(
            "quota",
            _("名额应为%(lo)d至%(hi)d之间的整数") % {"lo": QUOTA_MIN, "hi": QUOTA_MAX},
        )
    audience = clean_choice("audience", audience, _("报名范围"), Audience.choices)
    if audience == Audience.TEAM and team is None:
        raise invalid("team", _("仅限服务队队员报名时，请选择服务队"))
    if audience == Audience.UNIT and unit is None:
        raise invalid("unit", _("仅限本单位党员报名时，请选择组织单位"))
    community = _community_of(area)
    if audience == Audience.RESIDENTS and community is None:
        raise invalid("area", _("面向报到党员的活动，地点应为社区或网格"))
    if not category.is_active:
        raise invalid("category", _("该服务类别已停用"))
    return {
        "title": clean_text("title", title, _("标题"), 100),
        "address": clean_text("address", address, _("详细地址"), 200),
        "description": clean_text(
            "description", description, _("内容"), 5000, required=False, multiline=True
        ),
        "community": community,
        "audience": audience,
    }


def _starts(
    actor: Any, *, starts_at: dt.datetime, repeat: str, occurrences: Any
) -> tuple[list[dt.datetime], Series | None]:
    """The starts of the occurrences: one, or a series laid out over working days."""
    if not repeat:
        return [starts_at], None
    repeat = clean_choice("repeat", repeat, _("重复方式"), Series.Frequency.choices)
    count = clean_int("occurrences", occurrences, _("重复次数"), minimum=2, maximum=MAX_OCCURRENCES)
    assert count is not None  # noqa: S101 - required above
    local = timezone.localtime(starts_at)
    layout = calendar.weekly if repeat == Series.Frequency.WEEKLY else calendar.monthly
    days = layout(local.date(), count)
    tz = timezone.get_current_timezone()
    starts = [dt.datetime.combine(d, local.timetz().replace(tzinfo=None), tz) for d in days]
    series = Series.objects.create(
        frequency=repeat, first_date=days[0], occurrences=len(days), created_by=actor
    )
    return starts, series


@transaction.atomic
def activity_publish(
    *,
    actor: Any,
    title: str,
    category: ServiceCategory | int,
    area: Area | int,
    address: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    quota: int,
    signup_opens_at: dt.datetime | None = None,
    signup_closes_at: dt.datetime | None = None,
    audience: str = Audience.OPEN,
    unit: Unit | int | None = None,
    team: Team | uuid.UUID | str | None = None,
    description: str = "",
    repeat: str = "",
    occurrences: int | None = 1,
) -> list[Activity]:
    """Publish an activity, or with `repeat` ("weekly"/"monthly") a series laid out over
    working days (see gongjian.service.calendar). Each occurrence keeps the first one's times
    of day and its sign-up window relative to its start. The category, place, unit and team
    may be given as objects or by id (the team by its public id)."""
    place = _place(area)
    found_unit, found_team = _organiser(actor, area=place, unit=unit, team=team)
    kind = selectors.category_get(
        category.pk if isinstance(category, ServiceCategory) else category
    )
    now = timezone.now()
    signup_opens_at = signup_opens_at or now
    signup_closes_at = signup_closes_at or starts_at
    checked = _activity_check(
        title=title,
        address=address,
        description=description,
        area=place,
        starts_at=starts_at,
        ends_at=ends_at,
        quota=quota,
        signup_opens_at=signup_opens_at,
        signup_closes_at=signup_closes_at,
        audience=audience,
        unit=found_unit,
        team=found_team,
        category=kind,
    )
    if ends_at <= now:
        raise invalid("ends_at", _("不能发布已经结束的活动"))
    if timezone.localtime(starts_at).date() < timezone.localdate(now).replace(day=1):
        # An activity counts in the month it began: an ended month's figures are final.
        raise invalid("starts_at", _("开始时间所在的月份已结束，不能发布到已结束的月份"))
    starts, series = _starts(actor, starts_at=starts_at, repeat=repeat, occurrences=occurrences)
    activities = []
    for start in starts:
        shift = start - starts_at
        activities.append(
            Activity(
                category=kind,
                area=place,
                starts_at=start,
                ends_at=ends_at + shift,
                quota=quota,
                signup_opens_at=signup_opens_at + shift if shift else signup_opens_at,
                signup_closes_at=signup_closes_at + shift,
                unit=found_unit,
                team=found_team,
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
def activity_cancel(*, actor: Any, activity: Activity | uuid.UUID | str, reason: str) -> Activity:
    """Cancel, with a notice to everyone signed up or waiting. The activity is read through
    the caller's organiser scope and locked in the same query."""
    locked = selectors.activity_get_for(actor, activity, write=True, lock=True)
    reason = clean_text("reason", reason, _("取消原因"), 200)
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
    notices.cancelled_send(activity=locked, member_ids=member_ids, reason=reason)
    audit_record(
        action="update",
        obj=locked,
        changes={
            **diff(before, snapshot(locked, ["status", "cancelled_reason"])),
            "notified": len(member_ids),
        },
    )
    return locked
