from __future__ import annotations

from django.urls import path

from gongjian.core.routes import listed, verbs
from gongjian.orgs import lists, views

app_name = "orgs"
urlpatterns = [
    path("tree/", views.tree, name="tree"),
    path("pick/<str:kind>/", views.pick, name="pick"),
    *listed("areas/", views.area_list, lists.AREAS.export_view()),
    *verbs("areas/", views, "area", "new"),
    *verbs("areas/<int:area_id>/", views, "area", "edit", "delete", "move"),
    *listed("units/", views.unit_list, lists.UNITS.export_view()),
    *verbs("units/", views, "unit", "new"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    *verbs("units/<int:unit_id>/", views, "unit", "edit", "delete", "move"),
    *verbs("party-orgs/", views, "party_org", "new"),
    *verbs("party-orgs/<int:org_id>/", views, "party_org", "edit", "delete", "move"),
    path("party-orgs/export/", lists.PARTY_ORGS.export_view(), name="party_org_export"),
    *listed("members/", views.member_list, lists.MEMBERS.export_view()),
    path("members/new/", views.member_create, name="member_create"),
    path("members/<uuid:member_id>/", views.member_detail, name="member_detail"),
    *verbs("members/<uuid:member_id>/", views, "member", "edit", "unmask", "transfer"),
    *listed("posts/", views.role_list, lists.POSTS.export_view()),
    *verbs("posts/<int:post_id>/", views, "role", "revoke"),
    path("import/", views.import_start, name="import_start"),
    path("import/template/<str:kind>/", views.import_template, name="import_template"),
    path("import/<str:token>/", views.import_preview, name="import_preview"),
    path("import/<str:token>/errors.xlsx", views.import_errors, name="import_errors"),
]


# Member accounts ---------------------------------------------------------------------------------
urlpatterns += [
    *listed("accounts/", views.accounts_rates, views.accounts_rates_export),
    *listed("accounts/members/", views.accounts_members, views.accounts_members_export),
    path("accounts/invite/", views.accounts_invite, name="accounts_invite"),
    *verbs("members/<uuid:member_id>/", views, "member", "leave"),
]
