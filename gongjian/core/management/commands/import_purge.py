"""`gongjian import_purge [--hours N]`: discard import batches checked but never committed
for GONGJIAN_IMPORT_KEEP_HOURS (1 by default) and delete their kept files, and any file left
under media/imports/ by a crash; run it from cron (docs/configuration.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongjian.core.imports import import_purge


class Command(BaseCommand):
    help = "Discard abandoned import batches and delete their kept upload files"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=float,
            default=None,
            help="age after which a checked batch is abandoned (GONGJIAN_IMPORT_KEEP_HOURS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["hours"] if options["hours"] is not None else settings.IMPORT_KEEP_HOURS
        if hours < 0:
            raise CommandError("--hours must not be negative")
        expired, deleted = import_purge(older_than=dt.timedelta(hours=hours))
        self.stdout.write(
            f"{expired} abandoned batch(es) discarded, {deleted} stray file(s) deleted"
        )
