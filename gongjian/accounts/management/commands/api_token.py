"""`gongjian api_token USERNAME NAME [--days N]`: create an API token; the key is shown once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongjian.accounts import services
from gongjian.accounts.models import User


class Command(BaseCommand):
    help = "Create an API token for a user (the key is printed once and never stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="what the token is for, e.g. 城市App对接")
        parser.add_argument("--days", type=int, default=365, help="validity in days (0: none)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user named {options['username']!r}")
        token, key = services.api_token_create(
            user=user, name=options["name"], days=options["days"] or None
        )
        self.stdout.write(f"{key}\n")
        self.stderr.write(f"token {token.prefix}… for {user.username}; keep the key safe\n")
