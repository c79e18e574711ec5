"""Health checks, metrics for the admin network only, the operator's health page, JSON logs
with the request id and the user id and nothing personal."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.db import DatabaseError
from django.urls import reverse

from gongjian.core import health
from gongjian.core.logging import JsonFormatter, RedactPersonalInfo

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_the_database(client: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert response["Cache-Control"].startswith("max-age=0")


def test_readyz_is_ready_with_the_database(client: Any) -> None:
    response = client.get("/readyz")
    body = response.json()
    assert (response.status_code, body["status"]) == (200, "ready")
    assert body["checks"]["database"]["ok"] is True
    assert "replica" not in body["checks"]  # none configured


def test_readyz_is_unready_when_the_database_fails(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        health, "_check_database", lambda: {"ok": False, "error": "OperationalError"}
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unready"


def test_readyz_checks_redis_when_configured(
    client: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False


def test_readyz_reports_an_old_task_queue(client: Any, settings: Any) -> None:
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.READY_MAX_QUEUE_AGE_SECONDS = 60
    response = client.get("/readyz")
    assert response.json()["checks"]["task_queue"] == {
        "ok": True,
        "length": 0,
        "oldest_age_seconds": 0.0,
    }
    from gongjian.service.tasks import service_send_reminders

    result = service_send_reminders.using(backend="default").enqueue()
    DBTaskResult.objects.filter(id=result.id).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=5)
    )
    response = client.get("/readyz")
    queue = response.json()["checks"]["task_queue"]
    assert (response.status_code, queue["ok"], queue["length"]) == (503, False, 1)
    assert queue["oldest_age_seconds"] >= 300


def test_a_lagging_replica_degrades_but_does_not_unready(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    lagging = {"ok": False, "up": True, "lag_seconds": 40.0, "max_lag_seconds": 10.0}
    monkeypatch.setattr(health, "_replica", lambda: lagging)
    response = client.get("/readyz")
    assert (response.status_code, response.json()["status"]) == (200, "degraded")


def test_metrics_only_for_the_admin_network(client: Any, settings: Any) -> None:
    settings.METRICS_NETWORKS = ["10.8.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    response = client.get("/metrics", REMOTE_ADDR="10.8.3.4")
    assert response.status_code == 200
    text = response.content.decode()
    assert "django_http_requests_latency_seconds_by_view_method" in text
    assert "gongjian_outbox_pending 0.0" in text


def test_metrics_ignore_a_forged_forwarded_address(client: Any, settings: Any) -> None:
    settings.METRICS_NETWORKS = ["10.8.0.0/16"]
    settings.TRUST_X_FORWARDED_FOR = False
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.8.3.4")
    assert response.status_code == 404


def test_metrics_count_requests_by_view(client: Any) -> None:
    client.get("/healthz")
    text = client.get("/metrics").content.decode()
    assert 'view="healthz"' in text


def test_the_health_page_is_for_superusers(client: Any, cast: Any) -> None:
    client.force_login(cast.district_admin)
    assert client.get(reverse("health")).status_code == 403
    client.force_login(cast.platform_admin)
    response = client.get(reverse("health"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "主数据库" in page
    assert "只读副本" in page
    assert "未配置" in page


def test_the_health_page_shows_the_replica_lag(
    client: Any, cast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    lagging = {"ok": False, "up": True, "lag_seconds": 42.5, "max_lag_seconds": 10.0, "error": ""}
    monkeypatch.setattr(health, "_replica", lambda: lagging)
    client.force_login(cast.platform_admin)
    page = client.get(reverse("health")).content.decode()
    assert "复制延迟 42.5 秒（上限 10.0 秒）" in page
    assert "延迟过大，读取改走主库" in page


def test_every_response_carries_a_request_id(client: Any) -> None:
    mine = client.get("/healthz", HTTP_X_REQUEST_ID="abc123")
    assert mine["X-Request-ID"] == "abc123"
    made = client.get("/healthz", HTTP_X_REQUEST_ID="bad id; with spaces")
    assert made["X-Request-ID"] != "bad id; with spaces"
    assert len(made["X-Request-ID"]) == 32


def _formatted(record: logging.LogRecord) -> dict[str, Any]:
    RedactPersonalInfo().filter(record)
    return dict(json.loads(JsonFormatter().format(record)))


def test_json_logs_carry_time_level_request_and_user(
    client: Any, cast: Any, caplog: pytest.LogCaptureFixture, settings: Any
) -> None:
    logging.getLogger("gongjian.request").setLevel(logging.INFO)
    try:
        client.force_login(cast.member)
        with caplog.at_level(logging.INFO, logger="gongjian.request"):
            client.get("/healthz?q=13800138000", HTTP_X_REQUEST_ID="req-1")
    finally:
        logging.getLogger("gongjian.request").setLevel(logging.WARNING)
    record = next(r for r in caplog.records if r.name == "gongjian.request")
    entry = _formatted(record)
    assert entry["request_id"] == "req-1"
    assert entry["user_id"] == cast.member.pk
    assert (entry["level"], entry["status"], entry["path"]) == ("INFO", 200, "/healthz")
    assert entry["ts"].endswith("+00:00")
    assert "13800138000" not in json.dumps(entry)  # the query string is never logged


def test_json_logs_keep_phones_and_id_numbers_out() -> None:
    record = logging.LogRecord(
        "gongjian.x", logging.WARNING, __file__, 1, "phone %s", ("138 0013 8000",), None
    )
    try:
        raise DatabaseError("duplicate id 11010519491231002X")
    except DatabaseError:
        import sys

        record.exc_info = sys.exc_info()
    entry = _formatted(record)
    assert entry["message"] == "phone [已隐藏]"
    assert "11010519491231002X" not in entry["exc"]
    assert "user_id" not in entry
