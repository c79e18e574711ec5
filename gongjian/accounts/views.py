from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongjian.accounts import services
from gongjian.accounts.forms import LoginForm, PasswordChangeForm
from gongjian.core.audit import audit_record
from gongjian.core.errors import ApplicationError, ValidationFailed


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_login_check(
                request=request,
                login=form.cleaned_data["login"],
                password=form.cleaned_data["password"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, user, backend="gongjian.accounts.backends.PhoneOrUsernameBackend")
            audit_record(action="login", obj=user, actor=user)
            return redirect(next_url or "home")
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(action="logout", obj=request.user, actor=request.user)
    logout(request)
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        if not user.check_password(form.cleaned_data["old_password"]):
            form.add_error("old_password", _("当前密码不正确"))
        else:
            try:
                services.user_set_password(
                    user=user,  # type: ignore[arg-type]
                    password=form.cleaned_data["new_password1"],
                )
            except ValidationFailed as exc:
                for name, errors in exc.detail.get("fields", {}).items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
            else:
                update_session_auth_hash(request, user)  # type: ignore[arg-type]
                messages.success(request, _("密码已修改"))
                return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})
