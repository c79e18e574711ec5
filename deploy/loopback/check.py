"""The loopback deployment's checks (`make test-deploy`), against what deploy/loopback/up.sh
started. Every request goes through nginx over TLS (the certificate up.sh made is the CA);
the database is looked at directly only to count.

1. the demo serves through nginx with TLS (HTTP redirects to HTTPS, static files gzipped,
   /healthz and /readyz, /metrics for the admin network);
2. a log-in through the page;
3. a sign-up rush: 2,000 POSTs from 200 clients for 100 places, across both app servers and
   through pgbouncer: exactly 100 confirmed (answers and database), no 5xx;
4. a dashboard read right after a write shows the write (read-your-writes);
5. the replica serves the dashboard's reads (counted on the replica);
6. the replica stopped: reads fall back to the primary, no error, /readyz says degraded;
7. one app server killed during a run of GETs: nginx retries them on the other, none lost.

    .venv/bin/python deploy/loopback/check.py
"""

from __future__ import annotations

import asyncio
import gzip
import http.client
import importlib.util
import json
import os
import re
import signal
import ssl
import statistics
import subprocess
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
STATE = Path(os.environ.get("GONGJIAN_LOOPBACK_DIR", "/tmp/gongjian-loopback"))
HTTPS_PORT = int(os.environ.get("LOOPBACK_HTTPS_PORT", "58443"))
HTTP_PORT = int(os.environ.get("LOOPBACK_HTTP_PORT", "58080"))
PRIMARY_PORT = int(os.environ.get("LOOPBACK_PRIMARY_PORT", "55432"))
REPLICA_PORT = int(os.environ.get("LOOPBACK_REPLICA_PORT", "55433"))
HOST = "localhost"
PASSWORD = "Gongjian-Demo-2026"  # the demo's log-ins (docs/demo.md)
RUSH_REQUESTS, RUSH_CLIENTS, QUOTA = 2_000, 200, 100

results: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str = "") -> bool:
    results.append((name, ok, detail))
    print(f"{'PASS' if ok else 'FAIL'}  {name}{': ' + detail if detail else ''}", flush=True)
    return ok


def env_file(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            out[key] = value
    return out


APP_ENV = env_file(STATE / "gongjian.env")
OWNER_ENV = {**APP_ENV, **env_file(STATE / "owner.env")}


def tls() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(STATE / "run" / "tls.crt"))


