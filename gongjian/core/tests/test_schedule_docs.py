"""The documented schedule names every command that must run on one, and each exists."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import get_commands

DOC = Path(__file__).resolve().parents[3] / "docs" / "configuration.md"
SCHEDULED = {
    "outbox_send",
    "reports_refresh_rollups",
    "service_send_reminders",
    "inspection_send_reminders",
    "consult_send_reminders",
}


def test_the_schedule_runs_every_periodic_command() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## The schedule", 1)[1].split("\n## ", 1)[0]
    cron = re.findall(r"^[\d*/,]+ [\d*/,]+ \* \* \*\s+gongjian (\w+)", section, re.MULTILINE)
    assert set(cron) == SCHEDULED
    commands = get_commands()
    assert all(name in commands for name in SCHEDULED)
    # Every command that sends reminders is scheduled
    assert {n for n in commands if n.endswith("_send_reminders")} <= set(cron)
