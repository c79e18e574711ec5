from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "gongjian.reports"
    label = "reports"
    verbose_name = _("驾驶舱与简报")

    def ready(self) -> None:
        from gongjian.reports import signals

        signals.connect()
