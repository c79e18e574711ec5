"""Benchmark: the dashboard and the briefing of a generated city on PostgreSQL.

    .venv/bin/python bench/dashboard/run.py [--postgres URL] [--keep] [--reuse] [--scale 1.0]
                                            [--districts 10] [--partition] [--province]

The city: 10 districts, 100 streets, 3,000 communities, 2,000 units, 200,000 members (170,000
in-service, 85 % reported), 166,667 activities with 5,000,000 attendances over the three
years up to today, outcomes, co-building lists. Generated inside PostgreSQL with
generate_series (minutes, not hours), then the monthly rollups are built
(`reports_refresh_rollups`).

Measured, as the platform administrator (the city) and as a district's administrator:

- `cold_ms`: the city's figures for this year, the first call of a fresh process and
  connection (PostgreSQL's own caches are not flushed: it is shared with other work);
- `warm_ms`: the same call again, median of 7 (answered from the cache, ADR 0007);
- `computed_ms`: the same call counted afresh (`cached=False`), median of 3: the cold cost
  with PostgreSQL's buffers warm;
- `naive_ms`: the same figures by plain ORM aggregation over the raw tables
  (`figures_for(..., rollups=False)`), median of 3 — the gain of the rollups;
- `page_ms`: the whole dashboard page through Django's test client, warm, median of 5;
- `briefing_s`: a district's briefing, figures and the .docx with its charts;
- `people_count_distinct_ms`: the city's distinct people of the year as one
  `COUNT(DISTINCT member_id)` over the raw attendances (how they were counted before the
  yearly masks, ADR 0009), and `people_masks_ms`: the same figure as `figures_for` counts it
  now, from the masks of the whole clean months united with the members of the raw edges.

The database named by the URL is dropped and created again, and dropped at the end unless
`--keep`; `--reuse` measures on a city a `--keep` run left (migrated, rollups refreshed);
`--generate-only` stops (keeping it) once the city is generated. The database is given the
planner settings of the deployment (`deploy/postgresql/primary.conf`: those a database can
set for its own sessions, such as `random_page_cost` and `work_mem`), so the plans measured
are those a deployed primary makes; the server's own memory (`shared_buffers`) stays as it is.
Figures go to bench/results/dashboard.json; targets: warm < 200 ms, cold < 2 s, briefing < 5 s.

`--province` is the province of ADR 0023: 40 districts (12,000 communities, 8,000 units),
2,000,000 members and 50,000,000 attendances in a table partitioned by year
(`partition_attendances`); it also records the nightly rollup's time (every complete month
rebuilt by the background job, `_refresh_rollups`), the disk used and this process's peak memory, to
bench/results/dashboard_province.json; targets: the province's dashboard warm < 300 ms, cold
< 2 s, the nightly rollup < 30 minutes.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import _harness as h

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gongjian_bench_dashboard"

DISTRICTS = 10
STREETS_PER_DISTRICT = 10
COMMUNITIES_PER_STREET = 30
UNITS = 2_000
MEMBERS = 200_000
IN_SERVICE = 170_000
ATTENDANCES = 5_000_000
PER_ACTIVITY = 30


def partition_attendances(cursor: Any) -> tuple[list[str], list[str]]:
    """`service_attendance` made a table partitioned by year, as ADR 0023 plans: the key is
    the activity (`activity_id`, a column the app already writes), each partition holding the
    activities of one year — the activities are generated, so each year's ids are one range —,
    a default partition for activities created later. The primary key becomes (id,
    activity_id) and the rule "once per member and activity" stays (activity, member), since it
    contains the key. Run after the activities are generated and before the attendances.
    Returns the partitions and the statements of the table's other indexes, to run once the
    attendances are loaded (an index built over loaded rows instead of one row at a time: the
    same index, without the random writes of 50,000,000 inserts into a member index)."""
    cursor.execute(
        """SELECT extract(year FROM starts_at)::int, min(id), max(id) FROM service_activity
           GROUP BY 1 ORDER BY 1"""
    )
    years = cursor.fetchall()
    cursor.execute(
        """SELECT indexdef FROM pg_indexes WHERE tablename = 'service_attendance'
           AND indexname NOT IN ('service_attendance_pkey', 'service_attendance_once')"""
    )
    indexes = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        """SELECT pg_get_constraintdef(oid), conname FROM pg_constraint
           WHERE conrelid = 'service_attendance'::regclass AND contype IN ('c', 'f')"""
    )
    constraints = cursor.fetchall()
    cursor.execute("ALTER TABLE service_attendance RENAME TO service_attendance_flat")
    cursor.execute(
        """CREATE TABLE service_attendance (LIKE service_attendance_flat INCLUDING DEFAULTS
           INCLUDING IDENTITY) PARTITION BY RANGE (activity_id)"""
    )
    cursor.execute("DROP TABLE service_attendance_flat")
    cursor.execute("ALTER TABLE service_attendance ADD PRIMARY KEY (id, activity_id)")
    cursor.execute(
        """ALTER TABLE service_attendance ADD CONSTRAINT service_attendance_once
           UNIQUE (activity_id, member_id)"""
    )
    for definition, name in constraints:
        cursor.execute(f'ALTER TABLE service_attendance ADD CONSTRAINT "{name}" {definition}')
    deferred = [
        definition.replace(" ON public.service_attendance ", " ON service_attendance ")
        for definition in indexes
    ]
    made = []
    for year, low, high in years:
        name = f"service_attendance_y{year}"
        cursor.execute(
            f"CREATE TABLE {name} PARTITION OF service_attendance "
            f"FOR VALUES FROM ({low}) TO ({high + 1})"
        )
        made.append(name)
    cursor.execute("CREATE TABLE service_attendance_later PARTITION OF service_attendance DEFAULT")
    return [*made, "service_attendance_later"], deferred


def generate(
    scale: float, *, districts: int = DISTRICTS, partition: bool = False
) -> dict[str, Any]:
    """The city, in SQL. Members, activities and attendances scale with `scale`, the units and
    the areas with `districts` (200 units and 300 communities each); `partition` makes the
    attendances a table partitioned by year (`partition_attendances`)."""
    from django.db import connection

    from gongjian.orgs import history

    members = int(MEMBERS * scale)
    in_service = int(IN_SERVICE * scale)
    attendances = int(ATTENDANCES * scale)
    activities = attendances // PER_ACTIVITY
    communities = districts * STREETS_PER_DISTRICT * COMMUNITIES_PER_STREET
    units = UNITS // DISTRICTS * districts
    steps = [
        # Areas: D01 … D10 / D01S01 … / D01S01C01 …
        """INSERT INTO orgs_area (created_at, updated_at, code, name, kind, parent_id, path, depth,
                                  local_kind)
           SELECT now(), now(), 'D' || lpad(d::text, 2, '0'), '第' || d || '区', 'district',
                  NULL, '/D' || lpad(d::text, 2, '0') || '/', 0, ''
           FROM generate_series(1, %(districts)s) d""",
        """INSERT INTO orgs_area (created_at, updated_at, code, name, kind, parent_id, path, depth,
                                  local_kind)
           SELECT now(), now(), p.code || 'S' || lpad(s::text, 2, '0'),
                  p.name || '第' || s || '街道', 'street', p.id,
                  p.path || p.code || 'S' || lpad(s::text, 2, '0') || '/', 1, ''
           FROM orgs_area p, generate_series(1, %(streets)s) s WHERE p.kind = 'district'""",
        """INSERT INTO orgs_area (created_at, updated_at, code, name, kind, parent_id, path, depth,
                                  local_kind)
           SELECT now(), now(), p.code || 'C' || lpad(c::text, 2, '0'),
                  p.name || '第' || c || '社区', 'community', p.id,
                  p.path || p.code || 'C' || lpad(c::text, 2, '0') || '/', 2, ''
           FROM orgs_area p, generate_series(1, %(communities_per_street)s) c
           WHERE p.kind = 'street'""",
        """CREATE TEMP TABLE bench_community AS
           SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM orgs_area
           WHERE kind = 'community'""",
        "CREATE UNIQUE INDEX ON bench_community (n)",
        "ANALYZE bench_community",
        """CREATE TEMP TABLE bench_district AS
           SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, code FROM orgs_area
           WHERE kind = 'district'""",
        "CREATE UNIQUE INDEX ON bench_district (n)",
        "ANALYZE bench_district",
        # Units, 200 per district, each with a committee under the district's working committee.
        """INSERT INTO orgs_unit (created_at, updated_at, code, name, short_name, category,
                                  area_id, address)
           SELECT now(), now(), 'U' || lpad(u::text, 5, '0'), '第' || u || '机关单位', '', '行政',
                  d.id, ''
           FROM generate_series(0, %(units)s - 1) u
           JOIN bench_district d ON d.n = u %% %(districts)s""",
        """INSERT INTO orgs_partyorg (created_at, updated_at, code, name, kind, parent_id,
                                      unit_id, area_id, secretary, path, depth)
           SELECT now(), now(), 'WC' || d.code, d.code || '机关工委', 'working_committee', NULL,
                  NULL, d.id, '', '/WC' || d.code || '/', 0
           FROM bench_district d""",
        """INSERT INTO orgs_partyorg (created_at, updated_at, code, name, kind, parent_id,
                                      unit_id, area_id, secretary, path, depth)
           SELECT now(), now(), 'P' || u.code, u.name || '党委', 'committee', wc.id, u.id, NULL,
                  '', wc.path || 'P' || u.code || '/', 1
           FROM orgs_unit u JOIN orgs_partyorg wc ON wc.area_id = u.area_id
            AND wc.kind = 'working_committee'""",
        """INSERT INTO orgs_partyorg (created_at, updated_at, code, name, kind, parent_id,
                                      unit_id, area_id, secretary, path, depth)
           SELECT now(), now(), 'P' || a.code, a.name || '党委', 'committee', NULL, NULL, a.id,
                  '', '/P' || a.code || '/', 0
           FROM orgs_area a WHERE a.kind = 'community'""",
        """CREATE TEMP TABLE bench_unit AS
           SELECT row_number() OVER (ORDER BY u.id) - 1 AS n, u.id, p.id AS org
           FROM orgs_unit u JOIN orgs_partyorg p ON p.unit_id = u.id""",
        "CREATE UNIQUE INDEX ON bench_unit (n)",
        "ANALYZE bench_unit",
        """CREATE TEMP TABLE bench_corg AS
           SELECT row_number() OVER (ORDER BY p.id) - 1 AS n, p.id AS org, p.area_id
           FROM orgs_partyorg p WHERE p.area_id IS NOT NULL AND p.kind = 'committee'""",
        "CREATE UNIQUE INDEX ON bench_corg (n)",
        "ANALYZE bench_corg",
        # Members: the in-service ones in units, living in a community; the others in the
        # communities' organisations.
        """INSERT INTO orgs_member (created_at, updated_at, public_id, name, gender, birth_date,
                   id_number, id_number_hash, phone, phone_hash, status, joined_on,
                   party_org_id, unit_id, in_service, is_deputy, is_committee_member,
                   home_community_id, home_grid_id, user_id, is_active, name_folded)
           SELECT now(), now(), gen_random_uuid(), '党员' || i,
                  CASE WHEN i %% 2 = 0 THEN 'male' ELSE 'female' END,
                  DATE '1980-01-01' + (i %% 9000),
                  '', md5(i::text), '', '', 'full', NULL,
                  CASE WHEN i < %(in_service)s THEN u.org ELSE co.org END,
                  CASE WHEN i < %(in_service)s THEN u.id END,
                  i < %(in_service)s, false, false,
                  c.id, NULL, NULL, true, '党员' || i
           FROM generate_series(0, %(members)s - 1) i
           JOIN bench_unit u ON u.n = i %% %(units)s
           JOIN bench_corg co ON co.n = i %% %(communities)s
           JOIN bench_community c ON c.n = (i * 7) %% %(communities)s""",
        # Each member's history: one open spell from their joining day (ADR 0030).
        history.OPEN_ALL_SQL,
        """CREATE TEMP TABLE bench_member AS
           SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, in_service, home_community_id
           FROM orgs_member""",
        "CREATE UNIQUE INDEX ON bench_member (n)",
        "ANALYZE bench_member",
        # 双报到: 85 % confirmed over the three years, 3 % waiting.
        """INSERT INTO reporting_memberreport (created_at, updated_at, public_id, member_id,
                   community_id, grid_id, status, source, submitted_at, decided_at,
                   decided_by_id, reject_reason, confirmed_at, ended_at)
           SELECT now(), now(), gen_random_uuid(), m.id, m.home_community_id, NULL,
                  CASE WHEN m.n %% 100 < 85 THEN 'confirmed' ELSE 'submitted' END, 'self',
                  now() - ((m.n %% 1000) || ' days')::interval,
                  CASE WHEN m.n %% 100 < 85 THEN now() - ((m.n %% 1000) || ' days')::interval END,
                  NULL, '',
                  CASE WHEN m.n %% 100 < 85 THEN now() - ((m.n %% 1000) || ' days')::interval END,
                  NULL
           FROM bench_member m WHERE m.in_service AND m.n %% 100 < 88""",
        # Activities at the communities, over the three years to now.
        """INSERT INTO service_activity (created_at, updated_at, public_id, title, category_id,
                   description, area_id, community_id, address, starts_at, ends_at, quota,
                   confirmed_count, signup_opens_at, signup_closes_at, audience, unit_id,
                   team_id, series_id, status, cancelled_reason, created_by_id)
           SELECT now(), now(), gen_random_uuid(), '活动' || i,
                  (SELECT array_agg(id ORDER BY id) FROM service_servicecategory)[1 + i %% 5],
                  '', c.id, c.id, '', t, t + interval '2 hours', 40, 0,
                  t - interval '7 days', t - interval '1 hour', 'open', NULL, NULL, NULL,
                  CASE WHEN i %% 50 = 0 THEN 'cancelled' ELSE 'published' END, '', NULL
           FROM generate_series(0, %(activities)s - 1) i
           JOIN bench_community c ON c.n = (i * 13) %% %(communities)s
           CROSS JOIN LATERAL (SELECT now() - ((i::float / %(activities)s) * interval '1095 days')
                               AS t) s""",
        """CREATE TEMP TABLE bench_activity AS SELECT id, starts_at FROM service_activity""",
        "ANALYZE bench_activity",
        # Attendances: 30 distinct members per activity.
        """INSERT INTO service_attendance (created_at, updated_at, activity_id, member_id,
                   checked_in_at, checked_out_at, method, hours, hours_confirmed, points)
           SELECT now(), now(), a.id, m.id, a.starts_at, a.starts_at + interval '2 hours', 'qr',
                  1 + (a.id + k) %% 4, true, 1
           FROM bench_activity a
           CROSS JOIN generate_series(0, %(per_activity)s - 1) k
           JOIN bench_member m ON m.n = (a.id * 7919 + k * 104729) %% %(members)s""",
        """INSERT INTO service_outcome (created_at, updated_at, activity_id, households_visited,
                   people_served, leaflets, summary, recorded_by_id)
           SELECT now(), now(), a.id, a.id %% 50, a.id %% 80, 0, '', NULL
           FROM bench_activity a WHERE a.id %% 3 = 0""",
        # Co-building: one campaign a year per district, 93 resources and 104 demands each.
        """INSERT INTO cobuild_campaign (created_at, updated_at, name, year, district_id, status,
                   description, lists_due, preferences_due, signing_due, published_at,
                   created_by_id)
           SELECT now(), now(), y || '年度直联共建', y, d.id, 'signing', '', NULL, NULL, NULL,
                  now(), NULL
           FROM bench_district d, generate_series(extract(year FROM now())::int - 2,
                                                  extract(year FROM now())::int) y""",
        """INSERT INTO cobuild_resource (created_at, updated_at, campaign_id, unit_id, title,
                   description, category, capacity, area_id, contact, contact_phone,
                   contact_phone_hash, created_by_id)
           SELECT now(), now(), c.id, u.id, '资源' || r, '', '', 1, NULL, '', '', '', NULL
           FROM cobuild_campaign c CROSS JOIN generate_series(0, 92) r
           JOIN LATERAL (SELECT id FROM orgs_unit WHERE area_id = c.district_id
                         ORDER BY id OFFSET (r * 3) %% 200 LIMIT 1) u ON true""",
        """INSERT INTO cobuild_demand (created_at, updated_at, campaign_id, community_id, title,
                   description, category, priority, needed_by, created_by_id)
           SELECT now(), now(), c.id, a.id, '需求' || r, '', '', 'medium', NULL, NULL
           FROM cobuild_campaign c CROSS JOIN generate_series(0, 103) r
           JOIN LATERAL (SELECT a.id FROM orgs_area a JOIN orgs_area s ON s.id = a.parent_id
                         WHERE s.parent_id = c.district_id
                         ORDER BY a.id OFFSET (r * 7) %% 300 LIMIT 1) a ON true""",
    ]
    params = {
        "districts": districts,
        "streets": STREETS_PER_DISTRICT,
        "communities_per_street": COMMUNITIES_PER_STREET,
        "communities": communities,
        "units": units,
        "members": members,
        "in_service": in_service,
        "activities": activities,
        "per_activity": PER_ACTIVITY,
    }
    with connection.cursor() as cursor:
        # Generated rows are consistent by construction: skip the per-row foreign-key
        # triggers while loading (needs a superuser; the benchmark's scratch database).
        cursor.execute("SET session_replication_role = replica")
        partitions: list[str] = []
        deferred: list[str] = []
        for sql in steps:
            loads_attendances = sql.lstrip().startswith("INSERT INTO service_attendance")
            if partition and loads_attendances:
                partitions, deferred = partition_attendances(cursor)
                print(f"  attendances partitioned: {', '.join(partitions)}", flush=True)
            for statement in [sql, *(deferred if loads_attendances else [])]:
                started = time.monotonic()
                cursor.execute(statement, params if statement is sql else None)
                took = time.monotonic() - started
                print(f"  {took:6.1f} s  {' '.join(statement.split())[:70]}", flush=True)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM service_attendance")
        (n_att,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM orgs_member")
        (n_mem,) = cursor.fetchone()
    return {
        "members": n_mem,
        "attendances": n_att,
        "activities": activities,
        "districts": districts,
        "units": units,
        "communities": communities,
        "partitions": partitions,
    }


def _sizes() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM service_attendance")
        (n_att,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM orgs_member")
        (n_mem,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM service_activity")
        (n_act,) = cursor.fetchone()
    return {"members": n_mem, "attendances": n_att, "activities": n_act}


def measure(raw_repeat: int = 3) -> dict[str, Any]:
    """The figures of the module's doc; the two counted over the raw tables (`naive_ms`,
    `people_count_distinct_ms`: minutes each at the province's size) `raw_repeat` times."""
    from django.db import connection
    from django.utils import timezone

    from gongjian.accounts.models import User
    from gongjian.orgs.models import Area, RoleAssignment
    from gongjian.reports import briefing, figures
    from gongjian.reports.types import period_of

    now = timezone.now()
    admin, _new = User.objects.get_or_create(
        username="bench-admin",
        defaults={"is_superuser": True, "is_staff": True, "password_changed_at": now},
    )
    district_user, _new = User.objects.get_or_create(
        username="bench-district", defaults={"password_changed_at": now}
    )
    district = Area.objects.filter(kind="district").order_by("code").first()
    assert district is not None
    RoleAssignment.objects.get_or_create(user=district_user, role="district_admin", area=district)
    today = timezone.localdate()
    year = period_of("this_year", today=today)
    month = period_of("this_month", today=today)
    city = figures.node_get_for(admin, "all")
    connection.close()  # a fresh connection: the cold call pays for it

    def city_year() -> figures.Figures:
        return figures.figures_for(admin, city, year)

    cold_ms, first = h.once_ms(city_year)
    warm_ms = h.median_ms(city_year, repeat=7)
    computed_ms = h.median_ms(
        lambda: figures.figures_for(admin, city, year, cached=False), repeat=3
    )
    naive_ms = h.median_ms(
        lambda: figures.figures_for(admin, city, year, rollups=False), repeat=raw_repeat
    )
    month_ms = h.median_ms(lambda: figures.figures_for(admin, city, month, cached=False), repeat=5)
    node = figures.node_get_for(district_user, f"area:{district.pk}")
    district_ms = h.median_ms(
        lambda: figures.figures_for(district_user, node, year, cached=False), repeat=5
    )

    started = time.perf_counter()
    data = briefing.write_docx(figures.figures_for(district_user, node, year))
    briefing_s = round(time.perf_counter() - started, 2)

    client = h.logged_in_client(admin)
    assert client.get("/reports/").status_code == 200
    page_ms = h.median_ms(lambda: client.get("/reports/"), repeat=5)

    # Distinct people as they were counted before the masks: one COUNT(DISTINCT), alone.
    from gongjian.service.models import Attendance

    lo, hi = figures._span(year)
    people_ms = h.median_ms(
        lambda: (
            Attendance.objects.filter(
                activity__status="published",
                activity__starts_at__gte=lo,
                activity__starts_at__lt=hi,
            )
            .values("member_id")
            .distinct()
            .count()
        ),
        repeat=raw_repeat,
    )
    # The same figure as figures_for counts it: the masks of the whole clean months, united
    # with the members of the raw edges (named by id, as figures_for names them).
    from gongjian.core.figures import Scope
    from gongjian.service import figures as service_figures

    clean, ranges = figures.split_period(year, today=today, rollups=True)
    edge = service_figures.area_service(scope=Scope(), ranges=ranges, name_edges=True).members
    people_masks_ms = h.median_ms(
        lambda: figures._people(city, clean=clean, raw_members=edge), repeat=3
    )
    assert figures._people(city, clean=clean, raw_members=edge) == first.people
    return {
        "cold_ms": cold_ms,
        "warm_ms": warm_ms,
        "computed_ms": computed_ms,
        "naive_ms": naive_ms,
        "briefing_s": briefing_s,
        "page_ms": page_ms,
        "month_computed_ms": month_ms,
        "district_computed_ms": district_ms,
        "people_count_distinct_ms": people_ms,
        "people_masks_ms": people_masks_ms,
        "briefing_bytes": len(data),
        "city_this_year": {
            "activities": first.activities,
            "person_times": first.person_times,
            "people": first.people,
            "in_service": first.in_service,
            "reported": first.reported,
        },
    }


