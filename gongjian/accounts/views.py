"""The log-in pages: password, SMS code (log-in, activation, reset), second factor, the
account security page. Thin: each parses, calls one service, renders; a broken rule is
answered by `core.web` (forms declared with `form_page` come back with a 4xx)."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongjian.accounts import selectors, services
from gongjian.accounts.forms import PasswordChangeForm, SetPasswordForm
from gongjian.accounts.models import SmsCode
from gongjian.core.masking import mask_phone
from gongjian.core.validators import normalize_mobile
from gongjian.core.web import action, done, form_data, form_page, safe_next

SESSION_CODE_PHONE = "gongjian_code_phone"
SESSION_CODE_PURPOSE = "gongjian_code_purpose"
PURPOSES = {
    "login": (SmsCode.Purpose.LOGIN, _("短信验证码登录")),
    "activate": (SmsCode.Purpose.LOGIN, _("首次使用 / 激活账号")),
    "reset": (SmsCode.Purpose.RESET, _("忘记密码")),
}


def _after_login(request: HttpRequest, user: Any) -> HttpResponse:
    """Where a fresh session goes: the second factor first (if its post needs one), then a
    password for a member who has none yet, then `next`."""
    to = safe_next(request, reverse("home"))
    if services.second_factor_needed(user):  # a new session is never verified yet
        has_device = selectors.totp_device_of(user) is not None
        name = "accounts:otp_verify" if has_device else "accounts:otp_enrol"
        return redirect(f"{reverse(name)}?next={to}")
    return HttpResponseRedirect(to)


def _login_context(request: HttpRequest) -> dict[str, Any]:
    return {"next": safe_next(request, "")}


@require_http_methods(["GET", "POST"])
@form_page("accounts/login.html", _login_context)
def login_view(request: HttpRequest) -> HttpResponse:
    """The log-in page, and the Django admin's (`admin.site.login` is this view)."""
    if request.method == "POST":
        login = request.POST.get("login") or request.POST.get("username") or ""
        user = services.user_login_check(
            request=request, login=login, password=request.POST.get("password", "")
        )
        services.session_begin(request, user, method="password")
        return _after_login(request, user)
    return render(request, "accounts/login.html", {**_login_context(request), "form": {}})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    services.session_end(request)
    return redirect("accounts:login")


# SMS codes -----------------------------------------------------------------------------------


def _purpose(request: HttpRequest) -> str:
    wanted = request.POST.get("purpose") or request.GET.get("purpose") or "login"
    return wanted if wanted in PURPOSES else "login"


def _code_context(request: HttpRequest) -> dict[str, Any]:
    purpose = _purpose(request)
    return {"purpose": purpose, "title": PURPOSES[purpose][1], "next": safe_next(request, "")}


@require_http_methods(["GET"])
def code_start(request: HttpRequest) -> HttpResponse:
    """Step one of a code log-in, activation or reset: the mobile number on record."""
    return render(request, "accounts/code_start.html", {**_code_context(request), "form": {}})


@require_POST
@form_page("accounts/code_start.html", _code_context)
def code_send(request: HttpRequest) -> HttpResponse:
    purpose = _purpose(request)
    phone = request.POST.get("phone", "")
    services.sms_code_send(phone=phone, purpose=PURPOSES[purpose][0])
    request.session[SESSION_CODE_PHONE] = normalize_mobile(phone)
    request.session[SESSION_CODE_PURPOSE] = purpose
    to = f"{reverse('accounts:code_verify')}?purpose={purpose}"
    nxt = safe_next(request, "")
    return done(
        request,
        _("如该手机号已在所在单位登记，验证码已发送，5分钟内有效。"),
        to=f"{to}&next={nxt}" if nxt else to,
    )


def _verify_context(request: HttpRequest) -> dict[str, Any]:
    phone = request.session.get(SESSION_CODE_PHONE, "")
    return {**_code_context(request), "masked_phone": mask_phone(phone), "has_phone": bool(phone)}


@require_http_methods(["GET", "POST"])
@form_page("accounts/code_verify.html", _verify_context)
def code_verify(request: HttpRequest) -> HttpResponse:
    """Step two: the six-digit code; then the member is in (a new account on first use)."""
    context = _verify_context(request)
    if not context["has_phone"]:
        return redirect(f"{reverse('accounts:code_start')}?purpose={context['purpose']}")
    if request.method == "POST":
        purpose = _purpose(request)
        user = services.user_login_by_code(
            request=request,
            phone=request.session.get(SESSION_CODE_PHONE, ""),
            code=request.POST.get("code", ""),
            purpose=PURPOSES[purpose][0],
        )
        request.session.pop(SESSION_CODE_PHONE, None)
        if purpose == "reset" or not user.has_usable_password():
            if not services.second_factor_needed(user):
                return redirect("accounts:set_password")
        return _after_login(request, user)
    return render(request, "accounts/code_verify.html", {**context, "form": {}})


