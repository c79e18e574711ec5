"""Background work of the service app, through django-tasks (the backport of Django's tasks
framework). A scheduler (cron, or the database backend's worker) enqueues
`service_send_reminders` once a day, in the evening; `gongjian service_send_reminders` does the
same from the command line."""

from __future__ import annotations

from django_tasks import task

from gongjian.service import services


@task()
def service_send_reminders() -> int:
    """A notice to everyone confirmed for an activity that starts tomorrow; idempotent."""
    return services.reminders_send()
