from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least three of four classes: lowercase, uppercase, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                _("密码须包含小写字母、大写字母、数字、符号中的至少%(n)d类")
                % {"n": self.min_classes},
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return _("包含小写字母、大写字母、数字、符号中的至少%(n)d类") % {"n": self.min_classes}


class MinimumLengthValidator:
    """At least `min_length` characters, with the message in our own words (Django's own
    translation of this message lags behind its English text)."""

    def __init__(self, min_length: int = 12) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                _("密码太短，至少需要%(n)d个字符") % {"n": self.min_length},
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return _("至少%(n)d个字符") % {"n": self.min_length}


class NotPersonalValidator:
    """Not containing the username or the user's mobile number (in any case, ignoring spaces
    and dashes): both are the first things a guesser tries."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        folded = "".join(password.split()).replace("-", "").lower()
        username = str(getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError(_("密码不能包含用户名"), code="password_has_username")
        phones = {str(getattr(user, "phone", "") or "")}
        phones.update(str(p) for p in getattr(user, "_other_phones", ()) if p)
        for phone in phones:
            if len(phone) >= 7 and phone in folded:
                raise ValidationError(_("密码不能包含手机号"), code="password_has_phone")

    def get_help_text(self) -> str:
        return _("不能包含用户名或手机号")


class PasswordHistoryValidator:
    """Not one of the user's last `last` passwords (the current one included)."""

    def __init__(self, last: int = 5) -> None:
        self.last = last

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        from django.contrib.auth.hashers import check_password

        from gongjian.accounts.models import PasswordHistory

        hashes = list(
            PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[
                : self.last
            ]
        )
        current = getattr(user, "password", "")
        if current and current not in hashes:
            hashes = [current, *hashes][: self.last]
        if any(check_password(password, h) for h in hashes if h):
            raise ValidationError(
                _("不能使用最近%(n)d次用过的密码") % {"n": self.last}, code="password_reused"
            )

    def get_help_text(self) -> str:
        return _("不能与最近%(n)d次用过的密码相同") % {"n": self.last}
