from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobiliseConfig(AppConfig):
    name = "gongjian.mobilise"
    label = "mobilise"
    verbose_name = _("下沉动员")

    def ready(self) -> None:
        # A duty shift checked out of counts as service hours; the service app knows only
        # the seam.
        from gongjian.mobilise import selectors
        from gongjian.service import selectors as service_selectors

        service_selectors.service_source_register("mobilise.duty", selectors.duty_service)
