"""A 10,000-row member import through the pages, run by the task worker as `make demo` runs
it: the app server (gunicorn) and `gongjian db_worker` beside it, on the database tasks
backend (django-tasks-db). The page's progress fragment, polled as htmx polls it, shows the
rows counted while the check and then the commit go on, and then the result (ADR 0032).

Both processes share a database of their own, built by the project's own commands: a SQLite
file in a temporary data directory, or, when the run is on PostgreSQL (DATABASE_URL), a
scratch database beside the run's (created and dropped here)."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gongjian.core.exports import write_xlsx
from gongjian.orgs.tests.test_import import MEMBER_HEADERS, roster

ROWS = 10_000

SETUP = """
import json
from django.conf import settings
from django.test import Client
from gongjian.testing.cast import build_cast

c = build_cast()
client = Client()
client.force_login(c.unit_admin)
print(json.dumps({
    "cookie": settings.SESSION_COOKIE_NAME,
    "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
}))
"""

COUNT = """
from gongjian.orgs.models import Member
from gongjian.core.models import Job
print(Member.objects.count(), Job.objects.filter(state="done").count())
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "gongjian", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of the two processes: their own data directory and database, the
    database tasks backend, the default (per-process) cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE")}
    env.pop("REDIS_URL", None)
    env.update(
        GONGJIAN_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="gongjian.config.settings",
        GONGJIAN_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        GONGJIAN_OTP_REQUIRED="false",
    )
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield env
        return
    import psycopg

    base, _name = url.rsplit("/", 1)
    name = f"gj_jobs_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{base}/{name}"
    try:
        yield env
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def demo(database: dict[str, str]) -> Iterator[tuple[str, dict[str, str], dict[str, str]]]:
    """gunicorn and `gongjian db_worker` running, as `make demo` starts them."""
    env = database
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
            "1",
            "--threads",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "gongjian", "db_worker", "--interval", "0.2", "--no-reload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5).close()  # noqa: S310
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("the server did not start") from None
                time.sleep(0.3)
        yield base, world, env
    finally:
        for process in (worker, server):
            process.send_signal(2)  # Ctrl-C, as at the end of `make demo`
        for process in (worker, server):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


class Browser:
    """Just enough of a browser: cookies, redirects, the CSRF token, a multipart upload."""

    def __init__(self, base: str, cookie: str, session: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("Cookie", f"{cookie}={session}")]
        self.cookie = f"{cookie}={session}"

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        csrf = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        cookies = self.cookie + (f"; csrftoken={csrf}" if csrf else "")
        return {"Cookie": cookies, "Referer": self.base + "/", **(extra or {})}

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[str, str]:
        request = urllib.request.Request(  # noqa: S310 (a local address)
            self.base + path, headers=self._headers(headers)
        )
        with self.opener.open(request, timeout=60) as response:
            return response.geturl(), response.read().decode()

    def post(
        self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None
    ) -> tuple[str, str]:
        _url, page = self.get(path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, page[-2000:]
        fields = {"csrfmiddlewaretoken": found.group(1), **fields}
        boundary = uuid.uuid4().hex
        body = b""
        for key, value in fields.items():
            body += (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
            ).encode()
        for key, (name, data) in (files or {}).items():
            body += (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
                    f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                ).encode()
                + data
                + b"\r\n"
            )
        body += f"--{boundary}--\r\n".encode()
        headers = self._headers({"Content-Type": f"multipart/form-data; boundary={boundary}"})
        request = urllib.request.Request(  # noqa: S310 (a local address)
            self.base + path, data=body, headers=headers
        )
        with self.opener.open(request, timeout=120) as response:
            return response.geturl(), response.read().decode()


def _poll(browser: Browser, job_path: str, *, timeout: float = 600) -> tuple[str, list[int]]:
    """Poll the job's fragment as htmx does until it has ended; the row counts it showed."""
    seen: list[int] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _url, fragment = browser.get(job_path, {"HX-Request": "true"})
        assert "<html" not in fragment
        state = re.search(r'data-job-state="(\w+)"', fragment)
        assert state, fragment
        counted = re.search(r"(\d+) / (\d+)（\d+%）", fragment)
        if counted:
            seen.append(int(counted.group(1)))
        if state.group(1) in ("done", "failed"):
            assert 'hx-trigger="every 1s"' not in fragment
            return fragment, seen
        assert 'hx-trigger="every 1s"' in fragment
        time.sleep(0.1)
    raise AssertionError(f"the job did not end within {timeout}s; seen {seen[-5:]}")


def _intermediate(seen: list[int]) -> list[int]:
    return sorted({n for n in seen if 0 < n < ROWS})


def test_a_10000_row_import_through_the_page_shows_progress_and_finishes(
    demo: tuple[str, dict[str, str], Any],
) -> None:
    base, world, env = demo
    browser = Browser(base, world["cookie"], world["session"])
    rows = roster(ROWS)
    for row in rows:  # born up to 1997: joined as adults
        row[MEMBER_HEADERS.index("入党日期")] = "2020-07-01"
    data = write_xlsx(MEMBER_HEADERS, rows, title="Sheet1")

    # The upload lands on its job's page: the worker checks the rows.
    landed, page = browser.post(
        "/orgs/import/", {"kind": "members"}, {"file": ("万人名册.xlsx", data)}
    )
    job_path = urllib.parse.urlsplit(landed).path
    assert re.fullmatch(r"/jobs/[0-9a-f-]{36}/", job_path), landed
    assert "校验党员：万人名册.xlsx" in page
    fragment, seen = _poll(browser, job_path)
    assert 'data-job-state="done"' in fragment, fragment
    assert "共10000行，全部通过校验，请确认导入" in fragment
    assert _intermediate(seen), f"no intermediate progress while checking: {seen}"
    preview = re.search(r'href="(/orgs/import/[^"/]+/)"', fragment)
    assert preview, fragment

    # The preview's confirmation starts the commit; its page shows it going on, then done.
    _url, page = browser.get(preview.group(1))
    assert "确认导入10000行" in page
    landed, page = browser.post(preview.group(1), {"action": "commit"})
    job_path = urllib.parse.urlsplit(landed).path
    assert re.fullmatch(r"/jobs/[0-9a-f-]{36}/", job_path), landed
    fragment, seen = _poll(browser, job_path)
    assert 'data-job-state="done"' in fragment, fragment
    assert "已导入10000条党员" in fragment
    assert 'href="/orgs/members/"' in fragment
    assert 'data-width="100"' in fragment
    assert _intermediate(seen), f"no intermediate progress while committing: {seen}"

    members, jobs_done = _run(env, "shell", "-c", COUNT).strip().splitlines()[-1].split()
    assert int(members) >= ROWS
    assert int(jobs_done) == 2
