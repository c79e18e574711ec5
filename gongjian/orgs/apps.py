from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "gongjian.orgs"
    label = "orgs"
    verbose_name = _("组织与党员")

    def ready(self) -> None:
        from gongjian.orgs import (
            accounts,
            importers,  # noqa: F401 - registers the importers
        )

        accounts.connect()
