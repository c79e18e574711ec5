from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    name = "gongjian.grid"
    label = "grid"
    verbose_name = _("网格")

    def ready(self) -> None:
        from gongjian.grid import importers  # noqa: F401 - registers the importer