def _refresh_rollups() -> str:
    """The nightly rollup as the background job the dashboard's 重算统计 starts
    (`reports.jobs.rollups_start`, every complete month), run by the configured task backend
    (the immediate one, in this process, unless GONGJIAN_TASKS_BACKEND names another)."""
    from django.utils import timezone

    from gongjian.accounts.models import User
    from gongjian.reports import jobs

    admin, _new = User.objects.get_or_create(
        username="bench-admin",
        defaults={"is_superuser": True, "is_staff": True, "password_changed_at": timezone.now()},
    )
    job = jobs.rollups_start(actor=admin, full=True)
    job.refresh_from_db()
    return f"job reports.rollups ({job.state}: {job.summary or job.error})"


def _disk() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        (database,) = cursor.fetchone()
        cursor.execute(
            """SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
               WHERE c.relname LIKE 'service_attendance%%' AND c.relkind IN ('r', 'p')"""
        )
        (attendances,) = cursor.fetchone()
        cursor.execute("SHOW shared_buffers")
        (buffers,) = cursor.fetchone()
    return {
        "database_gib": round(database / 2**30, 2),
        "attendances_gib": round(int(attendances) / 2**30, 2),
        "postgres_shared_buffers": buffers,
    }


#: The settings of deploy/postgresql/primary.conf that a database sets for its own sessions.
PLANNER_SETTINGS = ("random_page_cost", "work_mem", "effective_cache_size", "maintenance_work_mem")


