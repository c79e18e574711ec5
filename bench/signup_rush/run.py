"""Benchmark: a sign-up rush — 2,000 sign-up requests from 200 concurrent clients for an
activity with 100 places, against the app served by gunicorn (2 workers) on PostgreSQL.

    .venv/bin/python bench/signup_rush/run.py [--postgres URL] [--threads N]

The URL (default postgres://postgres@127.0.0.1:5432/gongjian_bench_signup) names a scratch
database: it is dropped and created again. Without a reachable PostgreSQL the benchmark says
so and stops (exit 0; nothing written). It loads only 127.0.0.1, sends a bounded number of
requests, and stops by itself.

Steps, each in its own process, in a temporary data directory:
1. migrate; build a district, a community, a unit and 2,000 in-service members living there,
   each with an API token (`gongjian.accounts.services.api_token_create`); publish three rush
   activities (100 places each) and, for the database floor, a twin activity;
2. start gunicorn (2 workers) on a free port of 127.0.0.1;
3. warm up: each token calls `GET /api/v1/service/ping` once (so the once-per-5-minutes
   `last_used_at` write of token auth falls outside the measured runs);
4. three rounds, each of
   - the framework floor: 2,000 `GET /api/v1/service/ping` (a trivial authenticated
     endpoint) from 200 concurrent clients — the most this stack can do right then;
   - the rush: 2,000 `POST /api/v1/service/activities/{id}/signup` for a fresh activity, one
     per member, from 200 concurrent clients, each request on its own connection (a member's
     phone); latency per request, status codes, confirmed vs waiting, confirmed in the
     database;
   the round with the median sign-up rate is reported (all three are in the results, with
   the load average before and after: the machine is shared, and a round costs ~10 s);
5. database floor: the same conditional UPDATE (`confirmed_count = confirmed_count + 1 WHERE
   id = … AND confirmed_count < quota`, one transaction each) 2,000 times straight to
   PostgreSQL from as many connections as the server holds (2 workers × threads).

Results: bench/results/signup_rush.json. Targets: accepted == quota, no 5xx, rps ≥ ½ of the
framework floor, p99 < 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import _harness as h

ROOT = h.ROOT
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gongjian_bench_signup"
QUOTA = 100
REQUESTS = 2_000
CONCURRENCY = 200
WORKERS = 2
ROUNDS = 3  # each a framework floor then a rush on a fresh activity; the median is reported
REQUEST_TIMEOUT_S = 30.0


# The parent ---------------------------------------------------------------------------------


def log(message: str) -> None:
    h.log("signup_rush", message)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--postgres", metavar="URL", default=DEFAULT_URL)
    parser.add_argument(
        "--threads", type=int, default=4, help="gunicorn threads per worker (gthread)"
    )
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        print(json.dumps(setup()))
        return
    if not h.postgres_reachable(args.postgres):
        print(f"SKIPPED: PostgreSQL is not reachable at {args.postgres}; nothing measured")
        return
    h.recreate_database(args.postgres)
    with tempfile.TemporaryDirectory(prefix="gongjian-bench-") as data_dir:
        phase = time.perf_counter()
        world = h.run_worker(
            __file__, database_url=args.postgres, data_dir=data_dir, timeout=600, flag="--setup"
        )
        log(f"world built in {time.perf_counter() - phase:.1f} s")
        env = {**os.environ, **h.django_env(args.postgres, data_dir)}
        env["GONGJIAN_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
        result = measure(world, env, args.postgres, threads=args.threads)
    met = result["targets_met"]
    print(
        f"signup rush: {result['requests']} requests, {result['concurrency']} clients, "
        f"quota {result['quota']}: accepted {result['accepted']}, waiting {result['waiting']}, "
        f"5xx {result['errors_5xx']}; {result['rps']:.0f} rps (framework floor "
        f"{result['framework_floor_rps']:.0f}, database floor {result['db_floor_rps']:.0f}); "
        f"p50 {result['p50_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms; "
        f"targets {'met' if all(met.values()) else 'NOT met: ' + str(met)}"
    )
    h.write_result("signup_rush", result)


def measure(
    world: dict[str, Any], env: dict[str, str], url: str, *, threads: int
) -> dict[str, Any]:
    load_before = h.load_average()
    rounds: list[dict[str, Any]] = []
    with h.gunicorn(env, workers=WORKERS, threads=threads) as port:
        tokens: list[str] = world["tokens"]
        ping = "/api/v1/service/ping"
        log("warm-up")
        asyncio.run(load(port, [("GET", ping, t) for t in tokens], CONCURRENCY))
        for i, activity in enumerate(world["activities"]):
            log(f"round {i + 1} of {ROUNDS}: framework floor, then the sign-up rush")
            floor = asyncio.run(load(port, [("GET", ping, t) for t in tokens], CONCURRENCY))
            signup = f"/api/v1/service/activities/{activity}/signup"
            rush = asyncio.run(load(port, [("POST", signup, t) for t in tokens], CONCURRENCY))
            rounds.append(
                one_round(rush, floor, confirmed=count_confirmed(url, world["activity_ids"][i]))
            )
    log("database floor")
    db_floor = database_floor(url, world["twin_id"], connections=WORKERS * threads)

    median = sorted(rounds, key=lambda r: r["rps"])[len(rounds) // 2]
    result = {
        "quota": QUOTA,
        "requests": REQUESTS,
        "concurrency": CONCURRENCY,
        **median,
        "db_floor_rps": round(db_floor, 1),
        "server": (
            f"gunicorn, {WORKERS} workers, gthread × {threads} threads, at most 32 connections "
            "per worker (gongjian/config/gunicorn.py), PostgreSQL"
        ),
        "db_floor_connections": WORKERS * threads,
        "rounds": rounds,
        "reported_round": "the median of the rounds by sign-up rps",
        "load_average_before": load_before,
        "load_average_after": h.load_average(),
    }
    result["targets_met"] = {
        "accepted_equals_quota": all(
            r["accepted"] == QUOTA and r["confirmed_in_database"] == QUOTA for r in rounds
        ),
        "no_5xx": all(r["errors_5xx"] == 0 and r["failed_connections"] == 0 for r in rounds),
        "rps_at_least_half_of_floor": result["rps"] >= result["framework_floor_rps"] / 2,
        "p99_under_1s": result["p99_ms"] < 1000,
    }
    return result


def one_round(rush: dict[str, Any], floor: dict[str, Any], *, confirmed: int) -> dict[str, Any]:
    """The figures of one round: a framework floor and the rush right after it."""
    bodies = [r["body"] for r in rush["responses"] if r["status"] == 201]
    statuses: dict[str, int] = {}
    for r in rush["responses"]:
        statuses[str(r["status"])] = statuses.get(str(r["status"]), 0) + 1
    return {
        "accepted": sum(1 for b in bodies if b.get("status") == "confirmed"),
        "waiting": sum(1 for b in bodies if b.get("status") == "waiting"),
        "confirmed_in_database": confirmed,
        "statuses": statuses,
        "errors_5xx": sum(n for s, n in statuses.items() if s.startswith("5")),
        "failed_connections": statuses.get("0", 0),
        "rps": round(rush["rps"], 1),
        "p50_ms": round(rush["p50_ms"], 1),
        "p99_ms": round(rush["p99_ms"], 1),
        "framework_floor_rps": round(floor["rps"], 1),
        "framework_floor_p99_ms": round(floor["p99_ms"], 1),
    }


async def one_request(port: int, method: str, path: str, token: str) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        request = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nContent-Length: 0\r\n"
            "Connection: close\r\n\r\n"
        )
        writer.write(request.encode())
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head, _sep, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    return status, body


async def load(port: int, jobs: list[tuple[str, str, str]], concurrency: int) -> dict[str, Any]:
    """Run the jobs with at most `concurrency` in flight; latency of each, overall rate."""
    queue: asyncio.Queue[tuple[str, str, str]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    responses: list[dict[str, Any]] = []
    latencies: list[float] = []

    async def client() -> None:
        while not queue.empty():
            method, path, token = queue.get_nowait()
            started = time.perf_counter()
            try:
                status, body = await asyncio.wait_for(
                    one_request(port, method, path, token), REQUEST_TIMEOUT_S
                )
            except (OSError, TimeoutError, ValueError, IndexError):
                status, body = 0, b""
            latencies.append((time.perf_counter() - started) * 1000)
            try:
                parsed = json.loads(body.decode() or "{}") if status else {}
            except ValueError:
                parsed = {}
            responses.append({"status": status, "body": parsed})

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": len(jobs) / elapsed,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "responses": responses,
    }


def database_floor(url: str, activity_id: int, *, connections: int) -> float:
    """The sign-up's conditional UPDATE alone, one transaction each, from `connections`
    connections at once: the most the database does for this row."""
    import psycopg

    sql = (
        "UPDATE service_activity SET confirmed_count = confirmed_count + 1 "
        "WHERE id = %s AND confirmed_count < quota"
    )

    async def run() -> float:
        conns = [await psycopg.AsyncConnection.connect(url) for _ in range(connections)]
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(REQUESTS):
            queue.put_nowait(i)

        async def worker(conn: Any) -> None:
            while not queue.empty():
                queue.get_nowait()
                async with conn.transaction():
                    await conn.execute(sql, (activity_id,))

        started = time.perf_counter()
        await asyncio.gather(*(worker(c) for c in conns))
        elapsed = time.perf_counter() - started
        for c in conns:
            await c.close()
        return REQUESTS / elapsed

    return asyncio.run(run())


def count_confirmed(url: str, activity_id: int) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM service_signup WHERE activity_id = %s AND status = 'confirmed'",
            (activity_id,),
        ).fetchone()
    return int(row[0]) if row else -1


# The setup process: a fresh database and the world ---------------------------------------------


def setup(*, people: int = REQUESTS) -> dict[str, Any]:
    h.django_setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from gongjian.accounts.models import User
    from gongjian.accounts.services import api_token_create
    from gongjian.core import crypto, synthetic
    from gongjian.orgs.models import Area, Member, PartyOrg, Unit
    from gongjian.service.models import Activity, ServiceCategory

    with transaction.atomic():
        district = Area.objects.create(
            code="BR", name="示范区", kind="district", path="/BR/", depth=0
        )
        street = Area.objects.create(
            code="BR01", name="青禾街道", kind="street", parent=district, path="/BR/BR01/", depth=1
        )
        community = Area.objects.create(
            code="BR0101",
            name="晨辉社区",
            kind="community",
            parent=street,
            path="/BR/BR01/BR0101/",
            depth=2,
        )
        unit = Unit.objects.create(code="U-BR", name="区税务局", area=district)
        org = PartyOrg.objects.create(
            code="BR-TAX", name="区税务局党委", kind="committee", unit=unit, path="/BR-TAX/"
        )
        unusable = make_password(None)
        users = User.objects.bulk_create(
            [
                # An unusable password: an empty one counts as usable and expired, and the
                # log-in policy would answer every request 403 password_expired.
                User(username=f"rush{i:04d}", display_name=f"党员{i}", password=unusable)
                for i in range(people)
            ]
        )
        members = []
        for i, user in enumerate(users):
            birth = dt.date(1970, 1, 1) + dt.timedelta(days=i * 5)
            number = synthetic.id_number(birth=birth, seq=i)
            members.append(
                Member(
                    name=f"党员{i}",
                    gender="male",
                    birth_date=birth,
                    id_number=number,
                    id_number_hash=crypto.blind_index(number),
                    party_org=org,
                    unit=unit,
                    in_service=True,
                    home_community=community,
                    user=user,
                )
            )
        Member.objects.bulk_create(members, batch_size=500)
        tokens = [api_token_create(user=u, name="bench", days=1)[1] for u in users]
        now = timezone.now()
        starts = now + dt.timedelta(days=1)
        common = {
            "category": ServiceCategory.objects.get(code="red"),
            "area": community,
            "community": community,
            "address": "晨辉社区党群服务中心",
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=2),
            "quota": QUOTA,
            "signup_opens_at": now - dt.timedelta(minutes=5),
            "signup_closes_at": starts,
        }
        rushes = [
            Activity.objects.create(title=f"热门活动：义诊进社区（第{i + 1}轮）", **common)
            for i in range(ROUNDS)
        ]
        twin = Activity.objects.create(title="数据库基准的孪生活动", **common)
    return {
        "tokens": tokens,
        "activities": [str(a.public_id) for a in rushes],
        "activity_ids": [a.pk for a in rushes],
        "twin_id": twin.pk,
        "quota": QUOTA,
    }


if __name__ == "__main__":
    main()
