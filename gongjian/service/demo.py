"""Demo data of volunteer service on top of the orgs demo: a year of activities in the demo
district (about 2,000, across all five categories), their sign-ups, check-ins with hours and
points (over 10,000 person-times), outcomes, service teams, and a month of activities ahead
open for sign-up. Everything in bulk; deterministic for a given seed.

Shapes follow the reports the platform replaces: most activities in communities, organised
by the community or by a paired unit; more in spring and autumn, fewer around the Spring
Festival; weekday evenings and weekend mornings; a few cancelled."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from gongjian.orgs.models import Member, Notice
from gongjian.service import calendar
from gongjian.service.models import (
    Activity,
    Attendance,
    Audience,
    Outcome,
    ServiceCategory,
    Signup,
    Team,
    TeamMembership,
)
from gongjian.service.services import categories_seed, points_for, served_hours
from gongjian.service.services.notices import CANCELLED

ACTIVITIES = 2000
FUTURE_DAYS = 30
BATCH = 2000
# Category weights and typical titles.
TITLES: dict[str, list[str]] = {
    "red": ["政策宣讲进社区", "党员帮办代办", "结对帮扶走访", "主题党日志愿服务", "文明实践宣传"],
    "blue": ["法律咨询进社区", "反诈宣传", "平安巡逻", "消防安全检查", "普法讲座"],
    "white": ["义诊进社区", "健康知识讲座", "急救技能培训", "免费测血压血糖"],
    "green": ["环境卫生整治", "垃圾分类宣传", "植树护绿", "河道清洁", "楼道清理"],
    "silver": ["关爱独居老人", "助老入户探访", "老年人智能手机教学", "为老人理发", "敬老院慰问"],
}
WEIGHTS = {"red": 30, "blue": 18, "white": 12, "green": 24, "silver": 16}
# Activity per month, relative (January–December): spring and autumn busy, Spring Festival low.
PLACES = ["党群服务中心", "文化广场", "活动室", "小区门口"]
SEASON = [0.7, 0.5, 1.2, 1.2, 1.1, 1.0, 0.8, 0.8, 1.1, 1.2, 1.1, 1.0]


def _uuid(rng: Any) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _db(value: dt.datetime) -> Any:
    """A datetime as the database takes it in a raw insert: SQLite keeps naive UTC text."""
    if connection.vendor == "sqlite":
        return str(value.astimezone(dt.UTC).replace(tzinfo=None))
    return value


def _insert(
    model: type[models.Model], fields: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Tens of thousands of rows in one `executemany` of ready values: `bulk_create` spends
    most of its time building model instances and compiling each field of each row, which
    the demo's load time can't afford."""
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        for i in range(0, len(rows), BATCH):
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
                rows[i : i + BATCH],
            )


