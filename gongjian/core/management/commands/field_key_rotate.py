"""`gongjian field_key_rotate [--dry-run]`: re-encrypt every personal field under the current
GONGJIAN_FIELD_KEY and recompute its lookup hash; see docs/configuration.md."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongjian.core.errors import ApplicationError
from gongjian.core.services import FIELD_KEY_ROTATE_BATCH, field_key_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every personal field (ID numbers, phones) under GONGJIAN_FIELD_KEY and "
        "recompute its lookup hash, in one transaction; older keys from GONGJIAN_FIELD_KEYS_OLD"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check that every value decrypts and count what would change; write nothing",
        )
        parser.add_argument(
            "--batch-size", type=int, default=FIELD_KEY_ROTATE_BATCH, help="rows per batch"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            result = field_key_rotate(dry_run=options["dry_run"], batch_size=options["batch_size"])
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from None
        for count in result.counts:
            self.stdout.write(
                f"{count.label}: {count.values} value(s), {count.reencrypted} re-encrypted, "
                f"{count.reindexed} lookup hash(es) recomputed"
            )
        if result.dry_run:
            self.stdout.write("dry run: every value decrypts; nothing was written")
        else:
            self.stdout.write("done: every value is under the current key")
