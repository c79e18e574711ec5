"""Send the reminders of rectification deadlines: the working day before, on the day, and once
when overdue. Idempotent by key: run it from cron once a day; a second run sends nothing new."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongjian.inspection import services


class Command(BaseCommand):
    help = "Send reminders of rectification deadlines to the responsible side"

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.reminders_send()
        self.stdout.write(f"reminders sent: {sent}")