def build(ctx: Any) -> None:
    rng = ctx.rng_for("service")
    tz = timezone.get_current_timezone()
    today: dt.date = ctx.today
    categories = {c.code: c for c in ServiceCategory.objects.all()} or {
        c.code: c for c in categories_seed()
    }
    codes = [c for c in WEIGHTS if c in categories]

    communities = sorted(ctx.communities.values(), key=lambda a: a.code)
    grids_of: dict[int, list[Any]] = defaultdict(list)
    for g in sorted(ctx.grids.values(), key=lambda a: a.code):
        grids_of[g.parent_id].append(g)
    units = sorted(ctx.units.values(), key=lambda u: u.code)
    chenhui = ctx.community_named("晨辉社区")

    members = list(
        Member.objects.filter(is_active=True)
        .order_by("pk")
        .only("pk", "unit_id", "home_community_id", "user_id")
    )
    by_community: dict[int, list[int]] = defaultdict(list)
    by_unit: dict[int, list[int]] = defaultdict(list)
    for m in members:
        if m.home_community_id:
            by_community[m.home_community_id].append(m.pk)
        if m.unit_id:
            by_unit[m.unit_id].append(m.pk)
    demo_member = next((m for m in members if m.user_id == ctx.users["member"].pk), None)

    # Teams: one vanguard team per street, a standing team for the first twelve units, and
    # 晨辉社区's own, captained by the demo member.
    teams: list[Team] = []
    team_members: dict[int, list[int]] = {}
    for street in sorted(ctx.streets.values(), key=lambda a: a.code):
        pool = [p for c in communities if c.parent_id == street.pk for p in by_community[c.pk]]
        if pool:
            teams.append(
                Team(
                    public_id=_uuid(rng),
                    name=f"{street.name}党员先锋队",
                    kind=Team.Kind.TEMPORARY,
                    captain_id=rng.choice(pool),
                    area=street,
                    category=categories.get("red"),
                )
            )
    for owner in units[:12]:
        if by_unit[owner.pk]:
            code = rng.choice(codes)
            teams.append(
                Team(
                    public_id=_uuid(rng),
                    name=f"{owner.short_name or owner.name}{categories[code].name}志愿服务队",
                    kind=Team.Kind.STANDING,
                    captain_id=rng.choice(by_unit[owner.pk]),
                    unit=owner,
                    category=categories[code],
                )
            )
    if demo_member is not None:
        teams.append(
            Team(
                public_id=_uuid(rng),
                name="晨辉社区先锋队",
                kind=Team.Kind.STANDING,
                captain_id=demo_member.pk,
                area=chenhui,
                category=categories.get("green"),
            )
        )
    Team.objects.bulk_create(teams)
    memberships: list[TeamMembership] = []
    for made in teams:
        if made.unit_id:
            pool = by_unit[made.unit_id]
        elif made.area_id == chenhui.pk:
            pool = by_community[chenhui.pk]
        else:
            pool = [
                p for c in communities if c.parent_id == made.area_id for p in by_community[c.pk]
            ]
        crew = set(rng.sample(pool, min(len(pool), rng.randint(12, 30))))
        crew.add(made.captain_id)
        team_members[made.pk] = sorted(crew)
        memberships += [TeamMembership(team=made, member_id=p) for p in sorted(crew)]
    TeamMembership.objects.bulk_create(memberships, batch_size=BATCH)

    # Days: a year back and a month ahead, weighted by season; working-day evenings and
    # weekend mornings.
    first = today - dt.timedelta(days=365)
    days = [first + dt.timedelta(days=i) for i in range(365 + FUTURE_DAYS)]
    day_weights = [SEASON[d.month - 1] * (0.3 if calendar.is_holiday(d) else 1.0) for d in days]
    now = timezone.now()
    activities: list[Activity] = []
    demo_joined = 0
    plans: list[tuple[Activity, list[int]]] = []  # activity, the members who take a place
    for _ in range(ACTIVITIES):
        day = rng.choices(days, weights=day_weights)[0]
        code = rng.choices(codes, weights=[WEIGHTS[c] for c in codes])[0]
        community = chenhui if rng.random() < 0.08 else rng.choice(communities)
        place = (
            rng.choice(grids_of[community.pk])
            if grids_of[community.pk] and rng.random() < 0.3
            else community
        )
        kind = rng.random()
        unit: Any = None
        team: Team | None = None
        audience = Audience.OPEN
        if kind < 0.45:
            audience = Audience.RESIDENTS
            pool = by_community[community.pk]
        elif kind < 0.8:
            unit = rng.choice(units)
            audience = Audience.UNIT if rng.random() < 0.5 else Audience.OPEN
            pool = by_unit[unit.pk] + (by_community[community.pk] if audience == "open" else [])
        elif teams and kind < 0.92:
            team = rng.choice(teams)
            audience = Audience.TEAM
            pool = team_members.get(team.pk, [])
        else:
            pool = by_community[community.pk] + rng.choice(list(by_unit.values()) or [[]])
        if calendar.is_workday(day):
            hour = rng.choice([9, 14, 18, 19])
        else:
            hour = rng.choice([8, 9, 9, 10, 14])
        starts = dt.datetime.combine(day, dt.time(hour, rng.choice([0, 0, 30])), tz)
        ends = starts + dt.timedelta(minutes=rng.choice([90, 120, 120, 150, 180, 240]))
        quota = rng.choice([6, 8, 10, 10, 12, 15, 20, 25, 30])
        cancelled = rng.random() < 0.02
        title = rng.choice(TITLES[code])
        activity = Activity(
            public_id=_uuid(rng),
            title=f"{place.name}{title}" if rng.random() < 0.5 else title,
            category=categories[code],
            description=f"{title}，欢迎党员同志报名参加。",
            area=place,
            community=community,
            address=community.name + rng.choice(PLACES),
            starts_at=starts,
            ends_at=ends,
            quota=quota,
            signup_opens_at=starts - dt.timedelta(days=rng.choice([3, 5, 7, 10])),
            signup_closes_at=starts - dt.timedelta(hours=rng.choice([0, 2, 12])),
            audience=audience,
            unit=unit,
            team=team,
            status=Activity.Status.CANCELLED if cancelled else Activity.Status.PUBLISHED,
            cancelled_reason="天气原因，活动取消" if cancelled else "",
            created_by=ctx.users.get("community") if unit is None else ctx.users.get("unit"),
        )
        # How many take a place: most activities fill 50–100 % of what their pool allows.
        pool = sorted(set(pool))
        take = min(quota, len(pool), max(1, int(quota * rng.uniform(0.5, 1.0))))
        activities.append(activity)
        chosen = rng.sample(pool, take) if take and pool else []
        # The demo member's own: a dozen or so activities in 晨辉社区.
        if (
            demo_member is not None
            and activity.community_id == chenhui.pk
            and demo_member.pk not in chosen
            and demo_joined < 14
            and activity.audience in (Audience.OPEN, Audience.RESIDENTS)
        ):
            if len(chosen) >= activity.quota and chosen:
                chosen.pop()
            chosen.append(demo_member.pk)
            demo_joined += 1
        activity.confirmed_count = len(chosen)
        plans.append((activity, chosen))
    Activity.objects.bulk_create(activities, batch_size=BATCH)

    stamp = _db(timezone.now())
    signups: list[tuple[Any, ...]] = []
    attendances: list[tuple[Any, ...]] = []
    outcomes: list[Outcome] = []
    notices: list[Notice] = []
    for activity, chosen in plans:
        past = activity.ends_at <= now
        reminded = _db(activity.starts_at - dt.timedelta(hours=20)) if past else None
        for pk in chosen:
            signups.append((activity.pk, pk, Signup.Status.CONFIRMED, reminded, stamp, stamp))
        if activity.status == Activity.Status.CANCELLED:
            for pk in chosen:
                notices.append(
                    Notice(
                        member_id=pk,
                        kind=CANCELLED,
                        title="活动取消",
                        body=f"您报名的活动“{activity.title}”已取消：{activity.cancelled_reason}",
                        link=reverse("service:activity_detail", args=[activity.public_id]),
                        read_at=activity.starts_at,
                    )
                )
            continue
        if not past:
            continue
        for pk in chosen:
            if rng.random() > 0.88 and pk != (demo_member.pk if demo_member else None):
                continue  # did not come
            came = activity.starts_at + dt.timedelta(minutes=rng.randint(-20, 15))
            manual = rng.random() < 0.08
            left = None if manual else activity.ends_at + dt.timedelta(minutes=rng.randint(-25, 20))
            hours = served_hours(activity, came, left or activity.ends_at)
            attendances.append(
                (
                    activity.pk,
                    pk,
                    _db(came),
                    _db(left) if left else None,
                    Attendance.Method.MANUAL if manual else Attendance.Method.QR,
                    hours,
                    manual,
                    points_for(hours),
                    stamp,
                    stamp,
                )
            )
        if rng.random() < 0.7:
            served = rng.randint(10, 120)
            outcomes.append(
                Outcome(
                    activity=activity,
                    households_visited=rng.randint(5, 60)
                    if activity.category.code in ("silver", "red")
                    else 0,
                    people_served=served,
                    leaflets=rng.randint(0, 4) * 50,
                    summary=f"{activity.title}顺利开展，服务群众{served}人次。",
                    recorded_by=activity.created_by,
                )
            )
    _insert(
        Signup,
        ("activity_id", "member_id", "status", "reminded_at", "created_at", "updated_at"),
        signups,
    )
    _insert(
        Attendance,
        (
            "activity_id",
            "member_id",
            "checked_in_at",
            "checked_out_at",
            "method",
            "hours",
            "hours_confirmed",
            "points",
            "created_at",
            "updated_at",
        ),
        attendances,
    )
    Outcome.objects.bulk_create(outcomes, batch_size=BATCH)
    Notice.objects.bulk_create(notices, batch_size=BATCH)
    hours = sum((a[5] for a in attendances), Decimal("0"))
    ctx.counts.update(
        {
            "service_teams": len(teams),
            "service_activities": len(activities),
            "service_signups": len(signups),
            "service_person_times": len(attendances),
            "service_hours": float(hours),
        }
    )
    ctx.log(
        f"志愿服务：服务队{len(teams)}支，活动{len(activities)}场，报名{len(signups)}人次，"
        f"签到{len(attendances)}人次，服务时长{hours}小时"
    )
