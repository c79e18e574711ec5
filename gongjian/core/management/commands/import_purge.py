"""`gongjian import_purge [--hours N]`: discard import batches checked but never committed
for GONGJIAN_IMPORT_KEEP_HOURS (1 by default) and delete their kept files, and any file left
under media/imports/ by a crash; and forget background jobs (core/jobs.py) finished more than
--job-days (30) ago, with their files. Run it from cron (docs/configuration.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongjian.core.imports import import_purge
from gongjian.core.jobs import job_purge


class Command(BaseCommand):
    help = "Discard abandoned import batches and delete their kept upload files"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=float,
            default=None,
            help="age after which a checked batch is abandoned (GONGJIAN_IMPORT_KEEP_HOURS)",
        )

        parser.add_argument(
            "--job-days",
            type=float,
            default=30,
            help="age in days after which a finished background job is forgotten",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["hours"] if options["hours"] is not None else settings.IMPORT_KEEP_HOURS
        if hours < 0:
            raise CommandError("--hours must not be negative")
        if options["job_days"] < 0:
            raise CommandError("--job-days must not be negative")
        expired, deleted = import_purge(older_than=dt.timedelta(hours=hours))
        jobs = job_purge(older_than=dt.timedelta(days=options["job_days"]))
        self.stdout.write(
            f"{expired} abandoned batch(es) discarded, {deleted} stray file(s) deleted, "
            f"{jobs} finished job(s) forgotten"
        )
