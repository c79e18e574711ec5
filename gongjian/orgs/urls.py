from __future__ import annotations

from django.urls import path

from gongjian.orgs import lists, views

app_name = "orgs"
urlpatterns = [
    path("tree/", views.tree, name="tree"),
    path("pick/<str:kind>/", views.pick, name="pick"),
    path("areas/", views.area_list, name="area_list"),
    path("areas/export/", lists.AREAS.export_view(), name="area_export"),
    path("areas/new/", views.area_new, name="area_new"),
    path("areas/<int:area_id>/edit/", views.area_edit, name="area_edit"),
    path("areas/<int:area_id>/delete/", views.area_delete, name="area_delete"),
    path("areas/<int:area_id>/move/", views.area_move, name="area_move"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/export/", lists.UNITS.export_view(), name="unit_export"),
    path("units/new/", views.unit_new, name="unit_new"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("units/<int:unit_id>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:unit_id>/delete/", views.unit_delete, name="unit_delete"),
    path("units/<int:unit_id>/move/", views.unit_move, name="unit_move"),
    path("party-orgs/new/", views.party_org_new, name="party_org_new"),
    path("party-orgs/<int:org_id>/edit/", views.party_org_edit, name="party_org_edit"),
    path("party-orgs/<int:org_id>/delete/", views.party_org_delete, name="party_org_delete"),
    path("party-orgs/<int:org_id>/move/", views.party_org_move, name="party_org_move"),
    path("party-orgs/export/", lists.PARTY_ORGS.export_view(), name="party_org_export"),
    path("members/", views.member_list, name="member_list"),
    path("members/export/", lists.MEMBERS.export_view(), name="member_export"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/<uuid:member_id>/", views.member_detail, name="member_detail"),
    path("members/<uuid:member_id>/edit/", views.member_edit, name="member_edit"),
    path("members/<uuid:member_id>/unmask/", views.member_unmask, name="member_unmask"),
    path("members/<uuid:member_id>/transfer/", views.member_transfer, name="member_transfer"),
    path("posts/", views.role_list, name="role_list"),
    path("posts/export/", lists.POSTS.export_view(), name="role_export"),
    path("posts/<int:post_id>/revoke/", views.role_revoke, name="role_revoke"),
    path("import/", views.import_start, name="import_start"),
    path("import/template/<str:kind>/", views.import_template, name="import_template"),
    path("import/<str:token>/", views.import_preview, name="import_preview"),
    path("import/<str:token>/errors.xlsx", views.import_errors, name="import_errors"),
]


# Member accounts ---------------------------------------------------------------------------------
urlpatterns += [
    path("accounts/", views.accounts_rates, name="accounts_rates"),
    path("accounts/export/", views.accounts_rates_export, name="accounts_rates_export"),
    path("accounts/members/", views.accounts_members, name="accounts_members"),
    path("accounts/members/export/", views.accounts_members_export, name="accounts_members_export"),
    path("accounts/invite/", views.accounts_invite, name="accounts_invite"),
    path("members/<uuid:member_id>/leave/", views.member_leave, name="member_leave"),
]
