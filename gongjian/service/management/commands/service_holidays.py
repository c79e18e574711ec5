"""A year's 放假调休 (the State Council's notice), entered as ranges; or the table as it is.

    gongjian service_holidays show 2027
    gongjian service_holidays set 2027 --notice "国办发明电〔2026〕X号" \\
        --holiday 2027-01-01:2027-01-03=元旦 --holiday 2027-02-05:2027-02-11=春节 … \\
        --workday 2027-02-13 …

`set` replaces the whole year (what the notice says, every range); the admin page
(/admin/service/holidayyear/) does the same. See docs/holidays.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongjian.core.errors import ValidationFailed
from gongjian.service import calendar, services


class Command(BaseCommand):
    help = "Enter a year's public holidays and make-up working days (放假调休), or show them"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("show", "set"))
        parser.add_argument("year", type=int, nargs="?")
        parser.add_argument(
            "--holiday", action="append", default=[], help="START:END[=name] days off"
        )
        parser.add_argument(
            "--workday", action="append", default=[], help="DAY or START:END make-up working"
        )
        parser.add_argument("--notice", default="", help="the notice's number (文号)")
        parser.add_argument("--provisional", action="store_true", help="not yet published")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if options["action"] == "show":
            self._show(year)
            return
        if year is None:
            raise CommandError("set needs a year")
        try:
            holidays = [services.parse_range(t, field="holidays") for t in options["holiday"]]
            workdays = [services.parse_range(t, field="workdays") for t in options["workday"]]
            services.holidays_save(
                actor=None,
                year=year,
                holidays=holidays,
                workdays=workdays,
                notice=options["notice"],
                provisional=options["provisional"],
            )
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from None
        self._show(year)

    def _show(self, year: int | None) -> None:
        table = calendar.table()
        years = [year] if year else sorted(table.years)
        for y in years:
            entry = table.years.get(y)
            if entry is None:
                self.stdout.write(f"{y}: 未录入")
                continue
            flags = "（暂定）" if entry.provisional else ""
            self.stdout.write(
                f"{y}{flags} {entry.notice or ''} [{entry.source}] "
                f"放假 {len(entry.holidays)} 天，调休上班 {len(entry.workdays)} 天"
            )
            self.stdout.write("  放假：" + " ".join(_ranges(sorted(entry.holidays))))
            self.stdout.write("  上班：" + (" ".join(_ranges(sorted(entry.workdays))) or "—"))


def _ranges(days: list[Any]) -> list[str]:
    out: list[str] = []
    start = prev = None
    for day in days:
        if prev is not None and (day - prev).days == 1:
            prev = day
            continue
        if start is not None:
            out.append(f"{start}" if start == prev else f"{start}:{prev}")
        start = prev = day
    if start is not None:
        out.append(f"{start}" if start == prev else f"{start}:{prev}")
    return out
