from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormsConfig(AppConfig):
    name = "gongjian.forms"
    label = "forms"
    verbose_name = _("报表")
