"""Benchmark: computing and ranking a model-organ campaign of 2,000 units.

    .venv/bin/python bench/evaluation/run.py [--postgres postgres://user@host:5432/dbname]

Each database is measured in its own process, on a fresh database in a temporary data
directory: SQLite always; PostgreSQL when a URL is given (the database it names is dropped and
created again, and dropped at the end — point it at a scratch database). The figures go to
bench/results/evaluation.json; the target is publishing (compute + total + grade + rank) in
under 5 s.

The world, generated in bulk: one city district with 2,000 units, each with a committee and a
branch, 10 in-service members per unit (20,000), confirmed 双报到 reports for about 85% of them
(some confirmed after the period), one pairing per unit, 500 volunteer activities in the year
with 40,000 attendances. The campaign uses the seeded 五双五型 framework: 7 manual indicators
(self, committee and working-committee scores already given, every assessment approved) and 4
computed ones (pairings, reporting rate, person-times and hours per member). Timed: the
`campaign_publish` service — every computed indicator for every unit (aggregate queries grouped
by unit), the totals, grades and ranks, written back in bulk — three runs, median, with the
number of queries.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import _harness as h

UNITS = 2_000
MEMBERS_PER_UNIT = 10
ACTIVITIES = 500
ATTENDANCES = 40_000
RUNS = 3
TARGET_S = 5.0


def main() -> None:
    h.per_database_main(
        "evaluation",
        __file__,
        worker,
        doc=__doc__,
        size="units",
        default=UNITS,
        help="a smaller campaign: a short run, not written",
        summary=lambda run: (
            f"{run['database']:<10} {run['units']} units: publish p50 {run['publish_s_p50']:.2f} s "
            f"(compute {run['compute_s_p50']:.2f} s, rank {run['rank_s_p50']:.2f} s), "
            f"{run['queries']} queries; world built in {run['world_s']:.1f} s"
        ),
        targets={"publish_s_p50": TARGET_S},
    )


# The worker ---------------------------------------------------------------------------------------


def build_world(rng: random.Random, n_units: int) -> dict[str, Any]:
    from django.utils import timezone

    from gongjian.accounts.models import User
    from gongjian.orgs import history
    from gongjian.orgs.models import Area, Member, PartyOrg, Unit
    from gongjian.reporting.models import MemberReport, OrgReport
    from gongjian.service.models import Activity, Attendance, ServiceCategory

    tz = timezone.get_current_timezone()
    year = dt.date.today().year - 1  # noqa: DTZ011 - a year before the run
    district = Area.objects.create(code="BC", name="基准市", kind="district", path="/BC/")
    communities = Area.objects.bulk_create(
        [
            Area(
                code=f"BC{k:03d}",
                name=f"社区{k}",
                kind="community",
                parent=district,
                path=f"/BC/BC{k:03d}/",
                depth=1,
            )
            for k in range(100)
        ]
    )
    units = Unit.objects.bulk_create(
        [Unit(code=f"U{k:05d}", name=f"单位{k}", area=district) for k in range(n_units)],
        batch_size=1000,
    )
    wc = PartyOrg.objects.create(
        code="BC-GW", name="基准市机关工委", kind="working_committee", area=district, path="/BC-GW/"
    )
    committees = PartyOrg.objects.bulk_create(
        [
            PartyOrg(
                code=f"{u.code}-DW",
                name=f"{u.name}党委",
                kind="committee",
                parent=wc,
                unit=u,
                path=f"/BC-GW/{u.code}-DW/",
                depth=1,
            )
            for u in units
        ],
        batch_size=1000,
    )
    branches = PartyOrg.objects.bulk_create(
        [
            PartyOrg(
                code=f"{c.code}-01",
                name=f"{c.name}第一支部",
                kind="branch",
                parent=c,
                unit_id=c.unit_id,
                path=f"{c.path}{c.code}-01/",
                depth=2,
            )
            for c in committees
        ],
        batch_size=1000,
    )
    members = Member.objects.bulk_create(
        [
            Member(
                name=f"党员{k}",
                gender="male",
                birth_date=dt.date(1985, 1, 1),
                id_number="",
                id_number_hash=f"bench-{k}",
                party_org=b,
                unit_id=b.unit_id,
                in_service=True,
            )
            for k, b in enumerate(b for b in branches for _i in range(MEMBERS_PER_UNIT))
        ],
        batch_size=2000,
    )
    history.spells_new(members)  # each member's open spell (ADR 0030)

    def moment(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(10), tzinfo=tz)

    reports = []
    for m in members:
        if rng.random() < 0.85:
            day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 420))
            reports.append(
                MemberReport(
                    member=m,
                    community=rng.choice(communities),
                    status="confirmed",
                    submitted_at=moment(day),
                    confirmed_at=moment(day),
                )
            )
    MemberReport.objects.bulk_create(reports, batch_size=2000)
    OrgReport.objects.bulk_create(
        [
            OrgReport(
                party_org=c,
                community=rng.choice(communities),
                status="confirmed",
                submitted_at=moment(dt.date(year, 3, 1)),
                decided_at=moment(dt.date(year, 3, 2)),
            )
            for c in committees
        ],
        batch_size=2000,
    )
    category = ServiceCategory.objects.create(code="bench", name="基准", colour="#c8102e")
    activities = Activity.objects.bulk_create(
        [
            Activity(
                title=f"活动{k}",
                category=category,
                area=rng.choice(communities),
                address="地址",
                starts_at=moment(dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 364))),
                ends_at=moment(dt.date(year, 1, 1)) + dt.timedelta(days=365),
                quota=200,
                signup_opens_at=moment(dt.date(year - 1, 12, 1)),
                signup_closes_at=moment(dt.date(year, 1, 1)),
            )
            for k in range(ACTIVITIES)
        ],
        batch_size=1000,
    )
    pairs = set()
    while len(pairs) < ATTENDANCES * n_units // UNITS:
        pairs.add((rng.randrange(len(activities)), rng.randrange(len(members))))
    Attendance.objects.bulk_create(
        [
            Attendance(
                activity=activities[a],
                member=members[m],
                method="manual",
                hours=Decimal(rng.choice(("1.5", "2", "3"))),
            )
            for a, m in sorted(pairs)
        ],
        batch_size=5000,
    )
    admin = User.objects.create(username="bench", is_superuser=True, is_staff=True)
    return {"district": district, "units": units, "admin": admin, "year": year}


def build_campaign(world: dict[str, Any], rng: random.Random) -> Any:
    from gongjian.evaluation import selectors, services
    from gongjian.evaluation.models import Assessment, Framework, Score

    year = world["year"]
    fw = Framework.objects.get(code="wushuang-wuxing")
    campaign = services.campaign_create(
        actor=world["admin"],
        framework=fw,
        area=world["district"],
        name=f"{year}年度五双五型",
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        submit_by=dt.date(year + 1, 1, 31),
        units=world["units"],
    )
    manual = [i.pk for i in selectors.framework_leaves(fw) if not i.is_computed]
    rows = list(Score.objects.filter(assessment__campaign=campaign, indicator_id__in=manual))
    for s in rows:
        s.self_score = Decimal(rng.randint(70, 100))
        s.committee_score = s.self_score - rng.randint(0, 5)
        s.final_score = s.committee_score - rng.randint(0, 5) if rng.random() < 0.5 else None
    Score.objects.bulk_update(rows, ["self_score", "committee_score", "final_score"], 5000)
    Assessment.objects.filter(campaign=campaign).update(status="approved")
    return campaign


def worker(units: int) -> dict[str, Any]:
    h.django_setup()
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from gongjian.evaluation import services
    from gongjian.evaluation.models import Assessment, Campaign

    rng = random.Random(20260101)
    started = time.perf_counter()
    world = build_world(rng, units)
    campaign = build_campaign(world, rng)
    world_s = time.perf_counter() - started
    h.log("evaluation", f"world built in {world_s:.1f} s ({connection.vendor})")

    publish, compute, rank, queries = [], [], [], 0
    for _run in range(RUNS):
        Campaign.objects.filter(pk=campaign.pk).update(status="open", published_on=None)
        campaign.refresh_from_db()
        reset_queries()
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            services.campaign_publish(actor=world["admin"], campaign=campaign)
        publish.append(time.perf_counter() - t0)
        queries = len(ctx.captured_queries)
        campaign.refresh_from_db()
        t0 = time.perf_counter()
        services.campaign_compute(campaign=campaign)
        t1 = time.perf_counter()
        services.campaign_rank(campaign=campaign)
        t2 = time.perf_counter()
        compute.append(t1 - t0)
        rank.append(t2 - t1)
    ranked = Assessment.objects.filter(campaign=campaign, rank__isnull=False).count()
    assert ranked == units, ranked
    return {
        "database": connection.vendor,
        "units": units,
        "members": units * MEMBERS_PER_UNIT,
        "attendances": ATTENDANCES * units // UNITS,
        "indicators": {"manual": 7, "computed": 4},
        "publish_s_p50": round(statistics.median(publish), 3),
        "publish_s_runs": [round(x, 3) for x in publish],
        "compute_s_p50": round(statistics.median(compute), 3),
        "rank_s_p50": round(statistics.median(rank), 3),
        "queries": queries,
        "world_s": round(world_s, 1),
        "load_average_1min": h.load_average()[0],
    }


if __name__ == "__main__":
    main()
