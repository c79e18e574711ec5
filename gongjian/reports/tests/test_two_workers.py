"""Two app server processes (gunicorn, 2 workers, the default per-process cache) share one
database: a figure read from either worker right after a write through the API already counts
the write. Each worker caches its answers in its own memory; only the data version, kept in
the database, tells both that the data changed (ADR 0007, ADR 0020).

The servers run on a database of their own (a SQLite file in a temporary data directory),
built and filled by the project's own commands, so the test does not depend on the test
database of the run."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SETUP = """
import datetime as dt, json
from decimal import Decimal
from django.utils import timezone
from gongjian.accounts.services import api_token_create
from gongjian.service.models import Activity, ServiceCategory
from gongjian.testing.cast import build_cast, make_member

c = build_cast()
category = ServiceCategory.objects.create(code="T", name="测试类别", colour="#336699")
now = timezone.now()
activity = Activity.objects.create(
    title="测试活动", category=category, area=c.chenhui, community=c.chenhui, address="一号",
    starts_at=now - dt.timedelta(minutes=30), ends_at=now + dt.timedelta(hours=2), quota=20,
    signup_opens_at=now - dt.timedelta(days=2), signup_closes_at=now - dt.timedelta(hours=1),
    unit=c.tax,
)
members = [make_member(f"志愿者{i}", c.tax_branch, unit=c.tax) for i in range(3)]
_token, key = api_token_create(user=c.district_admin, name="test", days=1)
print(json.dumps({
    "token": key, "node": f"area:{c.district.pk}", "activity": str(activity.public_id),
    "members": [str(m.public_id) for m in members],
}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE")}
    env.pop("GONGJIAN_REDIS_URL", None)  # the default cache: each worker's own memory
    env.pop("REDIS_URL", None)
    env["GONGJIAN_DATA_DIR"] = str(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = "gongjian.config.settings"
    return env


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "gongjian", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _call(url: str, token: str, data: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(  # noqa: S310 (a local address)
        url,
        data=json.dumps(data).encode() if data is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST" if data is not None else "GET",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (local)
        body = response.read()
    return json.loads(body) if body else None


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    env = _env(tmp_path)
    _run(env, "migrate", "--noinput", "-v", "0")
    world = json.loads(_run(env, "shell", "-c", SETUP).strip().splitlines()[-1])
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:gongjian.config.gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "1",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/", timeout=5).close()  # noqa: S310 (local)
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("the server did not start") from None
                time.sleep(0.3)
        yield base, world
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_write_through_one_worker_is_counted_by_both(
    servers: tuple[str, dict[str, Any]],
) -> None:
    """Given both workers have counted (and cached) the district's figures, when attendances
    are written through the API, then every read that follows, from whichever worker answers,
    counts them."""
    base, world = servers
    token, node = world["token"], world["node"]
    figures_url = f"{base}/api/v1/reports/figures?node={node}&period=this_month"
    reads = 12  # each read lands on either worker; both have cached an answer by then
    before = {_call(figures_url, token)["person_times"] for _ in range(reads)}
    assert before == {0}
    for n, member in enumerate(world["members"], start=1):
        _call(
            f"{base}/api/v1/service/activities/{world['activity']}/attendance",
            token,
            {"member_id": member, "present": True},
        )
        seen = [_call(figures_url, token)["person_times"] for _ in range(reads)]
        assert seen == [n] * reads