@login_required
@require_http_methods(["GET", "POST"])
@form_page("accounts/set_password.html")
def set_password(request: HttpRequest) -> HttpResponse:
    """A new password without the old one: after a reset by code (required) or on first
    use (optional: a member may keep logging in by code)."""
    if request.method == "POST":
        data = form_data(SetPasswordForm, request.POST)
        user = services.user_password_set_by_code(request=request, password=data["new_password1"])
        services.session_keep_after_password(request, user)
        return done(request, _("密码已设置"), to=reverse("home"))
    return render(
        request,
        "accounts/set_password.html",
        {"required": bool(request.session.get(services.SESSION_MUST_SET_PASSWORD)), "form": {}},
    )


@login_required
@require_http_methods(["GET", "POST"])
@form_page("accounts/password_change.html")
def password_change_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        data = form_data(PasswordChangeForm, request.POST)
        user = services.user_set_password(
            user=request.user,  # type: ignore[arg-type]
            password=data["new_password1"],
            old_password=data["old_password"],
        )
        services.session_keep_after_password(request, user)
        return done(request, _("密码已修改"), to=reverse("home"))
    return render(request, "accounts/password_change.html", {"form": {}})


# Second factor -------------------------------------------------------------------------------


def _qr_svg(data: str) -> str:
    return str(segno.make(data, error="m").svg_inline(scale=4, border=2))


def _enrol_context(request: HttpRequest) -> dict[str, Any]:
    device = selectors.totp_device_of(request.user, confirmed=False)
    if device is None:
        device = services.totp_enrol_start(user=request.user)  # type: ignore[arg-type]
    return {
        "device": device,
        "secret": device.base32_key,
        "qr": _qr_svg(device.config_url),
        "next": safe_next(request, ""),
    }


@login_required
@require_http_methods(["GET", "POST"])
@form_page("accounts/otp_enrol.html", _enrol_context)
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the key) into an authenticator app, give one code; the
    recovery codes are shown once."""
    has_device = selectors.totp_device_of(request.user) is not None
    verified = request.user.is_verified()  # type: ignore[union-attr]
    if has_device and not verified:
        return redirect("accounts:otp_verify")
    if request.method == "POST":
        codes = services.totp_enrol_confirm(
            user=request.user,  # type: ignore[arg-type]
            code=request.POST.get("code", ""),
            may_replace=verified,
        )
        device = selectors.totp_device_of(request.user)
        services.session_verified(request, device)
        return render(
            request,
            "accounts/recovery_codes.html",
            {"codes": codes, "next": safe_next(request, reverse("home"))},
        )
    if has_device and request.GET.get("renew") != "1":
        return redirect("accounts:security")
    return render(request, "accounts/otp_enrol.html", {**_enrol_context(request), "form": {}})


def _verify_otp_context(request: HttpRequest) -> dict[str, Any]:
    return {"next": safe_next(request, "")}


@login_required
@require_http_methods(["GET", "POST"])
@form_page("accounts/otp_verify.html", _verify_otp_context)
def otp_verify(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.second_factor_verify(request=request, code=request.POST.get("code", ""))
        return HttpResponseRedirect(safe_next(request, reverse("home")))
    if selectors.totp_device_of(request.user) is None:
        return redirect("accounts:otp_enrol")
    return render(request, "accounts/otp_verify.html", {**_verify_otp_context(request), "form": {}})


@action(back="accounts:security")
def recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    codes = services.recovery_codes_renew(user=request.user)  # type: ignore[arg-type]
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("accounts:security")},
    )


# Account security ----------------------------------------------------------------------------


def _security_context(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    sessions = selectors.my_sessions(actor=user)
    for s in sessions:
        s.current = s.session_key == request.session.session_key  # type: ignore[attr-defined]
    return {
        "sessions": sessions,
        "tokens": selectors.my_tokens(actor=user),
        "device": selectors.totp_device_of(user),
        "may_make_tokens": services.may_make_tokens(user),
        "needs_second_factor": services.second_factor_needed(user),
        "max_days": settings.API_TOKEN_MAX_DAYS,
        "form": {},
    }


@login_required
@require_http_methods(["GET"])
def security(request: HttpRequest) -> HttpResponse:
    """账号安全: my sessions and API tokens, each of which I can end; my second factor."""
    return render(request, "accounts/security.html", _security_context(request))


@action(back="accounts:security")
def session_end(request: HttpRequest, session_id: int) -> HttpResponse:
    services.user_session_end(actor=request.user, session_id=session_id)
    return done(request, _("已结束该会话"))


@action(back="accounts:security")
@form_page("accounts/security.html", _security_context)
def token_create(request: HttpRequest) -> HttpResponse:
    token, key = services.api_token_create_for(
        actor=request.user, name=request.POST.get("name", ""), days=request.POST.get("days", "")
    )
    return render(
        request,
        "accounts/security.html",
        {**_security_context(request), "new_token": token, "new_key": key},
    )


@action(back="accounts:security")
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    services.api_token_revoke(actor=request.user, token_id=token_id)
    return done(request, _("令牌已吊销"))
