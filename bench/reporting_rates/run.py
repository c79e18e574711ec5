"""Benchmark: the reporting-rates page (双报到报到率).

1. The demo district (`gongjian demo`, ~5,500 in-service members), on the database of
   DATABASE_URL or the embedded SQLite: the district rates page must answer in < 300 ms.
2. A generated city on PostgreSQL: 200,000 members, 3,000 communities, 2,000 units, written
   with COPY: the district rates page at every level must answer in < 1 s, with a bounded
   number of queries (the same count as for the demo district).

Each run uses a throw-away database (created, migrated, dropped). Results go to
bench/results/reporting_rates.json.

    .venv/bin/python bench/reporting_rates/run.py            # demo (SQLite) + city (PostgreSQL)
    PG_URL=postgres://postgres@127.0.0.1:5432/gongjian .venv/bin/python bench/reporting_rates/run.py
    .venv/bin/python bench/reporting_rates/run.py --city-members 20000   # a smaller city
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import _harness as h

LEVELS = ("unit", "org", "community", "street")
DEMO_LIMIT_MS = 300
CITY_LIMIT_MS = 1000
REPEAT = 7
CITY = {"--city-members": 200_000, "--city-communities": 3_000, "--city-units": 2_000}


def _measure(user: Any) -> dict[str, Any]:
    """Median time and query count of the rates page, per level, for `user`."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    client = h.logged_in_client(user)
    out: dict[str, Any] = {}
    for level in LEVELS:
        url = f"/reporting/rates/?level={level}"
        warm = client.get(url)
        assert warm.status_code == 200, (warm.status_code, warm.get("Location"))
        times = []
        for _ in range(REPEAT):
            reset_queries()
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        out[level] = {
            "median_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1),
            "queries": len(queries.captured_queries),
        }
    return out


def _fresh_database() -> Any:
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return connection


def _drop(old_name: str) -> None:
    from django.db import connection

    connection.creation.destroy_test_db(old_name, verbosity=0)


def run_demo() -> dict[str, Any]:
    from django.db import connection

    old = connection.settings_dict["NAME"]
    _fresh_database()
    try:
        from gongjian.accounts.models import User
        from gongjian.orgs import demo

        started = time.perf_counter()
        ctx = demo.build_orgs()
        demo.build_apps(ctx)
        built = time.perf_counter() - started
        from gongjian.orgs.models import Member

        result = {
            "database": connection.vendor,
            "in_service_members": Member.objects.filter(in_service=True).count(),
            "build_s": round(built, 1),
            "levels": _measure(User.objects.get(username="district")),
            "limit_ms": DEMO_LIMIT_MS,
        }
    finally:
        _drop(old)
    return result


def _copy(cursor: Any, table: str, columns: list[str], rows: Any) -> None:
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row))
        buf.write("\n")
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(buf.getvalue())


def _member_row(
    i: int, branch: Any, community: Any, grid: Any, state: str, sealed: str, spare: Any, now: Any
) -> tuple[Any, ...]:
    home = state == "confirmed"
    return (
        uuid.uuid4(), f"党员{i}", "male", "1990-01-01", sealed, f"bench-{i:012d}", "", "",
        "full", (branch or spare).pk, branch.unit_id if branch else None,
        "t" if branch else "f", "f", "f",
        community.pk if home else None, grid.pk if home else None,
        "t", now.isoformat(), now.isoformat(),
    )  # fmt: skip


def _report_row(
    member_id: int, community: Any, grid: Any, state: str, at: Any, now: Any
) -> tuple[Any, ...]:
    done = at.isoformat() if state == "confirmed" else None
    return (
        uuid.uuid4(), member_id, community.pk, grid.pk, state, "self", at.isoformat(),
        done, done, "", now.isoformat(), now.isoformat(),
    )  # fmt: skip


