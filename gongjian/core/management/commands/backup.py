"""`gongjian backup [--output DIR]` writes a backup (database, media, manifest);
`gongjian backup --drill` restores one into a scratch database and compares every table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongjian.core import backup


class Command(BaseCommand):
    help = (
        "Back up the database (a consistent pg_dump, or SQLite's online backup) and the media "
        "files with a manifest of row counts and checksums; --drill restores it into a scratch "
        "database and compares. The field key is not in a backup: keep it apart."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="the folder to write the backup into (default: <data dir>/backups)",
        )
        parser.add_argument(
            "--drill",
            action="store_true",
            help="back up, restore into a scratch database and compare every table and file",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"] or Path(settings.DATA_DIR) / "backups"
        try:
            if options["drill"]:
                self._drill(output if options["output"] else None)
                return
            output.mkdir(parents=True, exist_ok=True)
            path = backup.backup(output)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = backup.read_manifest(path)
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"Backup written to {path}: {len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['media'])} media files."
        )
        self.stdout.write(backup.KEY_NOTE)

    def _drill(self, keep: Path | None) -> None:
        result = backup.drill(keep=keep)
        width = max((len(t) for t, _s, _r in result.tables), default=10)
        self.stdout.write(f"{'table':<{width}}  {'rows':>10}  {'restored':>10}  checksum")
        for table, source, restored in result.tables:
            same = restored is not None and restored.checksum == source.checksum
            self.stdout.write(
                f"{table:<{width}}  {source.rows:>10}  "
                f"{restored.rows if restored else '-':>10}  {'equal' if same else 'DIFFERENT'}"
            )
        self.stdout.write(f"media files: {'equal' if result.media_ok else 'DIFFERENT'}")
        if not result.ok:
            raise CommandError("The restore drill FAILED: the restored copy differs.")
        total = sum(s.rows for _t, s, _r in result.tables)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restore drill passed: {len(result.tables)} tables, {total} rows, "
                "counts and checksums equal."
            )
        )
