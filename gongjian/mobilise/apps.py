from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobiliseConfig(AppConfig):
    name = "gongjian.mobilise"
    label = "mobilise"
    verbose_name = _("下沉动员")
