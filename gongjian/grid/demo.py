"""Demo data of grid work on top of the orgs demo: 晨辉社区's seven grids with about 2,100
households (a share of them 独居老人, 困难家庭, 空巢), their grid leaders (the demo's 区税务局
members) and 区税务局 members sent down to each grid, a year of household visits (the last
grid behind, so the chase list has a name in it) with needs, hazards and disputes found, some
resolved and two passed on as inspection findings; a few households in other communities'
first grids. Deterministic from the seed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gongjian.core import crypto, synthetic
from gongjian.core.audit import audit_record
from gongjian.grid import services
from gongjian.grid.models import Assignment, Household, Issue, Visit
from gongjian.orgs.models import Member

HOUSEHOLDS_PER_GRID = 300
ISSUES = {
    "need": (
        "老人行动不便，希望提供助餐服务",
        "家中水管老化，需要帮助联系维修",
        "希望办理居家养老服务",
    ),
    "hazard": ("楼道堆放杂物，堵塞消防通道", "电动车在楼道内充电", "燃气软管老化"),
    "dispute": ("楼上漏水引发邻里纠纷", "公共区域占用引发矛盾", "宠物噪音扰民"),
}


def build(ctx: Any) -> None:
    rng = ctx.rng_for("grid")
    today: dt.date = ctx.today
    chenhui = ctx.community_named("晨辉社区")
    grids = sorted(
        (g for g in ctx.grids.values() if g.parent_id == chenhui.pk), key=lambda g: g.code
    )
    others = sorted(
        (g for g in ctx.grids.values() if g.parent_id != chenhui.pk and g.code.endswith("01")),
        key=lambda g: g.code,
    )[:5]
    seq = 500_000
    households: list[Household] = []

    def household(grid: Any, **place: str) -> Household:
        nonlocal seq
        seq += 1
        phone = synthetic.phone(seq) if rng.random() < 0.8 else ""
        elderly = rng.random() < 0.08
        return Household(
            grid=grid,
            head_name=synthetic.name(rng),
            head_phone=phone,
            head_phone_hash=crypto.blind_index(phone) if phone else "",
            size=1 if elderly else rng.randint(1, 5),
            elderly_alone=elderly,
            hardship=rng.random() < 0.04,
            empty_nest=not elderly and rng.random() < 0.1,
            **place,
        )

    for grid in grids:
        for k in range(HOUSEHOLDS_PER_GRID):
            building, rest = divmod(k, 30)
            entrance, room = divmod(rest, 10)
            households.append(
                household(
                    grid,
                    building=str(building + 1),
                    entrance=str(entrance + 1),
                    room=f"{room // 2 + 1}0{room % 2 + 1}",
                )
            )
    for grid in others:
        for k in range(40):
            households.append(
                household(grid, address=f"{grid.parent.name}{k // 10 + 1}组{k + 1}号")
            )
    Household.objects.bulk_create(households, batch_size=1000)

    # Grid leaders (the demo's leaders have member records) and members sent down
    leaders = list(
        Member.objects.filter(user__username__startswith="grid")
        .select_related("user")
        .order_by("pk")
    )
    by_user = {m.user.username: m for m in leaders if m.user}
    tax = ctx.unit_named("区税务局")
    tax_members = list(
        Member.objects.filter(unit=tax, user__isnull=True).order_by("pk")[: len(grids) * 2]
    )
    started = today - dt.timedelta(days=400)
    assignments = []
    visitors: dict[int, list[Member]] = {}
    for k, grid in enumerate(grids, start=1):
        leader = by_user.get("grid" if k == 1 else f"grid{k}")
        team = [m for m in (leader,) if m is not None]
        if leader is not None:
            assignments.append(
                Assignment(grid=grid, member=leader, role=Assignment.Role.LEADER, starts_on=started)
            )
        for m in tax_members[(k - 1) * 2 : k * 2]:
            assignments.append(
                Assignment(
                    grid=grid,
                    member=m,
                    role=Assignment.Role.SENT_DOWN,
                    unit=tax,
                    starts_on=started,
                    ends_on=today + dt.timedelta(days=365),
                )
            )
            team.append(m)
        visitors[grid.pk] = team
    Assignment.objects.bulk_create(assignments)

    # A year of visits: most households once or more, 独居老人 monthly, the last grid behind
    visits: list[Visit] = []
    for h in households:
        team = visitors.get(h.grid_id) or leaders[:1]
        behind = bool(grids) and h.grid_id == grids[-1].pk
        share = 0.35 if behind else 0.9
        days: list[int] = []
        if rng.random() < share:
            days.append(rng.randrange(1, 360))
        if h.elderly_alone and not behind:
            days.extend(m * 30 + rng.randrange(0, 25) for m in range(3))
        for d in days:
            visits.append(
                Visit(
                    household=h,
                    grid_id=h.grid_id,
                    visitor=rng.choice(team) if team else None,
                    visited_on=today - dt.timedelta(days=d),
                    met=rng.choice(("户主本人", "户主及家属", "家中老人", "租户")),
                    notes=rng.choice(
                        (
                            "宣传政策，了解家庭生活情况",
                            "了解老人身体状况和生活需求",
                            "发放安全宣传资料，检查用电用气",
                            "征求对社区工作的意见建议",
                        )
                    ),
                )
            )
    Visit.objects.bulk_create(visits, batch_size=2000)
    issues = []
    for v in visits:
        if rng.random() < 0.05:
            kind = rng.choice(sorted(ISSUES))
            resolved = rng.random() < 0.5
            issues.append(
                Issue(
                    visit=v,
                    kind=kind,
                    description=rng.choice(ISSUES[kind]),
                    status=Issue.Status.RESOLVED if resolved else Issue.Status.OPEN,
                )
            )
    Issue.objects.bulk_create(issues, batch_size=2000)
    # Two hazards passed on to the district's inspection as findings (when the inspection
    # demo has made one)
    from gongjian.inspection import selectors as inspection_selectors

    district_user = ctx.users.get("district")
    inspection = (
        inspection_selectors.inspections_for_finding(actor=district_user).order_by("id").first()
        if district_user
        else None
    )
    passed = 0
    if inspection is not None:
        for issue in Issue.objects.filter(kind="hazard", status="open").order_by("id")[:2]:
            services.issue_pass(
                actor=district_user,
                issue_id=issue.public_id,
                to="finding",
                target_id=inspection.public_id,
            )
            passed += 1
    audit_record(
        action="import",
        object_type="grid.demo",
        object_repr="网格演示数据",
        changes={
            "households": len(households),
            "assignments": len(assignments),
            "visits": len(visits),
            "issues": len(issues),
            "passed": passed,
        },
        actor_label="gongjian demo",
    )
    ctx.log(f"网格：住户{len(households)}户，走访{len(visits)}次，问题{len(issues)}个")
