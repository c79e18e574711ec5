"""Benchmark: importing a 10,000-member roster, and the member list of a ~7,000-member district.

    .venv/bin/python bench/import_members/run.py [--postgres postgres://user@host:5432/dbname]

Each database is measured in its own process, on a fresh database in a temporary data
directory: SQLite always; PostgreSQL when a URL is given (the database it names is dropped and
created again, and dropped at the end — point it at a scratch database). The figures go to
bench/results/import_members.json; the targets are an import under 10 s and a member list
page under 300 ms.

The world: district A (示范区) with streets, communities, units and branches, whose district
administrator imports 10,000 members from an .xlsx through `import_check` + `import_commit`,
timed; district B (东城区), whose administrator imports 6,834 members (the in-service members
of a real district's report) untimed, then opens their member list: 20 warm requests through
Django's test client, median and query count.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import _harness as h

ROWS = 10_000
LIST_DISTRICT_MEMBERS = 6_834
LIST_REQUESTS = 20


# The parent: one worker process per database --------------------------------------------------


def main() -> None:
    h.per_database_main(
        "import_members",
        __file__,
        worker,
        doc=__doc__,
        size="rows",
        default=ROWS,
        help="a smaller roster: a short run, not written",
        summary=lambda run: (
            f"{run['database']:<10} import {run['rows']} rows: check {run['check_s']:.2f} s + "
            f"commit {run['commit_s']:.2f} s = {run['total_s']:.2f} s "
            f"(CPU {run['total_cpu_s']:.2f} s, load {run['load_average_1min']}); member list of "
            f"{run['member_list_members']} members: p50 {run['member_list_ms_p50']:.1f} ms, "
            f"{run['member_list_queries']} queries"
        ),
        targets={"total_s": 10.0, "member_list_ms_p50": 300.0},
    )


# The worker: a fresh database, the world, the measurements ---------------------------------------


def worker(rows: int) -> dict[str, Any]:
    phase = time.perf_counter()
    h.django_setup()
    log(f"migrated in {time.perf_counter() - phase:.1f} s")
    phase = time.perf_counter()
    world = build_world()
    log(f"world built in {time.perf_counter() - phase:.1f} s")
    rng = random.Random(20260101)

    # The timed import: 10,000 members by district A's administrator.
    from gongjian.core.imports import import_check, import_commit
    from gongjian.core.models import ImportBatch

    data = roster(rng, rows, world["a_orgs"], start=0)
    log(f"roster of {rows} rows: {len(data) // 1024} KiB")
    started, cpu_started = time.perf_counter(), time.process_time()
    batch = import_check(
        actor=world["a_admin"], kind="members", data=data, filename="党员名册.xlsx"
    )
    checked, cpu_checked = time.perf_counter(), time.process_time()
    if batch.status != ImportBatch.Status.CHECKED:
        raise SystemExit(f"the roster did not check: {batch.errors[:5]}")
    batch = import_commit(actor=world["a_admin"], token=batch.token)
    committed, cpu_committed = time.perf_counter(), time.process_time()
    log(f"imported: check {checked - started:.2f} s, commit {committed - checked:.2f} s")
    assert batch.written == rows, batch.written

    # District B: 6,834 members, then its administrator's member list.
    listed = LIST_DISTRICT_MEMBERS * rows // ROWS
    data_b = roster(rng, listed, world["b_orgs"], start=rows)
    batch_b = import_check(actor=world["b_admin"], kind="members", data=data_b, filename="b.xlsx")
    import_commit(actor=world["b_admin"], token=batch_b.token)
    p50, queries, shown = member_list(world["b_admin"])
    vendor, version = h.database_vendor_version()

    return {
        "rows": rows,
        "check_s": round(checked - started, 3),
        "commit_s": round(committed - checked, 3),
        "total_s": round(committed - started, 3),
        # CPU time of this process: what the wall time would be on an idle machine.
        "check_cpu_s": round(cpu_checked - cpu_started, 3),
        "commit_cpu_s": round(cpu_committed - cpu_checked, 3),
        "total_cpu_s": round(cpu_committed - cpu_started, 3),
        "load_average_1min": h.load_average()[0],
        "file_bytes": len(data),
        "member_list_members": shown,
        "member_list_ms_p50": round(p50, 1),
        "member_list_queries": queries,
        "database": vendor,
        "database_version": version,
    }


def log(message: str) -> None:
    h.log(f"import_members {os.environ.get('DATABASE_URL', 'sqlite').split('://')[0]}", message)


def build_world() -> dict[str, Any]:
    """Two districts, each with streets, communities, units and their branches, and an
    administrator; written through the services, as the platform administrator."""
    from django.utils import timezone

    from gongjian.accounts.models import User
    from gongjian.orgs import services
    from gongjian.orgs.models import RoleAssignment

    root = User.objects.create(username="platform", is_superuser=True, is_staff=True)

    def district(code: str, name: str, units: int) -> tuple[Any, list[str], Any]:
        d = services.area_create(actor=root, code=code, name=name, kind="district", parent=None)
        streets = [
            services.area_create(
                actor=root, code=f"{code}{s:02d}", name=f"{name}第{s}街道", kind="street", parent=d
            )
            for s in range(1, 7)
        ]
        for street in streets:
            for c in range(1, 7):
                community = services.area_create(
                    actor=root,
                    code=f"{street.code}{c:02d}",
                    name=f"{street.name}第{c}社区",
                    kind="community",
                    parent=street,
                )
                services.party_org_create(
                    actor=root,
                    code=f"{community.code}-P",
                    name=f"{community.name}党委",
                    kind="committee",
                    area=community,
                )
        wc = services.party_org_create(
            actor=root,
            code=f"{code}-WC",
            name=f"{name}直属机关工委",
            kind="working_committee",
            area=d,
        )
        branches: list[str] = []
        for u in range(1, units + 1):
            unit = services.unit_create(
                actor=root, code=f"{code}-U{u:03d}", name=f"{name}第{u}机关", area=d
            )
            committee = services.party_org_create(
                actor=root,
                code=f"{unit.code}-C",
                name=f"{unit.name}党委",
                kind="committee",
                parent=wc,
                unit=unit,
            )
            for b in range(1, 4):
                branch = services.party_org_create(
                    actor=root,
                    code=f"{unit.code}-B{b}",
                    name=f"{unit.name}第{b}党支部",
                    kind="branch",
                    parent=committee,
                    unit=unit,
                )
                branches.append(branch.code)
        admin = User.objects.create(
            username=f"{code.lower()}-admin", password_changed_at=timezone.now()
        )
        RoleAssignment.objects.create(user=admin, role="district_admin", area=d)
        return d, branches, admin

    _a, a_orgs, a_admin = district("SF", "示范区", 60)
    _b, b_orgs, b_admin = district("DC", "东城区", 55)
    return {"a_orgs": a_orgs, "a_admin": a_admin, "b_orgs": b_orgs, "b_admin": b_admin}


_SEEN: set[str] = set()  # ID numbers handed out so far, over both districts


def roster(rng: random.Random, n: int, orgs: list[str], *, start: int) -> bytes:
    """An .xlsx roster of `n` synthetic members with distinct ID numbers."""
    from gongjian.core import synthetic
    from gongjian.core.exports import write_xlsx

    headers = ["姓名", "身份证号", "手机号", "党员类别", "入党日期", "所在党组织编码", "在职党员"]
    rows = []
    for i in range(start, start + n):
        while True:
            birth = synthetic.birth_date(rng)
            number = synthetic.id_number(birth=birth, seq=rng.randrange(1000))
            if number not in _SEEN:
                _SEEN.add(number)
                break
        joined = birth + dt.timedelta(days=rng.randint(19 * 365, 22 * 365))
        rows.append(
            [
                synthetic.name(rng),
                number,
                synthetic.phone(i),
                "正式党员" if rng.random() < 0.95 else "预备党员",
                joined.isoformat(),
                rng.choice(orgs),
                "是",
            ]
        )
    return write_xlsx(headers, rows, title="党员名册")


def member_list(admin: Any) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from gongjian.orgs import selectors

    client = h.logged_in_client(admin)
    url = reverse("orgs:member_list")
    for _ in range(3):  # warm
        assert client.get(url).status_code == 200
    timings = []
    for _ in range(LIST_REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(timings), len(queries), selectors.member_list(actor=admin).count()


if __name__ == "__main__":
    main()
