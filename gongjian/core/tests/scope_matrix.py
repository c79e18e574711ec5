"""The scope matrix of the health routes (ADR 0022; see gongjian/testing/matrix.py). The
probes answer anyone (nginx and monitoring call them without logging in); `/metrics` answers
by network, not by person (the test client comes from 127.0.0.1, inside the default admin
network); the health page is the platform administrator's."""

from __future__ import annotations

from django.urls import reverse

from gongjian.testing.cast import Cast
from gongjian.testing.matrix import Entry, everyone, only


def _job_of_district_admin(c: Cast, *, with_file: bool = False) -> str:
    """A finished job the district administrator started (a briefing, with its file)."""
    import uuid

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from gongjian.core.models import Job

    job = Job(
        public_id=uuid.uuid4(),
        actor=c.district_admin,
        kind="reports.briefing",
        title="生成工作简报：示范区",
        state=Job.State.DONE,
        summary="工作简报已生成",
        finished_at=timezone.now(),
    )
    if with_file:
        job.filename = "示范区工作简报.docx"
        job.file.save(f"{job.public_id}.bin", ContentFile(b"PK-test"), save=False)
    job.save()
    return str(job.public_id)


PAGE_MATRIX: dict[str, Entry] = {
    "healthz": ("get", lambda c: reverse("healthz"), everyone(200)),
    "readyz": ("get", lambda c: reverse("readyz"), everyone(200)),
    "metrics": ("get", lambda c: reverse("metrics"), everyone(200)),
    "health": ("get", lambda c: reverse("health"), only({"platform_admin"}, 200, 403)),
    # A job is its starter's (and the platform administrator's); anyone else: not found.
    "core:job_list": ("get", lambda c: reverse("core:job_list"), everyone(200)),
    "core:job_detail": (
        "get",
        lambda c: reverse("core:job_detail", args=[_job_of_district_admin(c)]),
        only({"platform_admin", "district_admin"}),
    ),
    "core:job_file": (
        "get",
        lambda c: reverse("core:job_file", args=[_job_of_district_admin(c, with_file=True)]),
        only({"platform_admin", "district_admin"}),
    ),
}
