from __future__ import annotations

from django.urls import path

from gongjian.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("code/", views.code_start, name="code_start"),
    path("code/send/", views.code_send, name="code_send"),
    path("code/verify/", views.code_verify, name="code_verify"),
    path("set-password/", views.set_password, name="set_password"),
    path("password/", views.password_change_view, name="password_change"),
    path("second-factor/enrol/", views.otp_enrol, name="otp_enrol"),
    path("second-factor/verify/", views.otp_verify, name="otp_verify"),
    path("security/recovery-codes/", views.recovery_codes_renew, name="recovery_codes_renew"),
    path("security/", views.security, name="security"),
    path("security/sessions/<int:session_id>/end/", views.session_end, name="session_end"),
    path("security/tokens/new/", views.token_create, name="token_create"),
    path("security/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
