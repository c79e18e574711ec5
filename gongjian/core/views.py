from __future__ import annotations

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gongjian.core import jobs
from gongjian.core.errors import NotFound
from gongjian.core.exports import file_response
from gongjian.core.models import Job


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


@login_required
def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    """A background job's progress (the fragment, polled every second by htmx, while it runs)
    and, once it has ended, its result or its error."""
    job = jobs.job_get_for(request.user, job_id)
    template = "core/_job.html" if getattr(request, "htmx", False) else "core/job.html"
    return render(request, template, {"job": job})


@login_required
def job_file(request: HttpRequest, job_id: str) -> HttpResponse:
    """The file a finished job made (a briefing), to its starter."""
    job = jobs.job_get_for(request.user, job_id)
    if job.state != Job.State.DONE or not job.file.name:
        raise NotFound(_("该任务没有可下载的文件"))
    with job.file.open("rb") as f:
        data = f.read()
    content_type = mimetypes.guess_type(job.filename)[0] or "application/octet-stream"
    return file_response(data, filename=job.filename, content_type=content_type)


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    """The caller's latest background jobs."""
    return render(request, "core/job_list.html", {"jobs": jobs.jobs_of(request.user, limit=30)})
