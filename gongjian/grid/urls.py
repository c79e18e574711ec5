from __future__ import annotations

from django.urls import path

from gongjian.grid import views

app_name = "grid"
urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("coverage/export/", views.coverage_export, name="coverage_export"),
    path("cadres/", views.cadres, name="cadres"),
    path("households/", views.household_list, name="household_list"),
    path("households/export/", views.household_export, name="household_export"),
    path("households/create/", views.household_create, name="household_create"),
    path("households/<uuid:public_id>/", views.household_detail, name="household_detail"),
    path("households/<uuid:public_id>/unmask/", views.household_unmask, name="household_unmask"),
    path("households/<uuid:public_id>/flags/", views.household_flags, name="household_flags"),
    path("households/<uuid:public_id>/edit/", views.household_edit, name="household_edit"),
    path("households/<uuid:public_id>/update/", views.household_update, name="household_update"),
    path("households/<uuid:public_id>/delete/", views.household_delete, name="household_delete"),
    path("assignments/", views.assignment_list, name="assignment_list"),
    path("assignments/export/", views.assignment_export, name="assignment_export"),
    path("assignments/create/", views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/export/", views.visit_export, name="visit_export"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/create/", views.visit_create, name="visit_create"),
    path("visits/<uuid:public_id>/", views.visit_detail, name="visit_detail"),
    path("issues/", views.issue_list, name="issue_list"),
    path("issues/export/", views.issue_export, name="issue_export"),
    path("issues/<uuid:public_id>/pass/", views.issue_pass, name="issue_pass"),
    path("issues/pass-targets/", views.pass_targets, name="pass_targets"),
    path("issues/<uuid:public_id>/resolve/", views.issue_resolve, name="issue_resolve"),
]
