from __future__ import annotations

from django.contrib import admin

from gongjian.forms.models import Field, Form, Return, Round
from gongjian.orgs.admin import SuperuserOnly


@admin.register(Form)
class FormAdmin(SuperuserOnly):
    list_display = ("title", "owner", "frequency", "fillers", "version", "status")
    search_fields = ("title",)


@admin.register(Field)
class FieldAdmin(SuperuserOnly):
    list_display = ("form", "code", "label", "kind", "source", "since", "until")


@admin.register(Round)
class RoundAdmin(SuperuserOnly):
    list_display = ("form", "label", "due_on", "locked")


@admin.register(Return)
class ReturnAdmin(SuperuserOnly):
    list_display = ("round", "area", "unit", "status", "submitted_at", "on_time")
    list_filter = ("status",)
