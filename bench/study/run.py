"""Benchmark: the working committee's compliance table (组织生活落实情况) on PostgreSQL.

    .venv/bin/python bench/study/run.py [--postgres URL] [--scale 1.0] [--keep]

The city: 10 districts, 600 units, 6,000 branches (10 a unit) and a year of sessions, about
300,000 (50 a branch: a theme day, a group meeting and a committee meeting every month, a
members' meeting and a party lecture every quarter, 第一议题 in half the months), one branch in
ten missing a committee meeting in one month. Generated inside PostgreSQL with
generate_series. `--scale 0.1` makes a tenth of it for a quick check.

Measured (median of 7 after a warm-up), for last year as a whole:
- `city_ms`: the platform administrator's table of every branch of the city;
- `district_ms`: one district's working committee, its 600 branches;
- `chase_ms`: the city's chase list (branches behind only);
- `page_ms`: the compliance page (first 50 rows) through Django's test client, for the city.

Target: `city_ms` < 500. Results: bench/results/study.json.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _harness as h
from _harness import Bench

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gj_studyinsp_bench"
DISTRICTS = 10
UNITS_PER_DISTRICT = 60
BRANCHES_PER_UNIT = 10


def generate(year: int, scale: float) -> dict[str, int]:
    units = max(1, round(UNITS_PER_DISTRICT * scale))
    params = {"districts": DISTRICTS, "units": units, "branches": BRANCHES_PER_UNIT, "y": year}
    statements = [
        """INSERT INTO orgs_area (created_at, updated_at, code, name, kind, parent_id, path, depth)
           SELECT now(), now(), 'D' || d, '第' || d || '区', 'district', NULL, '/D' || d || '/', 0
           FROM generate_series(1, %(districts)s) d""",
        """INSERT INTO orgs_unit (created_at, updated_at, code, name, short_name, category,
               area_id, address)
           SELECT now(), now(), a.code || '-U' || u, a.name || '单位' || u, '', '行政', a.id, ''
           FROM orgs_area a, generate_series(1, %(units)s) u WHERE a.kind = 'district'""",
        """INSERT INTO orgs_partyorg (created_at, updated_at, code, name, kind, parent_id,
               unit_id, area_id, secretary, path, depth)
           SELECT now(), now(), u.code || '-B' || b, u.name || '第' || b || '党支部', 'branch',
               NULL, u.id, NULL, '', '/' || u.code || '-B' || b || '/', 0
           FROM orgs_unit u, generate_series(1, %(branches)s) b""",
        # Every month: theme day, group meeting, committee meeting (one branch in ten skips
        # May's); 第一议题 in odd months; members' meeting and party lecture every quarter.
        """INSERT INTO study_studysession (created_at, updated_at, public_id, kind, topic,
               speaker, description, party_org_id, place, starts_at, ends_at, held_on,
               audience, status, summary, cancel_reason, plan_id, invited_count,
               present_count, leave_count, created_by_id, month_index)
           SELECT now(), now(), gen_random_uuid(), k.kind, '学习', '', '', o.id, '',
               make_timestamptz(%(y)s, m, 10, 7, 0, 0, 'UTC'),
               make_timestamptz(%(y)s, m, 10, 8, 30, 0, 'UTC'),
               make_date(%(y)s, m, 10), 'branch', 'held', '', '', NULL,
               20, 18 - (o.id %% 3), o.id %% 2, NULL, %(y)s * 12 + m - 1
           FROM orgs_partyorg o
           CROSS JOIN generate_series(1, 12) m
           CROSS JOIN (VALUES ('theme_day', 1), ('group_meeting', 1), ('committee_meeting', 1),
                              ('first_topic', 2), ('members_meeting', 3),
                              ('party_lecture', 3)) k(kind, every)
           WHERE o.kind = 'branch' AND (m - 1) %% k.every = 0
             AND NOT (k.kind = 'committee_meeting' AND m = 5 AND o.id %% 10 = 0)""",
        "ANALYZE",
    ]
    counts = {"branches": "orgs_partyorg", "sessions": "study_studysession"}
    made: dict[str, int] = h.execute_and_count(statements, params, counts)
    return made


def main() -> None:
    args = h.scaled_arguments(DEFAULT_URL)
    bench = Bench("study", targets={"city_ms": 500})
    with bench.database(args.postgres, keep=args.keep) as url:
        bench.django(url)
        from django.utils import timezone

        from gongjian.accounts.models import User
        from gongjian.core.periods import Period
        from gongjian.orgs.models import Area, RoleAssignment
        from gongjian.study import selectors

        year = timezone.localdate().year - 1
        bench.record("scale", args.scale)
        elapsed, made = h.once_ms(lambda: generate(year, args.scale))
        bench.record("generate_ms", elapsed)
        bench.record("branches", made["branches"])
        bench.record("sessions", made["sessions"])
        admin = User.objects.create(
            username="bench-admin",
            is_superuser=True,
            is_staff=True,
            password_changed_at=timezone.now(),
        )
        committee = User.objects.create(username="bench-district")
        RoleAssignment.objects.create(
            user=committee, role="district_admin", area=Area.objects.get(code="D1")
        )
        period = Period(dt.date(year, 1, 1), dt.date(year, 12, 31))

        def table(actor: object, behind: bool = False) -> int:
            return len(selectors.compliance(actor=actor, period=period, behind=behind).rows)

        bench.record("city_rows", table(admin))
        bench.record("city_behind", table(admin, behind=True))
        bench.record("city_ms", h.median_ms(lambda: table(admin), repeat=7, warmup=1))
        bench.record("district_ms", h.median_ms(lambda: table(committee), repeat=7, warmup=1))
        bench.record("chase_ms", h.median_ms(lambda: table(admin, behind=True), repeat=7, warmup=1))
        client = h.logged_in_client(admin)

        def page() -> None:
            response = client.get(f"/study/compliance/?year={year}")
            assert response.status_code == 200

        bench.record("page_ms", h.median_ms(page, repeat=5, warmup=1))
    bench.write()


if __name__ == "__main__":
    main()
