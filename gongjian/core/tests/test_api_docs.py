"""The API's Swagger UI works without internet: django-ninja's own copy, served from our
static files, and nothing on the page from another host."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders
from django.test import Client

from gongjian.testing.cast import Cast


def test_the_api_docs_reference_no_external_host(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.district_admin)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    # Every src and href is a path on this site; no CDN
    links = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert links
    assert not [u for u in links if re.match(r"^(https?:)?//", u)], links
    assert "cdn.jsdelivr" not in html
    assert "unpkg.com" not in html
    for name in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        path = next(u for u in links if u.endswith(name))
        assert finders.find(path.removeprefix("/static/")), path
    assert client.get("/api/v1/openapi.json").status_code == 200
