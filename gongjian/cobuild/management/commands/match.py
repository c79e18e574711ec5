"""``gongjian match``: propose demand–resource pairs from CSV files, without a database."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongjian.cobuild.matching import MatchInputError, Weights, match
from gongjian.cobuild.matching.io import (
    CsvError,
    read_demands,
    read_pairs,
    read_preferences,
    read_resources,
    write_proposals,
)


class Command(BaseCommand):
    help = (
        "为需求清单和资源清单提出配对建议（直联共建），写入CSV。"
        "Propose demand–resource pairs from CSV lists; needs no database."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demands", required=True, help="需求清单 CSV: id,title,description,category,area"
        )
        parser.add_argument(
            "--resources",
            required=True,
            help="资源清单 CSV: id,title,description,category,area,capacity",
        )
        parser.add_argument("--preferences", help="双向选择 CSV: side,chooser_id,chosen_id,rank")
        parser.add_argument("--pinned", help="指定配对 CSV: demand_id,resource_id")
        parser.add_argument("--forbidden", help="禁止配对 CSV: demand_id,resource_id")
        parser.add_argument(
            "--out", required=True, help="输出 CSV: demand_id,resource_id,score,reasons"
        )
        parser.add_argument("--top-k", type=int, default=10, help="每项需求保留的候选数")
        parser.add_argument("--workers", type=int, default=None, help="分词进程数（默认自动）")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            demands = read_demands(options["demands"])
            resources = read_resources(options["resources"])
            d_ids = [d.id for d in demands]
            r_ids = [r.id for r in resources]
            preferences = (
                read_preferences(options["preferences"], d_ids, r_ids)
                if options["preferences"]
                else []
            )
            pinned = read_pairs(options["pinned"], d_ids, r_ids) if options["pinned"] else []
            forbidden = (
                read_pairs(options["forbidden"], d_ids, r_ids) if options["forbidden"] else []
            )
            result = match(
                demands,
                resources,
                preferences,
                pinned=pinned,
                forbidden=forbidden,
                weights=Weights(),
                top_k=options["top_k"],
                workers=options["workers"],
            )
            write_proposals(result.proposals, options["out"])
        except (CsvError, MatchInputError) as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(
                f"{exc.filename or options['out']}：无法写入（{exc.strerror}）"
            ) from exc
        self.stdout.write(
            f"{len(result.proposals)} 对配对建议已写入 {options['out']}，"
            f"{len(result.unmatched)} 项需求暂无合适资源（{result.method}，"
            f"{time.perf_counter() - started:.1f} 秒）"
        )