class Client:
    """A browser's worth of HTTPS: cookies kept, CSRF's Origin and Referer sent."""

    def __init__(self, token: str = "") -> None:
        self.cookies: dict[str, str] = {}
        self.token = token
        self.context = tls()

    def request(
        self, method: str, path: str, body: dict[str, Any] | None = None, *, form: bool = False
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPSConnection(HOST, HTTPS_PORT, context=self.context, timeout=30)
        origin = f"https://{HOST}:{HTTPS_PORT}"
        headers = {"Origin": origin, "Referer": origin + path, "Accept-Encoding": "identity"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            if form:
                data = urllib.parse.urlencode(body).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(value).items():
                self.cookies[key] = morsel.value
        out = (response.status, {k.lower(): v for k, v in response.getheaders()}, raw)
        conn.close()
        return out

    def json(self, path: str) -> tuple[int, Any]:
        status, _headers, raw = self.request("GET", path)
        try:
            return status, json.loads(raw or b"null")
        except ValueError:
            return status, None


def gongjian(*args: str, env: dict[str, str]) -> str:
    binary = Path(sys.executable).with_name("gongjian")
    done = subprocess.run(
        [str(binary), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return done.stdout


def psql(port: int, sql: str) -> str:
    """One value from PostgreSQL through the state directory's socket, as postgres."""
    pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    command = [str(pgbin / "psql"), "-X", "-At", "-h", str(STATE / "run"), "-p", str(port)]
    command += ["-U", "postgres", "-d", "gongjian", "-c", sql]
    if os.getuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def pg_ctl(cluster: str, action: str) -> None:
    pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    command = [str(pgbin / "pg_ctl"), "-D", str(STATE / "pg" / cluster), "-w", "-m", "fast"]
    command += ["-l", str(STATE / "log" / f"{cluster}.log"), action]
    if os.getuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, capture_output=True, check=True)


# The concurrent client -----------------------------------------------------------------------


async def one(method: str, path: str, token: str, context: ssl.SSLContext) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", HTTPS_PORT, ssl=context, server_hostname=HOST
    )
    try:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{HTTPS_PORT}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        writer.write(head.encode())
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    status_line, _sep, rest = raw.partition(b"\r\n")
    body = rest.partition(b"\r\n\r\n")[2]
    status = int(status_line.split(b" ", 2)[1]) if status_line.startswith(b"HTTP/") else 0
    return status, body


async def load(
    jobs: list[tuple[str, str, str]], clients: int, *, after: int = 0, hook: Any = None
) -> tuple[list[tuple[int, bytes]], list[float], float]:
    """Run the jobs with `clients` in flight; call `hook` once `after` have finished."""
    context = tls()
    queue: asyncio.Queue[tuple[str, str, str]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    answers: list[tuple[int, bytes]] = []
    latencies: list[float] = []
    fired = False

    async def client() -> None:
        nonlocal fired
        while not queue.empty():
            method, path, token = queue.get_nowait()
            started = time.perf_counter()
            try:
                answer = await asyncio.wait_for(one(method, path, token, context), 60)
            except (OSError, TimeoutError, ValueError, IndexError, ssl.SSLError):
                answer = (0, b"")
            latencies.append((time.perf_counter() - started) * 1000)
            answers.append(answer)
            if hook is not None and not fired and len(answers) >= after:
                fired = True
                hook()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return answers, sorted(latencies), time.perf_counter() - started


def statuses(answers: list[tuple[int, bytes]]) -> dict[int, int]:
    out: dict[int, int] = {}
    for status, _body in answers:
        out[status] = out.get(status, 0) + 1
    return out


def served_by(path_part: str) -> dict[str, int]:
    """Requests whose path holds `path_part`, per app server, from their JSON request logs."""
    out = {}
    for log in sorted((STATE / "log").glob("app*.log")):
        n = 0
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith("{") and path_part in line:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                n += path_part in str(entry.get("path", ""))
        out[log.stem] = n
    return out


# The checks ------------------------------------------------------------------------------------


def check_tls_and_demo() -> None:
    client = Client()
    status, headers, _ = client.request("GET", "/")
    check(
        "the demo answers through nginx over TLS",
        status == 302 and "/accounts/login/" in headers.get("location", ""),
        f"GET / → {status} {headers.get('location', '')}",
    )
    status, _h, body = client.request("GET", "/accounts/login/")
    check("the log-in page", status == 200 and "共建" in body.decode(), f"{status}")
    conn = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=10)
    conn.request("GET", "/accounts/login/", headers={"Host": HOST})
    plain = conn.getresponse()
    check(
        "plain HTTP is sent to HTTPS",
        plain.status == 301 and plain.getheader("Location", "").startswith("https://"),
        f"{plain.status} {plain.getheader('Location')}",
    )
    conn.close()
    css = next((p for p in (STATE / "static").rglob("*.css") if p.stat().st_size > 2048), None)
    if css is not None:
        path = "/static/" + str(css.relative_to(STATE / "static"))
        conn = http.client.HTTPSConnection(HOST, HTTPS_PORT, context=tls(), timeout=10)
        conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
        r = conn.getresponse()
        data = r.read()
        ok = r.status == 200 and r.getheader("Content-Encoding") == "gzip"
        check(
            "static files from nginx, gzipped",
            ok and gzip.decompress(data) == css.read_bytes(),
            f"{path} → {r.status} {r.getheader('Content-Encoding')}",
        )
        conn.close()
    status, body = client.json("/healthz")
    check("/healthz through nginx", status == 200 and body == {"status": "ok"}, f"{status}")
    status, body = client.json("/readyz")
    check(
        "/readyz: database, Redis, task queue and replica",
        status == 200
        and body["status"] == "ready"
        and set(body["checks"]) == {"database", "redis", "task_queue", "replica"},
        json.dumps(body, ensure_ascii=False),
    )
    status, _h, raw = client.request("GET", "/metrics")
    text = raw.decode()
    check(
        "/metrics for the admin network, every worker of a server",
        status == 200 and "gongjian_outbox_pending" in text and "django_http_requests" in text,
        f"{status}, {len(text.splitlines())} lines",
    )


def check_login() -> None:
    client = Client()
    status, _h, body = client.request("GET", "/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    status, headers, _ = client.request(
        "POST",
        "/accounts/login/",
        {
            "csrfmiddlewaretoken": token.group(1).decode() if token else "",
            "login": "member",
            "password": PASSWORD,
        },
        form=True,
    )
    ok = status == 302 and "sessionid" in client.cookies
    status2, _h, home = client.request("GET", "/")
    check(
        "log-in through the page (member)",
        ok and status2 == 200 and "退出" in home.decode(),
        f"POST → {status} {headers.get('location', '')}; home → {status2}",
    )


def world() -> dict[str, Any]:
    """2,000 members with API tokens and the rush's activities (bench/signup_rush's world),
    built straight on the primary as the owner, once per deployment (three rushes' worth)."""
    kept = STATE / "world.json"
    if kept.exists():
        return dict(json.loads(kept.read_text()))
    out = subprocess.run(
        [sys.executable, __file__, "--world"],
        env={**os.environ, **OWNER_ENV, "DJANGO_SETTINGS_MODULE": "gongjian.config.settings"},
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    kept.write_text(out.strip().splitlines()[-1])
    return dict(json.loads(kept.read_text()))


def build_world() -> None:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    spec = importlib.util.spec_from_file_location(
        "signup_rush", ROOT / "bench" / "signup_rush" / "run.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.h.django_setup = lambda *a, **k: None  # Django is set up here, with this env
    # Another region code than the demo's, so that no ID number is one of its members'.
    from gongjian.core import synthetic

    made = synthetic.id_number
    synthetic.id_number = lambda *, birth, seq: made(birth=birth, seq=seq, region="110198")
    made_world = module.setup(people=RUSH_REQUESTS)
    # The rush's members sign in by SMS code: no password, so none that expires.
    from django.contrib.auth.hashers import make_password

    from gongjian.accounts.models import User

    User.objects.filter(username__startswith="rush").update(password=make_password(None))
    print(json.dumps(made_world))


def check_rush() -> None:
    started = time.perf_counter()
    w = world()
    took = time.perf_counter() - started
    print(f"      world of {len(w['tokens'])} members ready in {took:.0f} s", flush=True)
    # Each run of the checks on one deployment takes the next of the world's activities.
    runs = STATE / "rushes"
    n = int(runs.read_text()) if runs.exists() else 0
    if n >= len(w["activities"]):
        check("sign-up rush", False, "every activity of this deployment is used: down.sh, up.sh")
        return
    runs.write_text(str(n + 1))
    before = served_by("/signup")
    path = f"/api/v1/service/activities/{w['activities'][n]}/signup"
    jobs = [("POST", path, t) for t in w["tokens"]]
    answers, latencies, elapsed = asyncio.run(load(jobs, RUSH_CLIENTS))
    counts = statuses(answers)
    confirmed = 0
    for status, body in answers:
        if status == 201:
            try:
                confirmed += json.loads(body).get("status") == "confirmed"
            except ValueError:
                pass
    in_db = int(
        psql(
            PRIMARY_PORT,
            "SELECT count(*) FROM service_signup WHERE activity_id = "
            f"{int(w['activity_ids'][n])} AND status = 'confirmed'",
        )
    )
    after = served_by("/signup")
    per_server = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    fives = sum(n for s, n in counts.items() if s >= 500 or s == 0)
    check(
        f"sign-up rush ({RUSH_REQUESTS} requests, {RUSH_CLIENTS} clients, {QUOTA} places)",
        confirmed == QUOTA and in_db == QUOTA and fives == 0 and len(answers) == RUSH_REQUESTS,
        f"confirmed {confirmed} (database {in_db}), statuses {counts}, "
        f"{len(answers) / elapsed:.0f} rps, p50 {statistics.median(latencies):.0f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99)]:.0f} ms",
    )
    check(
        "the rush was served by both app servers",
        len(per_server) >= 2 and all(n > 0 for n in per_server.values()),
        f"{per_server}",
    )


def token_for(username: str) -> str:
    return gongjian("api_token", username, "loopback check", "--days", "1", env=OWNER_ENV).strip()


def check_read_after_write() -> None:
    client = Client(token_for("community"))
    other = Client(token_for("district"))
    status, page = client.json("/api/v1/reporting/member-reports?status=submitted")
    items = page.get("items", page) if isinstance(page, dict) else page or []
    if not check("a report waits for the community", status == 200 and bool(items), f"{status}"):
        return
    status, before = client.json("/api/v1/reports/figures")
    # The replica stops replaying (it stays up and, for a few seconds, within its lag bound):
    # a read it served now would not show the write. Read-your-writes sends this user's next
    # read to the primary.
    psql(REPLICA_PORT, "SELECT pg_wal_replay_pause()")
    try:
        status, _h, _ = client.request(
            "POST", f"/api/v1/reporting/member-reports/{items[0]['id']}/confirm", {}
        )
        ok_write = status == 200
        status2, after = client.json("/api/v1/reports/figures")
        # For comparison, someone who wrote nothing reads the same figure (as of today) for
        # another period, which no cached answer holds: from the replica, which has not
        # replayed the write (unless it fell behind its lag bound meanwhile).
        node = urllib.parse.quote(str(after.get("scope_key", "")))
        _s, seen = other.json(f"/api/v1/reports/figures?node={node}&period=this_month")
    finally:
        psql(REPLICA_PORT, "SELECT pg_wal_replay_resume()")
    check(
        "a dashboard read right after a write shows the write",
        ok_write and status2 == 200 and after["reports_received"] == before["reports_received"] + 1,
        f"confirm → {status}; confirmed reports to the community "
        f"{before['reports_received']} → {after['reports_received']} (meanwhile a user who "
        "wrote nothing, served by the paused replica: "
        f"{seen.get('reports_received') if isinstance(seen, dict) else seen})",
    )


REPLICA_SCANS = "SELECT sum(seq_scan + coalesce(idx_scan, 0)) FROM pg_stat_user_tables"


def check_replica_reads() -> str:
    token = token_for("district")
    time.sleep(0.5)  # the token's row has reached the replica
    client = Client(token)
    # Another district's figures each time, so that no cached answer hides the database.
    before = int(psql(REPLICA_PORT, REPLICA_SCANS) or 0)
    ok = True
    for period in ("this_year", "this_month", "last_month", "last_year", "this_year"):
        status, _ = client.json(f"/api/v1/reports/figures?period={period}")
        ok = ok and status == 200
    time.sleep(1.0)  # statistics reach the view when each backend ends
    after = int(psql(REPLICA_PORT, REPLICA_SCANS) or 0)
    check(
        "the replica serves the dashboard's reads",
        ok and after > before,
        f"table scans on the replica {before} → {after}",
    )
    return token


def check_replica_stopped(token: str) -> None:
    pg_ctl("replica", "stop")
    client = Client(token)
    codes = []
    for period in ("this_year", "this_month", "last_month", "last_year", "custom"):
        status, _ = client.json(f"/api/v1/reports/figures?period={period}&start=2025-01-01")
        codes.append(status)
    status, _h, _ = client.request("GET", "/reports/")
    status_ready, ready = client.json("/readyz")
    check(
        "the replica stopped: reads fall back to the primary",
        all(c == 200 for c in codes) and status_ready == 200 and ready["status"] == "degraded",
        f"figures {codes}; /readyz {status_ready} {ready['status']} "
        f"replica {ready['checks'].get('replica')}",
    )
    pg_ctl("replica", "start")


def check_app_server_stopped(token: str) -> None:
    pid = int((STATE / "run" / "app1.pid").read_text().strip())

    def kill() -> None:
        try:  # no goodbye: as when a machine dies
            os.killpg(os.getpgid(pid), signal.SIGKILL)
        except ProcessLookupError:
            print("      app server 1 was not running", flush=True)

    jobs = [("GET", "/api/v1/reports/nodes", token)] * 600
    answers, _lat, _elapsed = asyncio.run(load(jobs, 30, after=150, hook=kill))
    counts = statuses(answers)
    check(
        "one app server killed during 600 GETs: nginx retried, none lost",
        counts == {200: 600},
        f"statuses {counts}",
    )


def main() -> int:
    if "--world" in sys.argv:
        build_world()
        return 0
    started = time.perf_counter()
    check_tls_and_demo()
    check_login()
    check_rush()
    check_read_after_write()
    token = check_replica_reads()
    check_replica_stopped(token)
    check_app_server_stopped(token)
    failed = [name for name, ok, _ in results if not ok]
    print(
        f"\n{len(results) - len(failed)} passed, {len(failed)} failed "
        f"in {time.perf_counter() - started:.0f} s"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
