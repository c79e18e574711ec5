"""`gongjian restore BACKUP_DIR [--database URL] [--media DIR]`: put a backup back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from gongjian.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup written by `gongjian backup` into a database (default: the configured "
        "one; PostgreSQL replaces what the backup holds, SQLite needs a new file) and the media "
        "folder. The field key of the backed-up installation must be configured to read it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="the backup folder")
        parser.add_argument("--database", default="", help="a database URL to restore into")
        parser.add_argument("--media", type=Path, default=None, help="the media folder")

    def handle(self, *args: Any, **options: Any) -> None:
        database = (
            backup.database_settings(options["database"])
            if options["database"]
            else dict(connection.settings_dict)
        )
        media = options["media"] or Path(settings.MEDIA_ROOT)
        try:
            backup.restore(options["source"], database=database, media_root=media)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Restored {options['source']} into {database['NAME']}.")
        )
