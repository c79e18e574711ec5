"""`gongjian demo [--reset] [--seed N]`: fill the database with the fictional demo district."""

from __future__ import annotations

import time
import unicodedata
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from gongjian.accounts.demo import DEMO_TOTP_SECRET
from gongjian.accounts.models import User
from gongjian.orgs import demo
from gongjian.orgs.models import Area, Member, PartyOrg, Unit


def _flush(database: str) -> None:
    """Empty every table, as the operator asked with --reset. PostgreSQL empties with TRUNCATE,
    which the audit log's row trigger does not see; SQLite deletes row by row, so its audit
    delete guard is lifted for the flush and put back at once."""
    from importlib import import_module

    from django.db import connections

    connection = connections[database]
    if connection.vendor != "sqlite":
        call_command("flush", interactive=False, verbosity=0, database=database)
        return
    guard = import_module("gongjian.core.migrations.0003_auditlog_append_only_sqlite")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
            "AND name = 'core_auditlog_no_recent_delete'"
        )
        guarded = cursor.fetchone()[0] > 0
        cursor.execute("DROP TRIGGER IF EXISTS core_auditlog_no_recent_delete")
    try:
        call_command("flush", interactive=False, verbosity=0, database=database)
    finally:
        if guarded:
            with connection.cursor() as cursor:
                for statement in guard.CREATE:
                    cursor.execute(statement)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def login_table(logins: list[demo.DemoLogin], password: str) -> str:
    """The demo log-ins as an aligned text table (CJK characters count double)."""
    header = ("用户名", "密码", "角色", "范围")
    rows = [header] + [(x.username, password, x.role, x.scope) for x in logins]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "生成虚构的示范区演示数据（区、街道、社区、网格、单位、党组织、党员、演示账号）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="先清空整个数据库（flush），再生成演示数据",
        )
        parser.add_argument(
            "--seed", type=int, default=demo.DEFAULT_SEED, help="随机种子；同一种子生成同样的数据"
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="党员人数的倍数（测试用，默认1，即约7000名党员）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        database = options.get("database") or "default"
        if options["reset"]:
            _flush(database)
            self.stdout.write("已清空数据库。")
        elif Area.objects.filter(code=demo.DISTRICT_CODE).exists():
            raise CommandError(
                "演示数据已存在（示范区 SFQ），未写入任何数据。"
                "要重新生成，请运行：gongjian demo --reset（会清空整个数据库）"
            )
        elif (
            Area.objects.exists()
            or Unit.objects.exists()
            or PartyOrg.objects.exists()
            or Member.objects.exists()
            or User.objects.exists()
        ):
            raise CommandError(
                "数据库中已有数据，未写入任何数据。演示数据只能写入空数据库；"
                "要清空后生成，请运行：gongjian demo --reset"
            )
        if options["scale"] <= 0:
            raise CommandError("--scale 应大于0")

        def log(message: str) -> None:
            self.stdout.write(f"  {message}（{time.monotonic() - started:.1f}秒）")

        with transaction.atomic():
            ctx = demo.build_orgs(seed=options["seed"], scale=options["scale"], log=log)
            demo.build_apps(ctx)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已生成：{ctx.district.name}（种子 {ctx.seed}），用时{elapsed:.1f}秒。"
            )
        )
        self.stdout.write("")
        self.stdout.write("演示账号（仅用于演示，请勿在生产环境中使用）：")
        self.stdout.write(login_table(ctx.logins, ctx.password))
        self.stdout.write("")
        self.stdout.write(
            f"动态口令（TOTP）演示密钥：{DEMO_TOTP_SECRET}\n"
            "  admin、district、street、community、unit 登录时还需输入动态口令："
            "在手机验证器应用中手动添加此密钥（基于时间，6位，30秒）。"
        )
        self.stdout.write(
            "短信验证码：GONGJIAN_SMS_BACKEND=log 时，验证码显示在本终端（手机号已脱敏），"
            "不会真正发送。"
        )
