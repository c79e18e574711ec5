"""The session policy, for every page and for the API's session use alike:

- a session ends after 30 idle minutes (cookie age, renewed on every request) and after
  12 hours in any case;
- an account whose post needs a second factor is sent to enrol an authenticator, or to give
  a code, before anything else (the API answers 403);
- an expired password sends the user to change it first (the API answers 403);
- after a reset by SMS code the user sets a new password first;
- `SecondFactorRequired` raised by a service (unmasking an ID number with a stale code) is
  answered with the code page (htmx: `HX-Redirect`), or a 403 in the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.accounts import selectors, services
from gongjian.accounts.services import (
    SESSION_LOGIN_AT,
    SESSION_MUST_SET_PASSWORD,
    SESSION_OTP_AT,
    SecondFactorRequired,
)
from gongjian.core.web import is_safe_url

__all__ = ["SESSION_LOGIN_AT", "SessionPolicyMiddleware", "remember_login_time"]

# Pages open to a logged-in user before a second factor or a new password is given.
_OPEN_PREFIXES = ("/static/", "/i18n/", "/accounts/logout", "/accounts/login", "/favicon")
_OTP_PREFIX = "/accounts/second-factor/"
_PASSWORD_PREFIXES = ("/accounts/password", "/accounts/set-password")


def remember_login_time(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """When a session begins, for the 12-hour limit (every log-in, whatever its path)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LOGIN_AT] = timezone.now().timestamp()


def _api(request: HttpRequest) -> bool:
    return request.path.startswith(getattr(settings, "API_PREFIX", "/api/"))


def _refuse_api(code: str, message: str) -> HttpResponse:
    return JsonResponse({"code": code, "message": message, "detail": {}}, status=403)


def _with_next(name: str, request: HttpRequest, to: str | None = None) -> str:
    target = to if to is not None else request.get_full_path()
    query = f"?{urlencode({'next': target})}" if is_safe_url(request, target) else ""
    return f"{reverse(name)}{query}"


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            answer = self._policy(request, user)
            if answer is not None:
                return answer
        return self.get_response(request)

    def _policy(self, request: HttpRequest, user: Any) -> HttpResponse | None:
        login_at = request.session.get(SESSION_LOGIN_AT)
        now = timezone.now().timestamp()
        limit = dt.timedelta(hours=settings.SESSION_ABSOLUTE_HOURS).total_seconds()
        if login_at is None or now - float(login_at) > limit:
            logout(request)
            if _api(request):
                return None  # the API then answers 401 like any anonymous call
            messages.info(
                request,
                _("登录已超过%(h)d小时，请重新登录") % {"h": settings.SESSION_ABSOLUTE_HOURS},
            )
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        otp_at = request.session.get(SESSION_OTP_AT)
        user.otp_verified_at = (
            dt.datetime.fromtimestamp(float(otp_at), tz=dt.UTC) if otp_at else None
        )
        path = request.path
        if path.startswith(_OPEN_PREFIXES):
            return None
        if services.second_factor_needed(user) and not user.is_verified():
            if _api(request):
                return _refuse_api(
                    "second_factor_required", _("请先在平台上完成动态口令验证后再使用接口")
                )
            if path.startswith(_OTP_PREFIX):
                return None
            has_device = selectors.totp_device_of(user) is not None
            name = "accounts:otp_verify" if has_device else "accounts:otp_enrol"
            return redirect(_with_next(name, request))
        if path.startswith(_OTP_PREFIX):
            return None
        if request.session.get(SESSION_MUST_SET_PASSWORD):
            if _api(request):
                return _refuse_api("password_required", _("请先设置新密码"))
            if not path.startswith(_PASSWORD_PREFIXES):
                return redirect("accounts:set_password")
            return None
        if services.user_password_expired(user=user):
            if _api(request):
                return _refuse_api("password_expired", _("密码已超过有效期，请先修改密码"))
            if not path.startswith(_PASSWORD_PREFIXES):
                messages.warning(request, _("密码已超过有效期，请先修改密码"))
                return redirect("accounts:password_change")
        return None

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, SecondFactorRequired):
            return None
        if _api(request):
            return _refuse_api("second_factor_stale", exc.message)
        referer = request.META.get("HTTP_REFERER", "")
        back = referer if is_safe_url(request, referer) else "/"
        to = _with_next("accounts:otp_verify", request, back)
        messages.info(request, exc.message)
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=204)
            response["HX-Redirect"] = to
            return response
        return HttpResponseRedirect(to)
