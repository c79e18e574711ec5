"""The scope matrix of the health routes (ADR 0022; see gongjian/testing/matrix.py). The
probes answer anyone (nginx and monitoring call them without logging in); `/metrics` answers
by network, not by person (the test client comes from 127.0.0.1, inside the default admin
network); the health page is the platform administrator's."""

from __future__ import annotations

from django.urls import reverse

from gongjian.testing.matrix import Entry, everyone, only

PAGE_MATRIX: dict[str, Entry] = {
    "healthz": ("get", lambda c: reverse("healthz"), everyone(200)),
    "readyz": ("get", lambda c: reverse("readyz"), everyone(200)),
    "metrics": ("get", lambda c: reverse("metrics"), everyone(200)),
    "health": ("get", lambda c: reverse("health"), only({"platform_admin"}, 200, 403)),
}
