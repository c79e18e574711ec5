"""What every benchmark shares: the machine line, the load average, timing, a scratch
PostgreSQL database, Django set up against it, and the JSON result.

    import sys; sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from _harness import Bench

    bench = Bench("consult_lists", targets={"unit_list_ms": 300})
    with bench.database(url) as db_url:        # dropped and created, dropped after
        bench.django(db_url)                   # settings, migrate
        bench.record("unit_list_ms", bench.median_ms(lambda: ..., repeat=7))
    bench.write()                              # bench/results/consult_lists.json, and print

Timings are medians of repeated calls; a result carries the machine, the date and the load
average at start and end so a reader can tell a busy run from a quiet one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
TEST_FIELD_KEY = "VGVzdC1vbmx5LWZpZWxkLWtleS0wMTIzNDU2Nzg5YWI="


def machine() -> dict[str, Any]:
    """The CPU, its count, memory, Python and the system."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gib = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    return {
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "memory_gib": memory_gib,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def median_ms(fn: Callable[[], Any], *, repeat: int = 5, warmup: int = 0) -> float:
    """The median wall time of `fn` in milliseconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def once_ms(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return round((time.perf_counter() - start) * 1000, 2), value


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 2)


def _admin_url(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"unexpected database name: {name!r}")
    return urllib.parse.urlunsplit(parts._replace(path="/postgres")), name


def recreate_database(url: str) -> None:
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def django_env(database_url: str | None, data_dir: str | None = None) -> dict[str, str]:
    """The environment a benchmark's Django (or a server it starts) runs with."""
    env = {
        "DJANGO_SETTINGS_MODULE": "gongjian.config.settings",
        "GONGJIAN_DATA_DIR": data_dir or tempfile.mkdtemp(prefix="gongjian-bench-"),
        "GONGJIAN_FIELD_KEY": TEST_FIELD_KEY,
        "GONGJIAN_SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def django_setup(database_url: str | None, *, migrate: bool = True) -> None:
    """Set up Django in this process against `database_url` (None: a scratch SQLite)."""
    os.environ.update(django_env(database_url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


class Bench:
    """One benchmark's result: figures recorded as they are measured, written as JSON."""

    def __init__(self, name: str, *, targets: dict[str, float] | None = None) -> None:
        self.name = name
        self.started = time.perf_counter()
        self.result: dict[str, Any] = {
            "benchmark": name,
            "date": dt.date.today().isoformat(),  # noqa: DTZ011 - the day of the run
            "machine": machine(),
            "load_average_at_start": load_average(),
            "targets": targets or {},
        }

    def record(self, key: str, value: Any) -> Any:
        self.result[key] = value
        print(f"  {key}: {value}", flush=True)
        return value

    median_ms = staticmethod(median_ms)
    once_ms = staticmethod(once_ms)

    @contextlib.contextmanager
    def database(self, url: str, *, keep: bool = False) -> Iterator[str]:
        recreate_database(url)
        try:
            yield url
        finally:
            if not keep:
                from django.db import connections

                with contextlib.suppress(Exception):
                    connections.close_all()
                drop_database(url)

    def django(self, database_url: str | None, *, migrate: bool = True) -> None:
        django_setup(database_url, migrate=migrate)

    def met(self) -> dict[str, bool]:
        """Each target (`<figure>: limit`, lower is better) against its figure."""
        return {
            k: bool(self.result.get(k) is not None and self.result[k] < limit)
            for k, limit in self.result["targets"].items()
        }

    def write(self) -> dict[str, Any]:
        self.result["load_average_at_end"] = load_average()
        self.result["elapsed_s"] = round(time.perf_counter() - self.started, 1)
        if self.result["targets"]:
            self.result["targets_met"] = self.met()
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{self.name}.json"
        path.write_text(json.dumps(self.result, ensure_ascii=False, indent=2) + "\n", "utf-8")
        print(json.dumps(self.result, ensure_ascii=False, indent=2))
        return self.result
