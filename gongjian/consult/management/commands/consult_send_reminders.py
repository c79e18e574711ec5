"""Send the reminders of suggestion deadlines to the units handling them: the working day
before, on the day, and once when overdue. Idempotent by key: run it from cron once a day."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongjian.consult import services


class Command(BaseCommand):
    help = "Send reminders of suggestion deadlines to the units handling them"

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.reminders_send()
        self.stdout.write(f"reminders sent: {sent}")