def deploy_settings(url: str) -> dict[str, str]:
    """Give the benchmark's database the planner settings of the deployed primary
    (`ALTER DATABASE … SET`, for every later session); returns them."""
    import psycopg

    conf = Path(__file__).resolve().parents[2] / "deploy" / "postgresql" / "primary.conf"
    settings: dict[str, str] = {}
    for line in conf.read_text(encoding="utf-8").splitlines():
        name, _sep, value = line.split("#")[0].partition("=")
        if name.strip() in PLANNER_SETTINGS and value.strip():
            settings[name.strip()] = value.strip()
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as conn:
        for key, value in settings.items():
            conn.execute(f"ALTER DATABASE \"{name}\" SET {key} = '{value}'")
    return settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DASHBOARD_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="fraction of the city (below 1: not written)"
    )
    parser.add_argument("--districts", type=int, default=DISTRICTS, help="districts generated")
    parser.add_argument(
        "--partition", action="store_true", help="attendances partitioned by year (ADR 0023)"
    )
    parser.add_argument(
        "--province",
        action="store_true",
        help="a province: 40 districts, 2,000,000 members, 50,000,000 attendances, partitioned",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure on the city a previous --keep run left (migrate and refresh only)",
    )
    parser.add_argument(
        "--skip-refresh",
        action="store_true",
        help="with --reuse: measure on the rollups the earlier run built, without rebuilding",
    )
    parser.add_argument(
        "--generate-only",
        action="store_true",
        help="generate the city and keep it; no rollups, no measures (then --reuse)",
    )
    args = parser.parse_args()
    if args.generate_only:
        args.keep = True
    if args.province:
        args.scale, args.districts, args.partition = 10.0, 40, True
    load_at_start = h.load_average()
    try:
        if not args.reuse:
            h.recreate_database(args.postgres)
    except Exception as exc:  # any failure to reach the server
        if os.environ.get("CI"):
            raise
        print(f"SKIPPED: PostgreSQL is not reachable for the dashboard benchmark ({exc})")
        return
    planner = deploy_settings(args.postgres)
    try:
        t0 = time.monotonic()
        h.django_setup(args.postgres)

        if args.reuse:
            sizes: dict[str, Any] = _sizes()
        else:
            print("generating the city …", flush=True)
            sizes = generate(args.scale, districts=args.districts, partition=args.partition)
        generate_s = round(time.monotonic() - t0, 1)
        if args.generate_only:
            print(f"generated in {generate_s} s: {sizes}; kept for --reuse", flush=True)
            return
        t1 = time.monotonic()
        if args.reuse and args.skip_refresh:
            refreshed_by, refresh_s = "not rebuilt (--skip-refresh)", None
        else:
            refreshed_by = _refresh_rollups()
            refresh_s = round(time.monotonic() - t1, 1)
        print(f"generated in {generate_s} s, rollups in {refresh_s} s ({refreshed_by})", flush=True)
        figures = measure(raw_repeat=1 if args.province else 3)
        disk = _disk()
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if not args.keep:
            h.drop_database(args.postgres)
    import resource

    result = {
        **sizes,
        **figures,
        "generate_s": generate_s,
        "refresh_rollups_s": refresh_s,
        "refreshed_by": refreshed_by,
        **disk,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "scale": args.scale,
        "planner_settings": planner,
        "reused_city": args.reuse,
        "load_average_at_start": load_at_start,
    }
    if args.province:
        targets = {"warm_ms": 300, "cold_ms": 2000, "refresh_rollups_s": 1800}
        h.write_result("dashboard_province", result, targets=targets)
    else:
        targets = {"warm_ms": 200, "cold_ms": 2000, "briefing_s": 5}
        h.write_result(
            "dashboard", result, targets=targets, save=args.scale == 1.0 and not args.partition
        )


if __name__ == "__main__":
    main()
