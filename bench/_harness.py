"""What every benchmark shares: the machine line, the load average, timing, a scratch
PostgreSQL database, Django set up against it, a worker process per database, and the JSON
result.

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import _harness as h

    bench = h.Bench("consult_lists", targets={"unit_list_ms": 300})
    with bench.database(url) as db_url:        # dropped and created, dropped after
        bench.django(db_url)                   # settings, migrate
        bench.record("unit_list_ms", h.median_ms(lambda: ..., repeat=7))
    bench.write()                              # bench/results/consult_lists.json, and print

A benchmark that measures each database in its own process runs `run_worker(__file__, …)`
(the child is the same script with `--worker`, in a temporary data directory, printing its
figures as the last line of JSON) and writes what the workers return with `write_result`.

Timings are medians of repeated calls; a result carries the machine, the date and the load
average at start and end so a reader can tell a busy run from a quiet one. A short run (a
smaller world, to check that a script still works) prints its figures and writes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
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
_DATABASE_NAME = re.compile(r"[A-Za-z0-9_-]+")


# The machine and its load -------------------------------------------------------------------


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


def machine_line() -> str:
    """The machine in one line, for a report: `2 CPUs (AMD EPYC …), 23.5 GiB, Python 3.11.7`."""
    m = machine()
    return f"{m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, Python {m['python']}"


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def log(name: str, message: str) -> None:
    print(f"[{name}] {message}", file=sys.stderr, flush=True)


# Timing -------------------------------------------------------------------------------------


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
    """The wall time of one call of `fn` in milliseconds, and what it returned."""
    start = time.perf_counter()
    value = fn()
    return round((time.perf_counter() - start) * 1000, 2), value


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 2)


# A scratch PostgreSQL database --------------------------------------------------------------


def _admin_url(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not _DATABASE_NAME.fullmatch(name):
        raise SystemExit(f"unexpected database name: {name!r}")
    return urllib.parse.urlunsplit(parts._replace(path="/postgres")), name


def postgres_reachable(url: str) -> bool:
    """Whether the server of `url` answers (through its `postgres` database)."""
    import psycopg

    admin, _name = _admin_url(url)
    try:
        psycopg.connect(admin, connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def recreate_database(url: str) -> None:
    """Drop the database `url` names (it must be a scratch one) and create it empty."""
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


# Django, in this process or in a worker -----------------------------------------------------


def django_env(database_url: str | None, data_dir: str | None = None) -> dict[str, str]:
    """The environment a benchmark's Django (or a server it starts) runs with: the test keys,
    a data directory (the one given, this process's, or a new temporary one), quiet logs, the
    test client's host allowed. Without `database_url`, the database of the environment (the
    embedded SQLite when there is none)."""
    env = {
        "DJANGO_SETTINGS_MODULE": "gongjian.config.settings",
        "GONGJIAN_DATA_DIR": data_dir
        or os.environ.get("GONGJIAN_DATA_DIR")
        or tempfile.mkdtemp(prefix="gongjian-bench-"),
        "GONGJIAN_FIELD_KEY": TEST_FIELD_KEY,
        "GONGJIAN_SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
        "GONGJIAN_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "GONGJIAN_LOG_LEVEL": "ERROR",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def django_setup(database_url: str | None = None, *, migrate: bool = True) -> None:
    """Set up Django in this process against `database_url` (see `django_env`)."""
    os.environ.update(django_env(database_url))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def logged_in_client(user: Any) -> Any:
    """Django's test client logged in as `user`, with the second factor verified as the test
    suite does (`gongjian.conftest._verify_test_logins`): staff pages otherwise answer with the
    second-factor page, not the page being timed."""
    from django.contrib.auth.signals import user_logged_in
    from django.test import Client

    from gongjian.conftest import _verify_test_logins

    user_logged_in.connect(_verify_test_logins, dispatch_uid="bench-second-factor")
    client = Client()
    client.force_login(user)
    return client


def run_worker(
    script: str | Path,
    *args: str,
    database_url: str | None = None,
    data_dir: str | None = None,
    timeout: float | None = None,
    flag: str = "--worker",
) -> dict[str, Any]:
    """Run `script flag *args` in a process of its own against `database_url` (None: a fresh
    SQLite file), in `data_dir` or a temporary data directory; its figures are the last line
    it prints, as JSON. Its stderr (progress) goes to ours."""
    with tempfile.TemporaryDirectory(prefix="gongjian-bench-") as scratch:
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        env.update(django_env(database_url, data_dir or scratch))
        done = subprocess.run(
            [sys.executable, str(script), flag, *args],
            env=env,
            cwd=ROOT,
            check=False,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    sys.stderr.write(done.stderr)
    if done.returncode != 0:
        print(done.stdout[-3000:])
        raise SystemExit(f"{Path(script).name} {flag} failed on {database_url or 'SQLite'}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run_per_database(script: str | Path, *args: str, postgres: str | None = None) -> dict[str, Any]:
    """The script's worker on a fresh SQLite database and, when `postgres` names a scratch
    database, on it too (created, and dropped at the end): the SQLite figures, with the
    others under `other_databases`."""
    result = run_worker(script, *args)
    if postgres:
        recreate_database(postgres)
        try:
            result["other_databases"] = [run_worker(script, *args, database_url=postgres)]
        finally:
            drop_database(postgres)
    return result


def per_database_main(
    name: str,
    script: str | Path,
    worker: Callable[[int], dict[str, Any]],
    *,
    doc: str | None,
    size: str,
    default: int,
    help: str,
    summary: Callable[[dict[str, Any]], str],
    targets: dict[str, float],
) -> None:
    """The main of a benchmark measured by `run_per_database`: `--postgres URL`, `--<size> N`
    and the worker's hidden `--worker`. In the worker: prints `worker(N)` as its line of JSON.
    Else: a line `summary(run)` for each database, then the result `name` (written when N is
    the `default` size; a smaller one is a short run)."""
    import argparse

    parser = argparse.ArgumentParser(description=(doc or "").split("\n", 1)[0])
    parser.add_argument("--postgres", metavar="URL", help="also measure on this PostgreSQL db")
    parser.add_argument(f"--{size}", type=int, default=default, help=help)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    n = int(getattr(args, size))
    if args.worker:
        print(json.dumps(worker(n)))
        return
    result = run_per_database(script, f"--{size}", str(n), postgres=args.postgres)
    for run in [result, *result.get("other_databases", [])]:
        print(summary(run))
    write_result(name, result, targets=targets, save=n == default)


def database_vendor_version() -> tuple[str, str]:
    """The database Django is connected to, and its version."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return connection.vendor, str(cursor.fetchone()[0])


