"""Reads from a streaming replica (ADR 0022), when `DATABASE_REPLICA_URL` names one.

Only reads that ask for it go there: a view wrapped in `reads_from_replica` (the dashboard,
statistics, exports, briefings) or code inside `replica_reads()`. Everything else, and every
write, goes to the primary (`default`). Such a read stays on the primary when

- the caller wrote in the last `GONGJIAN_READ_YOUR_WRITES_SECONDS` (a signed cookie set by
  `ReadYourWritesMiddleware` on every unsafe request, and for API clients without cookies a
  mark in the cache by user id), so a user always sees what they just did;
- the replica lags more than `GONGJIAN_REPLICA_MAX_LAG_SECONDS`, or did not answer: its state
  is checked at most every `GONGJIAN_REPLICA_CHECK_SECONDS` per process;
- a query on the replica fails while the view runs: the replica is marked down and the view
  runs again on the primary (such views read before they write anything).
"""

from __future__ import annotations

import contextvars
import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
WROTE_COOKIE = "gj_wrote"
_SALT = "gongjian.replica.wrote"

_wanted: contextvars.ContextVar[bool] = contextvars.ContextVar("gj_replica_wanted", default=False)
_used: contextvars.ContextVar[list[bool] | None] = contextvars.ContextVar(
    "gj_replica_used", default=None
)

# Lag in seconds as the replica sees it: 0 when it has replayed all it received and is
# streaming; otherwise the age of the last transaction it replayed.
LAG_SQL = """
SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN 0
  WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
       AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0
  ELSE COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0)
END
"""


@dataclass(frozen=True)
class ReplicaState:
    configured: bool
    up: bool = False
    lag_seconds: float | None = None
    error: str = ""
    checked_at: float = 0.0

    @property
    def usable(self) -> bool:
        return (
            self.configured
            and self.up
            and self.lag_seconds is not None
            and self.lag_seconds <= max_lag_seconds()
        )


_lock = threading.Lock()
_state: ReplicaState | None = None


def configured() -> bool:
    return bool(getattr(settings, "REPLICA_URL", "")) and REPLICA in connections.settings


def max_lag_seconds() -> float:
    return float(getattr(settings, "REPLICA_MAX_LAG_SECONDS", 10))


def _measure() -> ReplicaState:
    conn = connections[REPLICA]
    try:
        if conn.vendor != "postgresql":
            conn.ensure_connection()
            return ReplicaState(configured=True, up=True, lag_seconds=0.0, checked_at=time.time())
        with conn.cursor() as cursor:
            cursor.execute(LAG_SQL)
            row = cursor.fetchone()
        lag = float(row[0]) if row and row[0] is not None else 0.0
        return ReplicaState(configured=True, up=True, lag_seconds=lag, checked_at=time.time())
    except DatabaseError as exc:
        conn.close()
        return ReplicaState(
            configured=True, up=False, error=type(exc).__name__, checked_at=time.time()
        )


def state(*, fresh: bool = False) -> ReplicaState:
    """The replica's state, measured at most every `REPLICA_CHECK_SECONDS` in this process."""
    global _state
    if not configured():
        return ReplicaState(configured=False)
    every = float(getattr(settings, "REPLICA_CHECK_SECONDS", 5))
    with _lock:
        current = _state
        if fresh or current is None or time.time() - current.checked_at >= every:
            current = _state = _measure()
            if not current.usable:
                logger.warning(
                    "replica not used: up=%s lag=%s error=%s",
                    current.up,
                    current.lag_seconds,
                    current.error,
                )
    return current


def mark_down(error: str) -> None:
    global _state
    with _lock:
        _state = ReplicaState(configured=True, up=False, error=error, checked_at=time.time())
    connections[REPLICA].close()


def forget() -> None:
    """Forget the measured state (tests, and after a reconfiguration)."""
    global _state
    with _lock:
        _state = None


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside go to the replica while it is usable (no retry on failure: see
    `reads_from_replica` for views)."""
    token = _wanted.set(True)
    try:
        yield
    finally:
        _wanted.reset(token)


def in_replica_reads() -> bool:
    """Whether a read made now would go to the replica (for code that caches what it read:
    an answer from a replica may be a few seconds behind the primary)."""
    return _wanted.get() and configured() and state().usable


@contextmanager
def primary_reads() -> Iterator[None]:
    token = _wanted.set(False)
    try:
        yield
    finally:
        _wanted.reset(token)


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads asked for by `replica_reads` go to the replica while it
    is usable; every write, migration and relation is the primary's."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not _wanted.get() or not configured():
            return None
        if not state().usable:
            return "default"
        used = _used.get()
        if used is not None:
            used.append(True)
        return REPLICA

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA


# Read-your-writes --------------------------------------------------------------------------


def ryw_seconds() -> int:
    return int(getattr(settings, "READ_YOUR_WRITES_SECONDS", 10))


def _cache_key(user_id: object) -> str:
    return f"gongjian:replica:wrote:{user_id}"


def wrote_recently(request: HttpRequest) -> bool:
    """Whether this caller wrote in the last few seconds (cookie, or the cache by user)."""
    window = ryw_seconds()
    if request.COOKIES.get(WROTE_COOKIE):
        try:
            request.get_signed_cookie(WROTE_COOKIE, salt=_SALT, max_age=window)
            return True
        except (signing.BadSignature, KeyError):
            pass
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return cache.get(_cache_key(user.pk)) is not None
    return False


def note_write(request: HttpRequest, response: HttpResponse) -> None:
    window = ryw_seconds()
    if window <= 0:
        return
    stamp = str(int(time.time()))
    response.set_signed_cookie(
        WROTE_COOKIE,
        stamp,
        salt=_SALT,
        max_age=window,
        httponly=True,
        samesite="Lax",
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
    )
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        cache.set(_cache_key(user.pk), stamp, window)


class ReadYourWritesMiddleware:
    """After any unsafe request (POST, PUT, PATCH, DELETE) the caller's reads stay on the
    primary for `READ_YOUR_WRITES_SECONDS`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if configured() and request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            note_write(request, response)
        return response


V = TypeVar("V", bound=Callable[..., Any])


def reads_from_replica(view: V) -> V:
    """The view's reads go to the replica (unless the caller wrote recently or the replica is
    not usable); when a query fails while the replica was in use, the replica is marked down
    and the view runs once more on the primary. For views that read before they write."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not configured() or wrote_recently(request):
            return view(request, *args, **kwargs)
        used: list[bool] = []
        token_used = _used.set(used)
        try:
            with replica_reads():
                return view(request, *args, **kwargs)
        except DatabaseError as exc:
            if not used:
                raise
            logger.warning("replica failed during a read (%s): retried on the primary", exc)
            mark_down(type(exc).__name__)
        finally:
            _used.reset(token_used)
        with primary_reads():
            return view(request, *args, **kwargs)

    return cast(V, wrapped)
