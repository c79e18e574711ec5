"""The database task backend (django-tasks-db) as configured: a task enqueued is a row in the
database, and the worker (`gongjian db_worker`) runs it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from gongjian.service import tasks

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_in_the_database_is_run_by_the_worker() -> None:
    with override_settings(TASKS=DB_TASKS):
        result = tasks.service_send_reminders.enqueue()
        row = DBTaskResult.objects.get(id=result.id)
        assert row.status == "READY"
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
        row.refresh_from_db()
        assert row.status == "SUCCESSFUL"
        assert row.return_value == 0
