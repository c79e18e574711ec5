"""`gongjian check --deploy` warns when second factors are switched off."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def second_factors_on(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    if getattr(settings, "OTP_REQUIRED", True):
        return []
    return [
        Warning(
            "GONGJIAN_OTP_REQUIRED is off: administrators log in without a second factor "
            "(GB/T 22239-2019 level 3 asks for two factors for administrators).",
            hint="Unset GONGJIAN_OTP_REQUIRED (it defaults to on) outside a local trial.",
            id="gongjian.W001",
        )
    ]
