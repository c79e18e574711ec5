"""`gongjian api_token USERNAME NAME [--days N]`: create an API token; the key is shown once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongjian.accounts import services
from gongjian.accounts.models import User
from gongjian.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Create an API token for a user (the key is printed once and never stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="what the token is for, e.g. 城市App对接")
        parser.add_argument("--days", type=int, default=90, help="validity in days (1 to 90)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user named {options['username']!r}")
        try:
            token, key = services.api_token_create(
                user=user, name=options["name"], days=options["days"]
            )
        except ValidationFailed as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"{key}\n")
        self.stderr.write(f"token {token.prefix}… for {user.username}; keep the key safe\n")
