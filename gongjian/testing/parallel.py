"""Real parallel database work for the concurrency tests (PostgreSQL): threads, each with its
own connection, released together by a barrier."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections

from gongjian.core.errors import ApplicationError, Conflict


def postgresql_only() -> None:
    """Skip on SQLite, whose writers take turns: the PostgreSQL run covers the test."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real parallel connections (the PostgreSQL run covers it)")


def in_parallel(jobs: Sequence[Callable[[], Any]], *, threads: int | None = None) -> list[Any]:
    """Run `jobs` on `threads` threads (one per job by default) that start together, each on
    its own connection, closed at the end. Returns what each job returned, or the
    `ApplicationError` it raised, in the order of the jobs; any other error is raised."""
    n = threads or len(jobs)
    barrier = threading.Barrier(n)
    slices = [list(range(len(jobs)))[i::n] for i in range(n)]

    def worker(mine: list[int]) -> list[tuple[int, Any]]:
        out: list[tuple[int, Any]] = []
        try:
            barrier.wait(timeout=30)
            for i in mine:
                try:
                    out.append((i, jobs[i]()))
                except ApplicationError as exc:
                    out.append((i, exc))
        finally:
            connections.close_all()
        return out

    with ThreadPoolExecutor(max_workers=n) as pool:
        chunks = list(pool.map(worker, slices))
    return [result for _i, result in sorted((p for c in chunks for p in c), key=lambda p: p[0])]


def outcomes(results: Sequence[Any]) -> list[str]:
    """The results of `in_parallel`, sorted, as "ok" (returned), "conflict" (refused with a
    `Conflict`) or "error: …" (refused otherwise)."""
    return sorted(
        "conflict"
        if isinstance(r, Conflict)
        else f"error: {r!r}"
        if isinstance(r, ApplicationError)
        else "ok"
        for r in results
    )
