from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongjian.accounts import services
from gongjian.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "display_name", "is_active", "is_superuser", "last_login")
    search_fields = ("username", "display_name")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("共建", {"fields": ("display_name", "password_changed_at")}),
    )
    actions = ("reset_second_factor",)

    @admin.action(description=_("重置动态口令（下次登录时重新设置）"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        done = 0
        for user in queryset:
            if user.pk == request.user.pk:
                continue
            services.second_factor_reset(actor=request.user, user_id=user.pk)
            done += 1
        self.message_user(request, _("已重置%(n)d个账号的动态口令") % {"n": done}, messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked")
    readonly_fields = ("prefix", "key_hash", "last_used_at")
