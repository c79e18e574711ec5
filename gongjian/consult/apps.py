from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultConfig(AppConfig):
    name = "gongjian.consult"
    label = "consult"
    verbose_name = _("协商议事")
