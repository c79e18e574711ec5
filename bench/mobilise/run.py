"""Benchmark: the arrival board of a mobilisation of 5,000 cadres over 500 places, read while
1,000 arrivals come in within a minute, against the app served by gunicorn (2 workers) on
PostgreSQL.

    .venv/bin/python bench/mobilise/run.py [--postgres URL] [--short]

The URL (default postgres://postgres@127.0.0.1:5432/gongjian_bench_mobilise) names a scratch
database: it is dropped and created again. Without a reachable PostgreSQL the benchmark says
so and stops (exit 0; nothing written). `--short` (500 cadres, 50 places, 100 arrivals in
10 s) checks that the script still works and writes nothing. It loads only 127.0.0.1, sends a
bounded number of requests, and stops by itself.

Steps, each in its own process, in a temporary data directory:
1. migrate; build a district, 50 units, 500 places and 5,000 in-service members, a
   mobilisation asking each unit for 10 cadres at each of 10 places, every cadre named and
   confirmed (rows written in bulk: the setup is not what is measured); 1,000 of the cadres
   and the district's administrator get an API token;
2. start gunicorn (2 workers, gthread × 4) on a free port of 127.0.0.1; warm up every token
   once;
3. for 60 s at once: the 1,000 cadres check in (`POST /api/v1/mobilise/arrivals` with their
   place's code), paced evenly over the minute, each on its own connection; and 4 board
   readers (boards left open on 4 screens) each read
   `GET /api/v1/mobilise/mobilisations/{id}/board` (per unit and per place: asked, named,
   confirmed, arrived) once a second (the page refreshes every 5 s; 4 × 1/s is 20 such
   screens); latency of every board answer;
4. count the arrivals in the database.

The board is computed at most once every 2 s per mobilisation and cached
(`mobilise.selectors.board_cached`); the setup also times the uncached computation of the
whole board (`selectors.board`, median of 7) straight against the database.

Results: bench/results/mobilise_board.json. Targets: board p95 < 200 ms, every arrival
written once, no 5xx.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import _harness as h

ROOT = h.ROOT
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gongjian_bench_mobilise"
WORKERS = 2
THREADS = 4
READERS = 4
READ_EVERY_S = 1.0  # each reader: a board left open, refreshing every second
FULL = {"cadres": 5000, "places": 500, "units": 50, "arrivals": 1000, "seconds": 60.0}
SHORT = {"cadres": 500, "places": 50, "units": 5, "arrivals": 100, "seconds": 10.0}


def log(message: str) -> None:
    h.log("mobilise", message)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--postgres", metavar="URL", default=DEFAULT_URL)
    parser.add_argument("--short", action="store_true", help="a small run; nothing written")
    parser.add_argument("--setup", metavar="JSON", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        print(json.dumps(setup(**json.loads(args.setup))))
        return
    size = SHORT if args.short else FULL
    if not h.postgres_reachable(args.postgres):
        print(f"SKIPPED: PostgreSQL is not reachable at {args.postgres}; nothing measured")
        return
    h.recreate_database(args.postgres)
    try:
        with tempfile.TemporaryDirectory(prefix="gongjian-bench-") as data_dir:
            phase = time.perf_counter()
            world = h.run_worker(
                __file__,
                json.dumps({k: size[k] for k in ("cadres", "places", "units", "arrivals")}),
                database_url=args.postgres,
                data_dir=data_dir,
                timeout=900,
                flag="--setup",
            )
            log(f"world built in {time.perf_counter() - phase:.1f} s")
            env = {**os.environ, **h.django_env(args.postgres, data_dir)}
            env["GONGJIAN_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
            result = measure(world, env, args.postgres, size)
    finally:
        h.drop_database(args.postgres)
    result["size"] = size
    print(
        f"board of {size['cadres']} cadres over {size['places']} places: p50 "
        f"{result['board_p50_ms']} ms, p95 {result['board_p95_ms']} ms, max "
        f"{result['board_max_ms']} ms over {result['board_reads']} reads; arrivals "
        f"{result['arrivals_in_database']}/{size['arrivals']} in {result['arrivals_s']} s"
    )
    h.write_result("mobilise_board", result, targets={"board_p95_ms": 200.0}, save=not args.short)


async def request(
    port: int, method: str, path: str, token: str, body: bytes = b""
) -> tuple[int, float]:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        )
        writer.write(head.encode() + body)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    status = int(raw.split(b" ", 2)[1]) if raw.startswith(b"HTTP/") else 0
    return status, (time.perf_counter() - started) * 1000


async def rush(port: int, world: dict[str, Any], seconds: float) -> dict[str, Any]:
    board = f"/api/v1/mobilise/mobilisations/{world['mobilisation']}/board"
    arrivals = world["arrivals"]  # (token, place code)
    statuses: dict[str, int] = {}
    board_ms: list[float] = []
    done = asyncio.Event()
    started = time.perf_counter()

    async def arrive(i: int, token: str, place: str) -> None:
        await asyncio.sleep(max(0.0, started + i * seconds / len(arrivals) - time.perf_counter()))
        body = json.dumps({"place_id": place}).encode()
        status, _ms = await request(port, "POST", "/api/v1/mobilise/arrivals", token, body)
        statuses[str(status)] = statuses.get(str(status), 0) + 1

    async def reader() -> None:
        while not done.is_set():
            tick = time.perf_counter()
            status, ms = await request(port, "GET", board, world["admin_token"])
            await asyncio.sleep(max(0.0, READ_EVERY_S - (time.perf_counter() - tick)))
            statuses[f"board {status}"] = statuses.get(f"board {status}", 0) + 1
            if status == 200:
                board_ms.append(ms)

    readers = [asyncio.create_task(reader()) for _ in range(READERS)]
    await asyncio.gather(*(arrive(i, t, p) for i, (t, p) in enumerate(arrivals)))
    arrivals_s = time.perf_counter() - started
    done.set()
    await asyncio.gather(*readers)
    return {"statuses": statuses, "board_ms": board_ms, "arrivals_s": round(arrivals_s, 1)}


def count_arrivals(url: str) -> tuple[int, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*), count(DISTINCT dispatch_id) FROM mobilise_arrival"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def measure(
    world: dict[str, Any], env: dict[str, str], url: str, size: dict[str, Any]
) -> dict[str, Any]:
    load_before = h.load_average()
    with h.gunicorn(env, workers=WORKERS, threads=THREADS) as port:
        log("warm-up")

        async def warm() -> None:
            sem = asyncio.Semaphore(50)

            async def one(token: str) -> None:
                async with sem:
                    await request(port, "GET", "/api/v1/mobilise/mobilisations", token)

            await asyncio.gather(
                *(one(t) for t, _p in world["arrivals"]), one(world["admin_token"])
            )

        asyncio.run(warm())
        idle = [
            asyncio.run(
                request(
                    port,
                    "GET",
                    f"/api/v1/mobilise/mobilisations/{world['mobilisation']}/board",
                    world["admin_token"],
                )
            )[1]
            for _ in range(10)
        ]
        log(
            f"the rush: {size['arrivals']} arrivals in {size['seconds']} s, {READERS} board readers"
        )
        got = asyncio.run(rush(port, world, size["seconds"]))
    rows, distinct = count_arrivals(url)
    ms = got["board_ms"]
    statuses = got["statuses"]
    return {
        "server": f"gunicorn, {WORKERS} workers, gthread × {THREADS} threads, PostgreSQL",
        "board_query_ms_uncached": world["board_query_ms"],
        "board_idle_median_ms": round(h.percentile(idle, 0.5), 1),
        "board_reads": len(ms),
        "board_p50_ms": round(h.percentile(ms, 0.5), 1) if ms else None,
        "board_p95_ms": round(h.percentile(ms, 0.95), 1) if ms else None,
        "board_max_ms": round(max(ms), 1) if ms else None,
        "arrivals_s": got["arrivals_s"],
        "arrivals_in_database": rows,
        "arrivals_distinct": distinct,
        "statuses": statuses,
        "errors_5xx": sum(n for s, n in statuses.items() if s.split()[-1].startswith("5")),
        "load_average_before": load_before,
        "load_average_after": h.load_average(),
    }


def setup(*, cadres: int, places: int, units: int, arrivals: int) -> dict[str, Any]:
    h.django_setup()
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from gongjian.accounts.models import User
    from gongjian.accounts.services import api_token_create
    from gongjian.core import crypto, synthetic
    from gongjian.mobilise.models import Dispatch, Mobilisation, Place, Quota
    from gongjian.orgs.models import Area, Member, PartyOrg, RoleAssignment, Unit

    per_place = cadres // places  # cadres at each place
    with transaction.atomic():
        district = Area.objects.create(
            code="MB", name="示范区", kind="district", path="/MB/", depth=0
        )
        the_units = Unit.objects.bulk_create(
            [
                Unit(code=f"U-{i:03d}", name=f"区直单位{i + 1:03d}", area=district)
                for i in range(units)
            ]
        )
        orgs = PartyOrg.objects.bulk_create(
            [
                PartyOrg(
                    code=f"O-{i:03d}",
                    name=f"{u.name}党支部",
                    kind="branch",
                    unit=u,
                    path=f"/O-{i:03d}/",
                )
                for i, u in enumerate(the_units)
            ]
        )
        admin = User.objects.create(
            username="district", display_name="区工委管理员", password_changed_at=timezone.now()
        )
        RoleAssignment.objects.create(user=admin, role="district_admin", area=district)
        users = User.objects.bulk_create(
            [
                User(
                    username=f"cadre{i:05d}",
                    display_name=f"干部{i}",
                    password_changed_at=timezone.now(),
                )
                for i in range(arrivals)
            ]
        )
        members = []
        for i in range(cadres):
            birth = dt.date(1970, 1, 1) + dt.timedelta(days=i % 9000)
            number = synthetic.id_number(birth=birth, seq=i)
            members.append(
                Member(
                    name=f"干部{i}",
                    gender="male",
                    birth_date=birth,
                    id_number=number,
                    id_number_hash=crypto.blind_index(number),
                    party_org=orgs[i % units],
                    unit=the_units[i % units],
                    in_service=True,
                    user=users[i] if i < arrivals else None,
                )
            )
        Member.objects.bulk_create(members, batch_size=1000)
        now = timezone.now()
        m = Mobilisation.objects.create(district=district, title="基准动员", starts_at=now)
        the_places = Place.objects.bulk_create(
            [
                Place(mobilisation=m, name=f"支援点{i + 1:03d}", kind="village")
                for i in range(places)
            ]
        )
        # unit u sends per_place cadres to each of its places: places u, u+units, u+2·units …
        quotas = Quota.objects.bulk_create(
            [
                Quota(mobilisation=m, unit=u, place=p, count=per_place, from_at=now)
                for k, p in enumerate(the_places)
                for u in [the_units[k % units]]
            ]
        )
        by_unit: dict[int, list[Member]] = {}
        for member in members:
            by_unit.setdefault(member.unit_id or 0, []).append(member)
        dispatches = []
        for q in quotas:
            crew = by_unit[q.unit_id]
            for _ in range(q.count):
                member = crew.pop()
                dispatches.append(
                    Dispatch(
                        mobilisation=m,
                        quota=q,
                        place_id=q.place_id,
                        unit_id=q.unit_id,
                        member=member,
                        confirmed_at=now,
                    )
                )
        Dispatch.objects.bulk_create(dispatches, batch_size=2000)
        place_code = {p.pk: str(p.public_id) for p in the_places}
        member_place = {d.member.pk: d.place_id for d in dispatches}
        tokens = [api_token_create(user=u, name="bench", days=1)[1] for u in users]
        admin_token = api_token_create(user=admin, name="bench", days=1)[1]
    from gongjian.mobilise import selectors

    query_ms = h.median_ms(lambda: selectors.board(mobilisation=m), repeat=7, warmup=1)
    return {
        "board_query_ms": query_ms,
        "mobilisation": str(m.public_id),
        "admin_token": admin_token,
        "arrivals": [
            (token, place_code[member_place[members[i].pk]]) for i, token in enumerate(tokens)
        ],
    }


if __name__ == "__main__":
    main()
