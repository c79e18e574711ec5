from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from gongjian.accounts import selectors


class PhoneOrUsernameBackend(ModelBackend):
    """Checks a password for a username or a mobile number; the lockout policy lives in
    `services.user_login`, which every log-in goes through."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if not username or not password:
            return None
        user = selectors.user_find_by_login(login=username)
        if user is None:
            # Run the hasher once anyway, so timing does not tell who exists.
            from gongjian.accounts.models import User

            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