# The result ---------------------------------------------------------------------------------


def targets_met(result: dict[str, Any], targets: dict[str, float]) -> dict[str, bool]:
    """Each target (`<figure>: limit`, lower is better) against its figure."""
    return {
        k: bool(result.get(k) is not None and result[k] < limit) for k, limit in targets.items()
    }


def write_result(
    name: str,
    result: dict[str, Any],
    *,
    targets: dict[str, float] | None = None,
    save: bool = True,
    path: Path | None = None,
) -> dict[str, Any]:
    """The result with the machine, the date and the load average, printed, and written to
    `bench/results/<name>.json` (or `path`) unless `save` is false (a short run)."""
    out = {"benchmark": name, **result}
    out.setdefault("date", dt.date.today().isoformat())  # noqa: DTZ011 - the day of the run
    out.setdefault("machine", machine())
    out["load_average_at_end"] = load_average()
    if targets is not None:
        out["targets"] = targets
        met = targets_met(out, targets)
        if met:
            out["targets_met"] = met
    print(json.dumps(out, ensure_ascii=False, indent=2))
    if save:
        target = path or RESULTS / f"{name}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", "utf-8")
        print(f"written: {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    else:
        print("a short run: nothing written")
    return out


# The app served by gunicorn ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start within 60 s")


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, workers: int, threads: int) -> Iterator[int]:
    """The app served by gunicorn with the project's server settings
    (gongjian/config/gunicorn.py) on a free port of 127.0.0.1, ready: the port; stopped after."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-c",
        "python:gongjian.config.gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    try:
        wait_ready(port)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


# Generating in SQL ---------------------------------------------------------------------------


def execute_and_count(
    statements: list[str], params: dict[str, Any], counts: dict[str, str]
) -> dict[str, int]:
    """Run the generating `statements` with `params`, then count the rows of each table:
    `counts` maps a figure's name to its table."""
    from django.db import connection

    made: dict[str, int] = {}
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, params)
        for name, table in counts.items():
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our own table names
            made[name] = cursor.fetchone()[0]
    return made


def scaled_arguments(default_url: str) -> Any:
    """The arguments of a benchmark that generates a city in SQL: `--postgres URL`,
    `--scale` (a fraction of the city) and `--keep` (keep the database at the end)."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=default_url)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("GONGJIAN_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    return args


class Bench:
    """One benchmark's result: figures recorded as they are measured, written as JSON."""

    def __init__(self, name: str, *, targets: dict[str, float] | None = None) -> None:
        self.name = name
        self.started = time.perf_counter()
        self.targets = targets or {}
        self.result: dict[str, Any] = {
            "date": dt.date.today().isoformat(),  # noqa: DTZ011 - the day of the run
            "machine": machine(),
            "load_average_at_start": load_average(),
        }

    def record(self, key: str, value: Any) -> Any:
        self.result[key] = value
        print(f"  {key}: {value}", flush=True)
        return value

    @contextlib.contextmanager
    def database(self, url: str, *, keep: bool = False) -> Iterator[str]:
        recreate_database(url)
        try:
            yield url
        finally:
            if not keep:
                if "django" in sys.modules:
                    from django.db import connections

                    with contextlib.suppress(Exception):
                        connections.close_all()
                drop_database(url)

    def django(self, database_url: str | None, *, migrate: bool = True) -> None:
        django_setup(database_url, migrate=migrate)

    def write(self, *, save: bool = True) -> dict[str, Any]:
        self.result["elapsed_s"] = round(time.perf_counter() - self.started, 1)
        return write_result(self.name, self.result, targets=self.targets, save=save)
