"""The replica router (ADR 0022): reads asked for go to the replica, read-your-writes keeps a
writer on the primary, a lagging or failing replica falls back to the primary.

The "replica" here is a second connection to the test database (its data committed, so the
tests are transactional), or for the failures a database that cannot be opened; the real
streaming replica is exercised by `make test-deploy`."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import OperationalError, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongjian.core import replica
from gongjian.orgs.models import Area
from gongjian.testing.cast import build_cast

# The alias exists from collection on, as a test mirror of the default database (so the test
# runner points it at the test database); it is used only where a test sets REPLICA_URL.
if replica.REPLICA not in connections.settings:
    connections.settings[replica.REPLICA] = {
        **copy.deepcopy(connections.settings["default"]),
        "TEST": {"MIRROR": "default"},
    }

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", replica.REPLICA])


def _use(settings: Any, config: dict[str, Any] | None = None) -> Iterator[None]:
    alias_settings = connections.settings[replica.REPLICA]
    kept = copy.deepcopy(alias_settings)
    if config is not None:
        connections[replica.REPLICA].close()
        del connections[replica.REPLICA]
        alias_settings.update(config)
    settings.REPLICA_URL = "set-by-the-test"
    replica.forget()
    yield
    replica.forget()
    if config is not None:
        connections[replica.REPLICA].close()
        del connections[replica.REPLICA]
        alias_settings.clear()
        alias_settings.update(kept)


@pytest.fixture
def replica_db(settings: Any) -> Iterator[None]:
    """The replica: a second connection to the test database."""
    yield from _use(settings)


@pytest.fixture
def broken_replica(settings: Any) -> Iterator[None]:
    """A replica whose database cannot be opened (a stopped server)."""
    config = copy.deepcopy(connections["default"].settings_dict)
    if config["ENGINE"].endswith("sqlite3"):
        config["NAME"] = "/nonexistent-directory/replica.sqlite3"
        config["OPTIONS"] = {"timeout": 1}
    else:
        config.update(HOST="127.0.0.1", PORT="1", OPTIONS={"connect_timeout": 1})
    yield from _use(settings, config)


@pytest.fixture
def staff(client: Any) -> Any:
    cast = build_cast()
    client.force_login(cast.district_admin)
    return cast


def _replica_queries(client: Any, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connections[replica.REPLICA]) as on_replica:
        response = client.get(url)
    return response.status_code, len(on_replica.captured_queries)


def test_reads_asked_for_go_to_the_replica_and_writes_to_the_primary(replica_db: None) -> None:
    router = replica.ReplicaRouter()
    assert router.db_for_read(Area) is None
    assert not replica.in_replica_reads()
    with replica.replica_reads():
        assert replica.in_replica_reads()
        assert router.db_for_read(Area) == replica.REPLICA
        assert router.db_for_write(Area) == "default"
        with replica.primary_reads():
            assert router.db_for_read(Area) is None
    assert router.allow_migrate(replica.REPLICA, "orgs") is False
    assert router.allow_migrate("default", "orgs") is True


def test_without_a_replica_every_read_is_the_primarys() -> None:
    replica.forget()
    with replica.replica_reads():
        assert replica.ReplicaRouter().db_for_read(Area) is None
    assert not replica.state().configured


def test_the_dashboard_reads_from_the_replica(replica_db: None, client: Any, staff: Any) -> None:
    status, queries = _replica_queries(client, reverse("reports:dashboard"))
    assert status == 200
    assert queries > 0


def test_statistics_and_exports_read_from_the_replica(
    replica_db: None, client: Any, staff: Any
) -> None:
    status, queries = _replica_queries(client, reverse("service:stats"))
    assert (status, queries > 0) == (200, True)
    status, queries = _replica_queries(client, reverse("orgs:member_export"))
    assert (status, queries > 0) == (200, True)


def test_a_page_that_is_not_a_report_reads_from_the_primary(
    replica_db: None, client: Any, staff: Any
) -> None:
    status, queries = _replica_queries(client, reverse("orgs:member_list"))
    assert (status, queries) == (200, 0)


def test_a_user_who_just_wrote_reads_from_the_primary(
    replica_db: None, client: Any, staff: Any
) -> None:
    # Any unsafe request counts as a write: here the language switch, a harmless POST.
    response = client.post(reverse("set_language"), {"language": "zh-hans"})
    assert replica.WROTE_COOKIE in response.cookies
    status, queries = _replica_queries(client, reverse("reports:dashboard"))
    assert (status, queries) == (200, 0)


def test_an_api_client_without_cookies_is_remembered_by_user(
    replica_db: None, client: Any, staff: Any, settings: Any
) -> None:
    client.post(reverse("set_language"), {"language": "zh-hans"})
    client.cookies.pop(replica.WROTE_COOKIE)
    status, queries = _replica_queries(client, "/api/v1/reports/figures")
    assert (status, queries) == (200, 0)


def test_read_your_writes_ends_after_its_window(
    replica_db: None, client: Any, staff: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.post(reverse("set_language"), {"language": "zh-hans"})
    later = time.time() + settings.READ_YOUR_WRITES_SECONDS + 5
    monkeypatch.setattr(time, "time", lambda: later)
    # The cookie's signature carries its time; the cache entry has expired by then too.
    from django.core.cache import cache

    cache.clear()
    status, queries = _replica_queries(client, reverse("reports:dashboard"))
    assert (status, queries > 0) == (200, True)


def test_a_forged_cookie_does_not_count(replica_db: None, client: Any, staff: Any) -> None:
    client.cookies[replica.WROTE_COOKIE] = "1700000000"
    status, queries = _replica_queries(client, reverse("reports:dashboard"))
    assert (status, queries > 0) == (200, True)


def test_a_lagging_replica_is_not_read(
    replica_db: None, client: Any, staff: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    lagging = replica.ReplicaState(
        configured=True, up=True, lag_seconds=settings.REPLICA_MAX_LAG_SECONDS + 1
    )
    monkeypatch.setattr(replica, "_measure", lambda: lagging)
    replica.forget()
    status, queries = _replica_queries(client, reverse("reports:dashboard"))
    assert (status, queries) == (200, 0)
    assert not replica.state().usable


def test_a_stopped_replica_is_not_read(broken_replica: None, client: Any, staff: Any) -> None:
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    st = replica.state()
    assert (st.up, st.usable) == (False, False)
    assert st.error == "OperationalError"


def test_a_replica_failing_during_a_read_is_retried_on_the_primary(
    broken_replica: None, client: Any, staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The last check said the replica was fine; it stopped since.
    fine = replica.ReplicaState(configured=True, up=True, lag_seconds=0.0, checked_at=time.time())
    monkeypatch.setattr(replica, "_measure", lambda: fine)
    replica.forget()
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert response.context["f"] is not None
    assert replica._state is not None
    assert not replica._state.up


def test_a_failure_with_the_replica_unused_is_not_hidden(replica_db: None) -> None:
    from django.http import HttpRequest, HttpResponse

    @replica.reads_from_replica
    def view(request: HttpRequest) -> HttpResponse:
        raise OperationalError("the primary is down")

    request = HttpRequest()
    with pytest.raises(OperationalError):
        view(request)
