"""`gongjian outbox_send [--limit N]`: send the pending SMS messages of the outbox through the
gateway configured by GONGJIAN_SMS_BACKEND; run it every few minutes (docs/configuration.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongjian.orgs.services import OUTBOX_MAX_ATTEMPTS, outbox_deliver


class Command(BaseCommand):
    help = (
        "Send pending SMS messages of the outbox, oldest first, through the gateway of "
        f"GONGJIAN_SMS_BACKEND; a message that fails {OUTBOX_MAX_ATTEMPTS} times is marked failed"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=500, help="send at most this many messages (500)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        result = outbox_deliver(limit=options["limit"])
        if result.sms_off:
            self.stdout.write(
                f"SMS sending is off (GONGJIAN_SMS_BACKEND=off): nothing was sent, "
                f"{result.skipped} message(s) left pending"
            )
            return
        self.stdout.write(
            f"sent: {result.sent}, failed: {result.failed} ({result.given_up} given up: "
            f"{OUTBOX_MAX_ATTEMPTS} attempts, or no phone), "
            f"skipped: {result.skipped} (WeChat, no channel yet)"
        )
        if result.stopped_early:
            self.stdout.write(
                "stopped early after failures in a row: is the gateway down? "
                "The rest stay pending for the next run"
            )
