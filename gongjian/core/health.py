"""Health for nginx, monitoring and the operator (ADR 0022).

- `/healthz`: the process answers (no database): for a load balancer's liveness check.
- `/readyz`: the primary answers, Redis answers when `REDIS_URL` is set, the oldest task
  waiting in the queue is younger than `GONGJIAN_READY_MAX_QUEUE_AGE_SECONDS`; the replica's
  lag is reported but never makes the server unready (reads fall back to the primary). 200
  when ready, 503 with the failing checks otherwise.
- `/metrics`: Prometheus metrics (django-prometheus: requests and latency by view, plus the
  task queue and the outbox backlog), only to addresses in `GONGJIAN_METRICS_NETWORKS`.
- `/admin/health/`: the same checks and the replica's lag as a page, for superusers.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connections
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from gongjian.core import context, replica


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


def _check_database() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        connections["default"].close()
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _check_redis() -> dict[str, Any] | None:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return None
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
    except redis.RedisError as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


def _task_queue() -> dict[str, Any] | None:
    """The database task queue's length and the age of its oldest ready task, when the tasks
    backend is the database one (django-tasks-db); None otherwise."""
    backend = str(settings.TASKS.get("default", {}).get("BACKEND", ""))
    if not backend.startswith("django_tasks_db."):
        return None
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    limit = float(getattr(settings, "READY_MAX_QUEUE_AGE_SECONDS", 600))
    return {"ok": age <= limit, "length": ready.count(), "oldest_age_seconds": round(age, 1)}


def _replica() -> dict[str, Any] | None:
    st = replica.state(fresh=True)
    if not st.configured:
        return None
    return {
        "ok": st.usable,
        "up": st.up,
        "lag_seconds": None if st.lag_seconds is None else round(st.lag_seconds, 2),
        "max_lag_seconds": replica.max_lag_seconds(),
        "error": st.error,
    }


def checks() -> dict[str, Any]:
    found: dict[str, Any] = {"database": _check_database()}
    redis_check = _check_redis()
    if redis_check is not None:
        found["redis"] = redis_check
    if found["database"]["ok"]:
        try:
            queue = _task_queue()
        except DatabaseError as exc:
            queue = {"ok": False, "error": type(exc).__name__}
        if queue is not None:
            found["task_queue"] = queue
    replica_check = _replica()
    if replica_check is not None:
        found["replica"] = replica_check
    return found


def _ready(found: dict[str, Any]) -> bool:
    # A lagging or stopped replica degrades reads to the primary: not a reason to stop serving.
    return all(v["ok"] for k, v in found.items() if k != "replica")


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    found = checks()
    ready = _ready(found)
    degraded = "replica" in found and not found["replica"]["ok"]
    status = "ready" if ready and not degraded else ("degraded" if ready else "unready")
    return JsonResponse({"status": status, "checks": found}, status=200 if ready else 503)


# Metrics -----------------------------------------------------------------------------------


def metrics_allowed(request: HttpRequest) -> bool:
    address = context.client_ip(request)
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    networks = getattr(settings, "METRICS_NETWORKS", ["127.0.0.1/32", "::1/128"])
    return any(ip in ipaddress.ip_network(n, strict=False) for n in networks)


class BacklogCollector:
    """Gauges read at each scrape: the outbox's pending messages, the task queue."""

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        try:
            pending = _outbox_pending()
        except DatabaseError:
            pending = None
        if pending is not None:
            yield GaugeMetricFamily(
                "gongjian_outbox_pending", "Outbox messages waiting to be sent", value=pending
            )
        try:
            queue = _task_queue()
        except DatabaseError:
            queue = None
        if queue is not None:
            yield GaugeMetricFamily(
                "gongjian_task_queue_length", "Tasks ready and waiting", value=queue["length"]
            )
            yield GaugeMetricFamily(
                "gongjian_task_queue_oldest_age_seconds",
                "Age of the oldest ready task",
                value=queue["oldest_age_seconds"],
            )
        st = replica.state()
        if st.configured:
            yield GaugeMetricFamily(
                "gongjian_replica_usable", "1 when reads may go to the replica", value=st.usable
            )
            if st.lag_seconds is not None:
                yield GaugeMetricFamily(
                    "gongjian_replica_lag_seconds", "Replica lag", value=st.lag_seconds
                )


def _outbox_pending() -> int | None:
    # By name, not by import: core knows no app; the outbox is the platform's one queue of
    # text messages (orgs.OutboxMessage).
    from django.apps import apps

    try:
        model = apps.get_model("orgs", "OutboxMessage")
    except LookupError:
        return None
    return int(model._default_manager.filter(status="pending").count())


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """The process's metrics, or with `PROMETHEUS_MULTIPROC_DIR` set (several gunicorn
    workers) those of every worker of this server, plus the backlog gauges."""
    if not metrics_allowed(request):
        raise Http404
    import os

    import prometheus_client
    from prometheus_client import multiprocess

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = prometheus_client.REGISTRY
    backlog = prometheus_client.CollectorRegistry()
    backlog.register(BacklogCollector())
    body = prometheus_client.generate_latest(registry) + prometheus_client.generate_latest(backlog)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)


# The operator's page -----------------------------------------------------------------------


@never_cache
@login_required
def health_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    found = checks()
    return render(
        request,
        "core/health.html",
        {"checks": found, "ready": _ready(found), "replica": found.get("replica")},
    )
