"""Send tomorrow's reminders (a notice to every member confirmed for an activity that starts
tomorrow). Idempotent: run it from cron once a day; a second run sends nothing new."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongjian.service import services


class Command(BaseCommand):
    help = "Send reminders for tomorrow's volunteer service activities"

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.reminders_send()
        self.stdout.write(f"reminders sent: {sent}")
