"""Long work as background jobs (ADR 0032): imports (check and commit), matching runs, rollup
rebuilds and briefings run in the task worker, not in the request, and the page shows how far
they have come.

An app declares a kind of job with `@handler("kind")` in its `jobs.py` (core's import jobs are
in `core/imports.py`): a function `(job, progress) -> Outcome`. `job_start` records a `Job`
and enqueues the one task, `job_run`, through django-tasks: with the database backend
(django-tasks-db, `gongjian db_worker`) the worker runs it; with the immediate backend (the
embedded default and the tests) it runs at once, inside `job_start`, and the page that follows
shows it done.

`progress(done, total, stage)` writes the job's counters (at most a few times a second) on
the database's autocommit connection, so the polling page sees them while the work goes on;
inside a transaction a write is only seen when the transaction commits, so a handler reports
progress before it opens the transaction that writes its records.

A handler refuses with an `ApplicationError`: its Chinese message becomes the job's error. Any
other exception is logged and the job shows a generic Chinese message with its number.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django_tasks import task

from gongjian.core.errors import ApplicationError, NotFound
from gongjian.core.models import Job

log = logging.getLogger(__name__)

PROGRESS_EVERY_SECONDS = 0.3
T = TypeVar("T")


@dataclass
class Outcome:
    """What a finished job leaves: a sentence, a link to where its result is, maybe a file."""

    summary: str
    url: str = ""
    label: str = ""
    content: bytes | None = None
    filename: str = ""


class Progress:
    """The job's counters, written at most every PROGRESS_EVERY_SECONDS (and always when the
    stage changes)."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._last = 0.0
        self._stage = job.stage

    def __call__(self, done: int, total: int | None = None, stage: str | None = None) -> None:
        now = time.monotonic()
        changed = stage is not None and stage != self._stage
        if not changed and now - self._last < PROGRESS_EVERY_SECONDS:
            return
        self._last = now
        fields: dict[str, Any] = {"done": max(0, done), "updated_at": timezone.now()}
        if total is not None:
            fields["total"] = max(0, total)
        if stage is not None:
            fields["stage"] = stage[:200]
            self._stage = stage
        Job.objects.filter(pk=self.job.pk).update(**fields)
        for key, value in fields.items():
            setattr(self.job, key, value)

    def counting(self, items: Sequence[T], *, stage: str, every: int = 100) -> Counted[T]:
        """`items`, reporting how many have been gone through as they are iterated."""
        self(0, len(items), stage)
        return Counted(items, self, every=every)


class Counted(list[T]):
    """A list that tells its `Progress` how far each iteration over it has come."""

    def __init__(self, items: Sequence[T], progress: Progress, *, every: int) -> None:
        super().__init__(items)
        self._progress = progress
        self._every = every

    def __iter__(self) -> Iterator[T]:
        total = len(self)
        for i, item in enumerate(super().__iter__()):
            if i % self._every == 0:
                self._progress(i, total)
            yield item


Handler = Callable[[Job, Progress], Outcome]
_HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _HANDLERS[kind] = fn
        return fn

    return register


def _handler_for(kind: str) -> Handler:
    if kind not in _HANDLERS:
        autodiscover_modules("jobs", "imports")
    return _HANDLERS[kind]


def _immediate() -> bool:
    backend = str(settings.TASKS.get("default", {}).get("BACKEND", ""))
    return backend.endswith("ImmediateBackend")


def job_start(*, actor: Any, kind: str, title: str, params: dict[str, Any] | None = None) -> Job:
    """Record a job and hand it to the worker (run at once by the immediate backend)."""
    _handler_for(kind)  # an unknown kind fails here, in the request
    job = Job.objects.create(
        public_id=uuid.uuid4(),
        actor=actor,
        kind=kind,
        title=title[:200],
        params=params or {},
        stage=_("等待后台处理"),
    )

    def enqueue() -> None:
        result = job_run.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])

    if _immediate():
        enqueue()
        job.refresh_from_db()
    else:
        # The worker may only look for the job once it is committed.
        transaction.on_commit(enqueue)
    return job


def job_checked(job: Job) -> Job:
    """The job, or its error raised again when it has already failed (run at once by the
    immediate backend): the page then shows the message as it shows any broken rule."""
    if job.state == Job.State.FAILED:
        error = ApplicationError(job.error, code="job_failed")
        error.status = job.error_status
        raise error
    return job


@task()
def job_run(job_id: int) -> str:
    """Run one job to its end; its state says how it ended."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return "missing" if job is None else job.state
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, started_at=now, stage=_("正在处理"), updated_at=now
    )
    job.state = Job.State.RUNNING
    progress = Progress(job)
    try:
        outcome = _handler_for(job.kind)(job, progress)
    except ApplicationError as exc:
        _fail(job, str(exc.message), status=exc.status)
    except Exception:
        log.exception("job %s (%s) failed", job.public_id, job.kind)
        _fail(
            job, _("处理出错，请稍后重试或联系管理员（任务编号%(n)s）") % {"n": job.pk}, status=500
        )
    else:
        _finish(job, outcome)
    return str(Job.objects.values_list("state", flat=True).get(pk=job.pk))


def _fail(job: Job, message: str, *, status: int) -> None:
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.FAILED,
        error=message[:1000],
        error_status=status,
        stage="",
        finished_at=now,
        updated_at=now,
    )
    job.refresh_from_db()


def _finish(job: Job, outcome: Outcome) -> None:
    job.refresh_from_db()
    job.state = Job.State.DONE
    job.summary = outcome.summary[:500]
    job.result_url = outcome.url[:500]
    job.result_label = outcome.label[:100]
    job.stage = ""
    job.done = max(job.done, job.total)
    job.finished_at = timezone.now()
    if outcome.content is not None:
        job.filename = outcome.filename[:200]
        job.file.save(f"{job.public_id}.bin", ContentFile(outcome.content), save=False)
    job.save()


def _token(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def job_get_for(actor: Any, public_id: Any) -> Job:
    """A job its starter (or a platform administrator) may see; anyone else: not found."""
    key = _token(public_id)
    job = Job.objects.filter(public_id=key).select_related("actor").first() if key else None
    if job is None or not may_see(actor, job):
        raise NotFound(_("任务不存在"))
    return job


def may_see(actor: Any, job: Job) -> bool:
    if not getattr(actor, "is_authenticated", False):
        return False
    return bool(job.actor_id == actor.pk or getattr(actor, "is_superuser", False))


def jobs_of(actor: Any, *, limit: int = 10) -> list[Job]:
    """The actor's latest jobs, newest first."""
    if not getattr(actor, "is_authenticated", False):
        return []
    return list(Job.objects.filter(actor=actor)[:limit])


def job_purge(*, older_than: Any) -> int:
    """Forget finished jobs (and their files) older than `older_than` (a timedelta)."""
    cutoff = timezone.now() - older_than
    count = 0
    for job in Job.objects.filter(finished_at__lt=cutoff):
        if job.file.name:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count
