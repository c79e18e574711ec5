"""Every page carries a strict Content-Security-Policy: scripts and styles from this site only."""

from __future__ import annotations

import pytest
from django.test import Client

from gongjian.testing.cast import Cast


def _directives(header: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/openapi.json"])
def test_anonymous_responses_carry_the_policy(db: None, path: str) -> None:
    response = Client().get(path)
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_pages_of_a_manager_carry_the_policy_and_no_inline_style(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.district_admin)
    for path in ["/", "/orgs/tree/", "/service/", "/service/categories/", "/reports/"]:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        header = response["Content-Security-Policy"]
        assert "script-src 'self'" in header, path
        assert "style-src 'self'" in header, path
        assert ' style="' not in response.content.decode(), path
