"""Demo data of 双报到 on top of the orgs demo: most units near 100% confirmed, a few lagging,
reports waiting for 晨辉社区 and others, a few rejected, a few members who moved house, and
unit party organisations paired with communities. Everything in bulk."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gongjian.orgs.models import Member
from gongjian.reporting.models import MemberReport, OrgReport

LAGGARDS = 3  # units well below the others
REJECT_REASONS = (
    "经核实不在本社区居住，请重新选择居住社区",
    "所选网格有误，请重新报到并选择正确的网格",
)


def build(ctx: Any) -> None:
    rng = ctx.rng_for("reporting")
    tz = timezone.get_current_timezone()
    today: dt.date = ctx.today

    def moment(days_ago: int, hour: int = 10) -> dt.datetime:
        day = today - dt.timedelta(days=days_ago)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.randrange(60))), tz)

    units = sorted(ctx.units.values(), key=lambda u: u.code)
    laggards = {u.pk for u in rng.sample(units, min(LAGGARDS, len(units)))}
    protected_units = {m.unit_id for m in Member.objects.filter(user__isnull=False)}
    laggards -= protected_units
    share = {
        u.pk: (rng.uniform(0.55, 0.75) if u.pk in laggards else rng.uniform(0.96, 1.0))
        for u in units
    }
    communities = sorted(ctx.communities.values(), key=lambda a: a.code)
    grids_of: dict[int, list[Any]] = {}
    for g in sorted(ctx.grids.values(), key=lambda a: a.code):
        grids_of.setdefault(g.parent_id, []).append(g)
    chenhui = next((c for c in communities if c.name == "晨辉社区"), communities[0])

    members = list(
        Member.objects.filter(in_service=True, is_active=True, unit__in=[u.pk for u in units])
        .order_by("pk")
        .only("pk", "unit_id", "user_id", "home_community_id", "home_grid_id")
    )
    reports: list[MemberReport] = []
    decider = ctx.users.get("community")
    counts = {"confirmed": 0, "submitted": 0, "rejected": 0, "superseded": 0}
    for m in members:
        has_home = m.home_community_id is not None
        confirmed = has_home and (m.user_id is not None or rng.random() < share[m.unit_id])
        if confirmed:
            age = rng.randint(3, 420)
            if rng.random() < 0.03 and age > 60:
                # Moved house: an older report, superseded when the new one was confirmed.
                old = rng.choice(communities)
                old_at = moment(age + rng.randint(60, 300))
                reports.append(
                    MemberReport(
                        member_id=m.pk,
                        community=old,
                        status=MemberReport.Status.SUPERSEDED,
                        submitted_at=old_at,
                        decided_at=old_at + dt.timedelta(days=1),
                        confirmed_at=old_at + dt.timedelta(days=1),
                        ended_at=moment(age - 2),
                    )
                )
                counts["superseded"] += 1
            submitted = moment(age)
            decided = moment(age - rng.randint(0, 2), 16)
            reports.append(
                MemberReport(
                    member_id=m.pk,
                    community_id=m.home_community_id or chenhui.pk,
                    grid_id=m.home_grid_id,
                    status=MemberReport.Status.CONFIRMED,
                    submitted_at=min(submitted, decided),
                    decided_at=decided,
                    confirmed_at=decided,
                    decided_by=decider if m.home_community_id == chenhui.pk else None,
                )
            )
            counts["confirmed"] += 1
            continue
        # Not (yet) confirmed: the home the orgs demo gave (as from the personnel file) stays;
        # the report pending or missing is what the rates count.
        community_id = m.home_community_id
        grid_id = m.home_grid_id
        roll = rng.random()
        if roll < 0.45:
            if community_id is None or rng.random() < 0.4:
                community_id = chenhui.pk
                grid_id = rng.choice(grids_of.get(chenhui.pk, [None]))
                grid_id = grid_id.pk if grid_id is not None else None
            reports.append(
                MemberReport(
                    member_id=m.pk,
                    community_id=community_id,
                    grid_id=grid_id,
                    submitted_at=moment(rng.randint(0, 12)),
                )
            )
            counts["submitted"] += 1
        elif roll < 0.55 and community_id is not None:
            at = moment(rng.randint(5, 60))
            reports.append(
                MemberReport(
                    member_id=m.pk,
                    community_id=community_id,
                    status=MemberReport.Status.REJECTED,
                    submitted_at=at,
                    decided_at=at + dt.timedelta(days=1),
                    reject_reason=rng.choice(REJECT_REASONS),
                )
            )
            counts["rejected"] += 1
    MemberReport.objects.bulk_create(reports, batch_size=1000)

    # Pairings: each unit's top organisation with one or two communities; a few waiting.
    tops = sorted(
        (
            o
            for o in ctx.orgs.values()
            if o.unit_id is not None and o.parent_id is not None and o.depth == 1
        ),
        key=lambda o: o.code,
    )
    pairs: list[OrgReport] = []
    for i, org in enumerate(tops):
        chosen = rng.sample(communities, 2 if rng.random() < 0.4 else 1)
        if i % 9 == 0 and chenhui not in chosen:
            chosen.append(chenhui)
        for k, community in enumerate(chosen):
            at = moment(rng.randint(30, 400))
            waiting = k == len(chosen) - 1 and rng.random() < 0.15
            pairs.append(
                OrgReport(
                    party_org=org,
                    community=community,
                    status=OrgReport.Status.SUBMITTED if waiting else OrgReport.Status.CONFIRMED,
                    note="结对共建：志愿服务、政策宣讲、为民办实事",
                    submitted_at=at,
                    decided_at=None if waiting else at + dt.timedelta(days=rng.randint(1, 7)),
                )
            )
    OrgReport.objects.bulk_create(pairs, batch_size=1000)
    ctx.counts["member_reports"] = len(reports)
    ctx.counts["org_reports"] = len(pairs)
    ctx.log(
        "双报到：已确认{confirmed}条，待确认{submitted}条，已退回{rejected}条，"
        "搬家替代{superseded}条；组织结对{pairs}对".format(**counts, pairs=len(pairs))
    )
