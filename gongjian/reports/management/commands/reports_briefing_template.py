"""Write the default briefing template (.docx) to a file, for an office to make its own: edit
the 红头, 版记 and styles in Word or WPS, keep the placeholders, then point
GONGJIAN_BRIEFING_TEMPLATE at it (docs/documents.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongjian.reports import briefing_template


class Command(BaseCommand):
    help = "Write the default work-briefing template (工作简报模板) to a .docx file"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="where to write the .docx")
        parser.add_argument("--force", action="store_true", help="overwrite an existing file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if path.exists() and not options["force"]:
            raise CommandError(f"{path} exists; --force to overwrite")
        path.write_bytes(briefing_template.SHIPPED.read_bytes())
        self.stdout.write(f"wrote {path}; placeholders: {' '.join(briefing_template.PLACEHOLDERS)}")
