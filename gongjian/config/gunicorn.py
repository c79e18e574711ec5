"""The app server's settings: `gunicorn -c python:gongjian.config.gunicorn` (used by `make demo`,
`make serve` and bench/signup_rush). Every value can be changed from the environment
(docs/configuration.md) or on gunicorn's command line, which wins.

Threads, not processes alone: a request spends much of its time waiting for the database,
and a thread waiting lets another run. Each worker takes at most `worker_connections`
connections at a time; the rest wait in the listening socket's queue, which the workers share
and serve first come, first served. Without that cap a busy worker keeps accepting and queues
connections of its own while the other may be idle, and a rush's slowest requests wait twice
as long as its median (bench/signup_rush: p99 0.9 s against 0.45 s with the cap)."""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "gongjian.config.wsgi:application"
bind = os.environ.get("GONGJIAN_BIND", "127.0.0.1:8000")
workers = _int("GONGJIAN_WORKERS", 2)
worker_class = "gthread"
threads = _int("GONGJIAN_THREADS", 4)
worker_connections = _int("GONGJIAN_WORKER_CONNECTIONS", 32)
backlog = _int("GONGJIAN_BACKLOG", 2048)
keepalive = 2


def child_exit(server: object, worker: object) -> None:
    """With PROMETHEUS_MULTIPROC_DIR set (the systemd unit sets it), a worker that ends takes
    its live gauges with it; its counters stay in the directory."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(getattr(worker, "pid", 0))  # type: ignore[no-untyped-call]
