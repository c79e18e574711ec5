"""The Django admin is for platform administrators only (superusers): it bypasses scopes."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongjian.orgs.models import Area, Member, MemberTransfer, PartyOrg, RoleAssignment, Unit


class SuperuserOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


@admin.register(Area)
class AreaAdmin(SuperuserOnly):
    list_display = ("code", "name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    readonly_fields = ("path", "depth")


@admin.register(Unit)
class UnitAdmin(SuperuserOnly):
    list_display = ("code", "name", "category", "area")
    search_fields = ("code", "name")


@admin.register(PartyOrg)
class PartyOrgAdmin(SuperuserOnly):
    list_display = ("code", "name", "kind", "unit", "area")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    readonly_fields = ("path", "depth")


@admin.register(Member)
class MemberAdmin(SuperuserOnly):
    list_display = ("name", "status", "party_org", "unit", "in_service")
    list_filter = ("status", "in_service")
    search_fields = ("name",)
    exclude = ("id_number", "phone")
    readonly_fields = ("public_id", "birth_date", "gender")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # members are added through the service, which validates and audits


@admin.register(MemberTransfer)
class MemberTransferAdmin(SuperuserOnly):
    list_display = ("member", "from_org", "to_org", "effective_on")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SuperuserOnly):
    list_display = ("user", "role", "area", "unit")
    list_filter = ("role",)
