"""The sign-up rush in one process, for finding where a request's time goes: the app's own CPU
per request (ping vs sign-up) and the SQL statements of one sign-up, without gunicorn or a
load generator competing for the CPU.

    .venv/bin/python bench/signup_rush/per_request.py [--postgres URL] [--members N] [--cprofile]

With `--postgres URL` the named scratch database is dropped and created again (default: a
SQLite file in a temporary directory). Requests go through Django's test client, so every
middleware, token authentication and the ninja router run as under gunicorn. Prints; writes
nothing to the repository.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as h
import run  # the benchmark's own world builder


def cpu_ms_per_request(client: Any, method: str, paths: list[tuple[str, str]]) -> list[float]:
    out = []
    for path, token in paths:
        started = time.process_time()
        response = getattr(client, method)(path, HTTP_AUTHORIZATION=f"Bearer {token}")
        out.append((time.process_time() - started) * 1000)
        if response.status_code >= 400:
            raise SystemExit(f"{method} {path}: {response.status_code} {response.content!r}")
    return out


def show_queries(label: str, queries: list[dict[str, Any]]) -> None:
    print(f"{label}: {len(queries)} statements")
    for q in queries:
        print(f"  {q['sql'][:160]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--postgres", metavar="URL", default="")
    parser.add_argument("--members", type=int, default=600)
    parser.add_argument("--cprofile", action="store_true", help="profile 100 waiting sign-ups")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongjian-profile-") as data_dir:
        os.environ.pop("DATABASE_URL", None)
        if args.postgres:
            h.recreate_database(args.postgres)
        os.environ.update(h.django_env(args.postgres or None, data_dir))
        world = run.setup(people=args.members)
        profile(world, cprofile=args.cprofile)


def profile(world: dict[str, Any], *, cprofile: bool) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    tokens: list[str] = world["tokens"]
    ping = "/api/v1/service/ping"
    signup = f"/api/v1/service/activities/{world['activities'][0]}/signup"
    cpu_ms_per_request(client, "get", [(ping, t) for t in tokens])  # warm-up, last_used_at
    with CaptureQueriesContext(connection) as ctx:
        cpu_ms_per_request(client, "get", [(ping, tokens[0])])
    show_queries("ping", ctx.captured_queries)
    with CaptureQueriesContext(connection) as ctx:
        cpu_ms_per_request(client, "post", [(signup, tokens[0])])
    show_queries("sign-up (confirmed)", ctx.captured_queries)
    quota = world["quota"]
    confirmed = cpu_ms_per_request(client, "post", [(signup, t) for t in tokens[1:quota]])
    with CaptureQueriesContext(connection) as ctx:
        cpu_ms_per_request(client, "post", [(signup, tokens[quota])])
    show_queries("sign-up (waiting)", ctx.captured_queries)
    rest = tokens[quota + 1 :]
    if cprofile:
        import cProfile
        import pstats

        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        cpu_ms_per_request(client, "post", [(signup, t) for t in rest[:100]])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        rest = rest[100:]
    waiting = cpu_ms_per_request(client, "post", [(signup, t) for t in rest])
    pings = cpu_ms_per_request(client, "get", [(ping, t) for t in tokens])
    p, c, w = statistics.median(pings), statistics.median(confirmed), statistics.median(waiting)
    print(f"CPU per request (median): ping {p:.2f} ms; sign-up confirmed {c:.2f} ms, ", end="")
    print(f"waiting {w:.2f} ms")
    print(f"sign-up / ping: confirmed {c / p:.2f}×, waiting {w / p:.2f}×")


if __name__ == "__main__":
    main()