def build_city(members: int, communities: int, units: int) -> dict[str, Any]:
    """A city of one district: streets of 20 communities of 6 grids, units with a committee
    and two branches, members mostly in service; about 90% confirmed, 4% pending."""
    import random

    from django.db import connection, transaction
    from django.utils import timezone

    from gongjian.accounts.models import User
    from gongjian.orgs import history
    from gongjian.orgs.models import Area, Member, PartyOrg, RoleAssignment, Unit

    rng = random.Random(2026)
    started = time.perf_counter()
    with transaction.atomic():
        district = Area.objects.create(code="C", name="大城区", kind="district", path="/C/")
        streets = Area.objects.bulk_create(
            Area(
                code=f"C{s:03d}",
                name=f"第{s}街道",
                kind="street",
                parent=district,
                path=f"/C/C{s:03d}/",
                depth=1,
            )
            for s in range(1, communities // 20 + 1)
        )
        comms = Area.objects.bulk_create(
            Area(
                code=f"{st.code}{c:02d}",
                name=f"{st.name}第{c}社区",
                kind="community",
                parent=st,
                path=f"{st.path}{st.code}{c:02d}/",
                depth=2,
            )
            for st in streets
            for c in range(1, 21)
        )
        grids = Area.objects.bulk_create(
            (
                Area(
                    code=f"{cm.code}{g}",
                    name=f"{cm.name}第{g}网格",
                    kind="grid",
                    parent=cm,
                    path=f"{cm.path}{cm.code}{g}/",
                    depth=3,
                )
                for cm in comms
                for g in range(1, 7)
            ),
            batch_size=5000,
        )
        grids_of: dict[int, list[Area]] = {}
        for g in grids:
            grids_of.setdefault(g.parent_id or 0, []).append(g)
        unit_rows = Unit.objects.bulk_create(
            Unit(code=f"U{u:04d}", name=f"第{u}机关", area=district) for u in range(1, units + 1)
        )
        wc = PartyOrg.objects.create(
            code="WC", name="机关工委", kind="working_committee", area=district, path="/WC/"
        )
        committees = PartyOrg.objects.bulk_create(
            PartyOrg(
                code=u.code,
                name=f"{u.name}党委",
                kind="committee",
                parent=wc,
                unit=u,
                path=f"/WC/{u.code}/",
                depth=1,
            )
            for u in unit_rows
        )
        branches = PartyOrg.objects.bulk_create(
            (
                PartyOrg(
                    code=f"{c.code}-{b}",
                    name=f"{c.name}第{b}支部",
                    kind="branch",
                    parent=c,
                    unit_id=c.unit_id,
                    path=f"{c.path}{c.code}-{b}/",
                    depth=2,
                )
                for c in committees
                for b in (1, 2)
            ),
            batch_size=5000,
        )
        user = User.objects.create(username="city-district", password_changed_at=timezone.now())
        RoleAssignment.objects.create(user=user, role="district_admin", area=district)
        sealed = Member._meta.get_field("id_number").get_prep_value("110199199001011234")
        now = timezone.now()
        member_cols = [
            "public_id", "name", "gender", "birth_date", "id_number", "id_number_hash", "phone",
            "phone_hash", "status", "party_org_id", "unit_id", "in_service", "is_deputy",
            "is_committee_member", "home_community_id", "home_grid_id", "is_active",
            "created_at", "updated_at",
        ]  # fmt: skip
        plan = []
        for i in range(members):
            branch = branches[i % len(branches)] if i < members * 0.9 else None
            community = comms[rng.randrange(len(comms))]
            grid = rng.choice(grids_of[community.pk])
            roll = rng.random()
            state = "confirmed" if roll < 0.9 else ("submitted" if roll < 0.94 else "")
            plan.append((branch, community, grid, state if branch else ""))
        with connection.cursor() as cursor:
            raw = cursor.cursor
            _copy(
                raw,
                Member._meta.db_table,
                member_cols,
                (
                    _member_row(i, b, c, g, state, sealed, branches[0], now)
                    for i, (b, c, g, state) in enumerate(plan)
                ),
            )
            cursor.execute(
                f"SELECT id FROM {Member._meta.db_table} ORDER BY id"  # noqa: S608
            )
            ids = [r[0] for r in cursor.fetchall()]
            cursor.execute(history.OPEN_ALL_SQL)  # each member's open spell (ADR 0030)
            report_cols = [
                "public_id", "member_id", "community_id", "grid_id", "status", "source",
                "submitted_at", "decided_at", "confirmed_at", "reject_reason", "created_at",
                "updated_at",
            ]  # fmt: skip
            _copy(
                raw,
                "reporting_memberreport",
                report_cols,
                (
                    _report_row(pk, c, g, state, now - dt.timedelta(days=rng.randint(1, 400)), now)
                    for pk, (_b, c, g, state) in zip(ids, plan, strict=True)
                    if state
                ),
            )
            cursor.execute("ANALYZE")
    return {
        "members": members,
        "communities": len(comms),
        "units": len(unit_rows),
        "grids": len(grids),
        "build_s": round(time.perf_counter() - started, 1),
        "user": user,
    }


def run_city(members: int, communities: int, units: int) -> dict[str, Any]:
    from django.db import connection

    old = connection.settings_dict["NAME"]
    _fresh_database()
    try:
        made = build_city(members, communities, units)
        user = made.pop("user")
        result = {"database": connection.vendor, **made, "levels": _measure(user)}
        result["limit_ms"] = CITY_LIMIT_MS
    finally:
        _drop(old)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--part", choices=("all", "demo", "city"), default="all")
    for option, default in CITY.items():
        parser.add_argument(
            option, type=int, default=default, help="below the default: a short run"
        )
    args = parser.parse_args()
    pg_url = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/gongjian_bench")
    size = (args.city_members, args.city_communities, args.city_units)
    if args.part == "all":
        # Each part in its own process: each has its own database settings.
        city = [str(x) for pair in zip(CITY, size, strict=True) for x in pair]
        demo_url = os.environ.get("DATABASE_URL")
        results: dict[str, Any] = {
            "demo": h.run_worker(__file__, "demo", *city, database_url=demo_url, flag="--part"),
            "city": h.run_worker(__file__, "city", *city, database_url=pg_url, flag="--part"),
        }
        ok = True
        for part in ("demo", "city"):
            r = results[part]
            for level, m in r["levels"].items():
                flag = "ok" if m["median_ms"] < r["limit_ms"] else "SLOW"
                ok = ok and flag == "ok"
                print(
                    f"{part:5} {r['database']:10} {level:9} median {m['median_ms']:7.1f} ms"
                    f"  max {m['max_ms']:7.1f} ms  {m['queries']:3d} queries  {flag}"
                )
        h.write_result("reporting_rates", results, save=size == tuple(CITY.values()))
        return 0 if ok else 1
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["GONGJIAN_DATA_DIR"] = data_dir
        if args.part == "demo":
            h.django_setup(os.environ.get("DATABASE_URL"), migrate=False)
            result = run_demo()
        else:
            h.django_setup(pg_url, migrate=False)
            result = run_city(*size)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
