"""A year of work in the cast's district, on fixed dates around TODAY (2026-06-15), with the
edges that break naive sums: an activity at 00:30 on New Year's Day (still the last day of the
old year in UTC), one at 23:30 on New Year's Eve, a cancelled one, one at a grid, one at a
street, a member at several activities, a report confirmed after TODAY."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from gongjian.cobuild.models import Agreement, Campaign, Demand, Match, MatchRun, Project, Resource
from gongjian.orgs.models import Area, Member, Unit
from gongjian.reporting.models import MemberReport, OrgReport
from gongjian.service.models import Activity, Attendance, Outcome, ServiceCategory
from gongjian.testing.cast import Cast

TODAY = dt.date(2026, 6, 15)

CATEGORIES = (
    ("red", "暖心红", "#c8102e"),
    ("blue", "平安蓝", "#1f5fbf"),
    ("white", "天使白", "#9aa5b1"),
    ("green", "生态绿", "#2e8b57"),
    ("silver", "阳光银", "#8c8c8c"),
)


def categories() -> dict[str, ServiceCategory]:
    out = {}
    for order, (code, name, colour) in enumerate(CATEGORIES):
        out[code], _ = ServiceCategory.objects.get_or_create(
            code=code, defaults={"name": name, "colour": colour, "order": order}
        )
    return out


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(hour, minute)), timezone.get_current_timezone()
    )


@dataclass
class World:
    cast: Cast
    activities: dict[str, Activity]


def activity(
    title: str,
    area: Area,
    cat: ServiceCategory,
    starts: dt.datetime,
    *,
    attendees: list[tuple[Member, str]] = (),  # type: ignore[assignment]
    households: int | None = None,
    unit: Unit | None = None,
    status: str = Activity.Status.PUBLISHED,
) -> Activity:
    community = area if area.kind == "community" else area.parent if area.kind == "grid" else None
    a = Activity.objects.create(
        title=title,
        category=cat,
        area=area,
        community=community,
        address=title,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        quota=10,
        signup_opens_at=starts - dt.timedelta(days=5),
        signup_closes_at=starts - dt.timedelta(hours=1),
        unit=unit,
        status=status,
    )
    for member, hours in attendees:
        Attendance.objects.create(
            activity=a,
            member=member,
            method=Attendance.Method.MANUAL,
            hours=Decimal(hours),
            hours_confirmed=member.name != "王静",  # her hours were never confirmed
        )
    if households is not None:
        Outcome.objects.create(activity=a, households_visited=households, people_served=5)
    return a


def build_world(c: Cast) -> World:
    cats = categories()
    me, colleague, justice = c.member_record, c.tax_colleague, c.justice_member
    xg_res, ch_res = c.xingguang_resident, c.chenhui_resident
    acts = {
        "feb": activity(
            "二月入户走访",
            c.chenhui,
            cats["red"],
            at(dt.date(2026, 2, 10)),
            attendees=[(me, "2"), (ch_res, "2"), (colleague, "1.5")],
            households=30,
        ),
        "jun_grid": activity(
            "六月网格巡查",
            c.chenhui_grid1,
            cats["blue"],
            at(dt.date(2026, 6, 5)),
            attendees=[(me, "3"), (justice, "2.5")],
            households=12,
        ),
        "mar_xg": activity(
            "三月义诊",
            c.xingguang,
            cats["white"],
            at(dt.date(2026, 3, 20)),
            attendees=[(justice, "4"), (xg_res, "4"), (me, "1")],
            unit=c.justice,
        ),
        "apr_street": activity(
            "四月街道宣讲",
            c.qinghe,
            cats["green"],
            at(dt.date(2026, 4, 2)),
            attendees=[(colleague, "2")],
            households=7,
        ),
        "may_cancelled": activity(
            "五月取消活动",
            c.chenhui,
            cats["green"],
            at(dt.date(2026, 5, 1)),
            attendees=[(me, "2")],
            status=Activity.Status.CANCELLED,
        ),
        "new_year_eve": activity(
            "跨年守岁",
            c.chenhui,
            cats["silver"],
            at(dt.date(2025, 12, 31), 23, 30),
            attendees=[(me, "1")],
        ),
        "new_year_day": activity(
            "元旦慰问",
            c.chenhui,
            cats["silver"],
            at(dt.date(2026, 1, 1), 0, 30),
            attendees=[(me, "1"), (ch_res, "1")],
            households=4,
        ),
        "jun_xg": activity(
            "六月助老",
            c.xingguang,
            cats["silver"],
            at(dt.date(2026, 6, 12)),
            attendees=[(colleague, "2"), (xg_res, "2")],
            unit=c.tax,
        ),
    }
    # 双报到: the member reported to 晨辉 in January; the colleague is waiting; the justice
    # member's report is confirmed only after TODAY.
    MemberReport.objects.create(
        member=me,
        community=c.chenhui,
        grid=c.chenhui_grid1,
        status="confirmed",
        submitted_at=at(dt.date(2026, 1, 3)),
        decided_at=at(dt.date(2026, 1, 5)),
        confirmed_at=at(dt.date(2026, 1, 5)),
    )
    MemberReport.objects.create(
        member=colleague, community=c.xingguang, submitted_at=at(dt.date(2026, 6, 1))
    )
    MemberReport.objects.create(
        member=justice,
        community=c.xingguang,
        status="confirmed",
        submitted_at=at(dt.date(2026, 6, 20)),
        decided_at=at(dt.date(2026, 7, 1)),
        confirmed_at=at(dt.date(2026, 7, 1)),
    )
    OrgReport.objects.create(
        party_org=c.tax_committee,
        community=c.chenhui,
        status="confirmed",
        submitted_at=at(dt.date(2026, 1, 2)),
        decided_at=at(dt.date(2026, 1, 4)),
    )
    # 直联共建
    campaign = Campaign.objects.create(
        name="2026年度直联共建（驾驶舱测试）",
        year=2026,
        district=c.district,
        status="signing",
        published_at=at(dt.date(2026, 1, 10)),
    )
    r_tax = Resource.objects.create(campaign=campaign, unit=c.tax, title="税法讲堂")
    Resource.objects.create(campaign=campaign, unit=c.tax, title='=HYPERLINK("http://x")')
    Resource.objects.create(campaign=campaign, unit=c.justice, title="法律援助")
    d_ch = Demand.objects.create(campaign=campaign, community=c.chenhui, title="四点半课堂")
    Demand.objects.create(campaign=campaign, community=c.chenhui, title="老旧小区加装电梯")
    Demand.objects.create(campaign=campaign, community=c.xingguang, title="法律咨询")
    run = MatchRun.objects.create(campaign=campaign)
    match = Match.objects.create(
        run=run,
        campaign=campaign,
        demand=d_ch,
        resource=r_tax,
        score=0.8,
        status="confirmed",
        confirmed_at=at(dt.date(2026, 3, 1)),
    )
    agreement = Agreement.objects.create(
        match=match,
        project_name="四点半课堂共建",
        unit_signed_at=at(dt.date(2026, 3, 5)),
        community_signed_at=at(dt.date(2026, 3, 6)),
    )
    Project.objects.create(
        agreement=agreement,
        campaign=campaign,
        name="四点半课堂共建",
        status="finished",
        finished_at=at(dt.date(2026, 5, 20)),
    )
    return World(cast=c, activities=acts)
