"""Sessions end after 30 idle minutes (cookie age, renewed on every request) and after 12 hours
in any case; an expired password sends the user to change it first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

SESSION_LOGIN_AT = "gongjian_login_at"
_EXEMPT_PREFIXES = ("/static/", "/api/", "/accounts/logout", "/accounts/password")


def remember_login_time(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """When a session begins, for the 12-hour limit (every log-in, whatever its path)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LOGIN_AT] = timezone.now().timestamp()


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            login_at = request.session.get(SESSION_LOGIN_AT)
            now = timezone.now().timestamp()
            limit = dt.timedelta(hours=settings.SESSION_ABSOLUTE_HOURS).total_seconds()
            if login_at is None or now - float(login_at) > limit:
                logout(request)
                messages.info(
                    request,
                    _("登录已超过%(h)d小时，请重新登录") % {"h": settings.SESSION_ABSOLUTE_HOURS},
                )
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            if not request.path.startswith(_EXEMPT_PREFIXES):
                from gongjian.accounts.services import user_password_expired

                if user_password_expired(user=user):
                    messages.warning(request, _("密码已超过有效期，请先修改密码"))
                    return redirect("accounts:password_change")
        return self.get_response(request)
