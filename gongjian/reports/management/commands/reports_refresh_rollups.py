"""Rebuild the dashboard's monthly rollups: the months a write marked dirty and months never
built. Run it nightly (cron or a systemd timer); until then a dirty month is read raw."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongjian.reports.services import rollups_refresh


class Command(BaseCommand):
    help = "Rebuild the dashboard's monthly rollups (驾驶舱统计)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--month", action="append", default=[], help="YYYY-MM, repeatable; default: as due"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        months = [dt.date.fromisoformat(m + "-01") for m in options["month"]] or None
        done = rollups_refresh(months=months)
        self.stdout.write(f"refreshed {len(done)} month(s)")
