from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gongjian.accounts"
    label = "accounts"
    verbose_name = _("账号")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from gongjian.accounts import checks  # noqa: F401 - registers the deploy check
        from gongjian.accounts.middleware import remember_login_time

        user_logged_in.connect(remember_login_time, dispatch_uid="gongjian_login_time")
