"""How the log-in policy asks about people it does not hold: who is on record with a mobile
number, and which accounts hold a post that needs a second factor.

`accounts` sits below `orgs` and may not import it, yet members get in with the phone their
unit has on record (`orgs.Member`), and the posts that must give a second factor are
`orgs` role assignments. So `orgs` registers a `Directory` here when it starts
(`orgs.apps`); without one, only the users' own phones and the superuser/staff flags count.
"""

from __future__ import annotations

from typing import Any, Protocol

from gongjian.accounts.models import User


class Directory(Protocol):
    def on_record(self, phone: str) -> bool:
        """Whether exactly one person on record, with no account of their own that is closed,
        has this (normalised) mobile number."""

    def account_for(self, phone: str) -> User | None:
        """The account of that person, made now if they have none (activation); None when the
        number is on no record, or on more than one."""

    def needs_second_factor(self, user: Any) -> bool:
        """Whether the user holds a post that can unmask or export (or is a platform
        administrator)."""


class UsersOnly:
    """The directory when no app has registered one: the users' own phones and flags."""

    def on_record(self, phone: str) -> bool:
        return False

    def account_for(self, phone: str) -> User | None:
        return None

    def needs_second_factor(self, user: Any) -> bool:
        return bool(getattr(user, "is_superuser", False) or getattr(user, "is_staff", False))


_directory: list[Directory] = [UsersOnly()]


def register(directory: Directory) -> None:
    """Called once by the app that knows the people (`orgs`)."""
    _directory[0] = directory


def directory() -> Directory:
    return _directory[0]
