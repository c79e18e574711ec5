from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "gongjian.reporting"
    label = "reporting"
    verbose_name = _("双报到")

    def ready(self) -> None:
        from gongjian.reporting import importers  # noqa: F401 - registers the importer
