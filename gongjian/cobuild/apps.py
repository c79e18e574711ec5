from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CobuildConfig(AppConfig):
    name = "gongjian.cobuild"
    label = "cobuild"
    verbose_name = _("直联共建")

    def ready(self) -> None:
        from gongjian.cobuild import importers  # noqa: F401 - registers the importers
