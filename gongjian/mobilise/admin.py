"""The Django admin is for platform administrators only (superusers): it bypasses scopes."""

from __future__ import annotations

from django.contrib import admin

from gongjian.mobilise.models import Dispatch, Group, Mobilisation, Place
from gongjian.orgs.admin import SuperuserOnly


@admin.register(Mobilisation)
class MobilisationAdmin(SuperuserOnly):
    list_display = ("title", "district", "starts_at", "status")
    search_fields = ("title",)
    raw_id_fields = ("district", "created_by")


@admin.register(Place)
class PlaceAdmin(SuperuserOnly):
    list_display = ("name", "kind", "mobilisation")
    raw_id_fields = ("mobilisation", "area", "parent", "leader")


@admin.register(Dispatch)
class DispatchAdmin(SuperuserOnly):
    list_display = ("member", "unit", "place", "confirmed_at", "active")
    raw_id_fields = ("mobilisation", "quota", "place", "unit", "member", "named_by")


@admin.register(Group)
class GroupAdmin(SuperuserOnly):
    list_display = ("name", "kind", "mobilisation", "party_org")
    raw_id_fields = ("mobilisation", "place", "party_org", "leader", "members")
