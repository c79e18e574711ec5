"""Counting the queries of a page, for the tests that no list sends a query per row."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def page_queries(client: Client, url: str) -> int:
    """How many queries `GET url` sends; the page must answer 200."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url  # noqa: S101 - a test helper
    return len(ctx.captured_queries)
