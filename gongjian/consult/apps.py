from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultConfig(AppConfig):
    name = "gongjian.consult"
    label = "consult"
    verbose_name = _("协商议事")

    def ready(self) -> None:
        # A grid visit's issue can be passed on as a suggestion; the grid app knows only the seam.
        from gongjian.consult import selectors, services
        from gongjian.grid import selectors as grid_selectors
        from gongjian.grid import services as grid_services

        grid_services.pass_handler_register("suggestion", services.suggestion_from_grid_issue)
        grid_selectors.pass_target_register(
            "suggestion",
            grid_selectors.PassTarget(
                label=_("建议类别"), picks=selectors.category_picks, required=False
            ),
        )
