from __future__ import annotations

from django.urls import path

from gongjian.cobuild import lists, views

app_name = "cobuild"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("export/", lists.CAMPAIGNS.export_view(), name="campaign_export"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("<int:campaign_id>/edit/", views.campaign_update, name="campaign_update"),
    path("<int:campaign_id>/advance/", views.campaign_advance, name="campaign_advance"),
    path("<int:campaign_id>/resources/", views.resource_list, name="resource_list"),
    path(
        "<int:campaign>/resources/export/",
        lists.RESOURCES.export_view(),
        name="resource_export",
    ),
    path("<int:campaign_id>/resources/new/", views.resource_create, name="resource_create"),
    path("resources/<int:resource_id>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<int:resource_id>/delete/", views.resource_delete, name="resource_delete"),
    path("resources/<int:resource_id>/contact/", views.resource_contact, name="resource_contact"),
    path(
        "resources/<int:resource_id>/preferences/",
        views.resource_preferences,
        name="resource_preferences",
    ),
    path("<int:campaign_id>/demands/", views.demand_list, name="demand_list"),
    path("<int:campaign>/demands/export/", lists.DEMANDS.export_view(), name="demand_export"),
    path("<int:campaign_id>/demands/new/", views.demand_create, name="demand_create"),
    path("demands/<int:demand_id>/edit/", views.demand_edit, name="demand_edit"),
    path("demands/<int:demand_id>/delete/", views.demand_delete, name="demand_delete"),
    path(
        "demands/<int:demand_id>/preferences/",
        views.demand_preferences,
        name="demand_preferences",
    ),
    path("<int:campaign_id>/matching/", views.matching, name="matching"),
    path(
        "<int:campaign>/matching/export/",
        lists.PROPOSALS.export_view(),
        name="matching_export",
    ),
    path("<int:campaign_id>/matching/run/", views.match_run, name="match_run"),
    path("<int:campaign_id>/matching/confirm/", views.match_confirm, name="match_confirm"),
    path("<int:campaign_id>/matching/rules/", views.pair_rule_create, name="pair_rule_create"),
    path("rules/<int:rule_id>/delete/", views.pair_rule_delete, name="pair_rule_delete"),
    path("matches/<int:match_id>/decide/", views.match_decide, name="match_decide"),
    path("matches/<int:match_id>/sign/", views.agreement_sign, name="agreement_sign"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/export/", lists.AGREEMENTS.export_view(), name="agreement_export"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/export/", lists.PROJECTS.export_view(), name="project_export"),
    path("projects/<uuid:project_id>/", views.project_detail, name="project_detail"),
    path("projects/<uuid:project_id>/update/", views.project_update, name="project_update"),
    path("projects/<uuid:project_id>/milestones/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:milestone_id>/done/", views.milestone_done, name="milestone_done"),
    path("projects/<uuid:project_id>/progress/", views.progress_add, name="progress_add"),
    path("projects/<uuid:project_id>/rate/", views.project_rate, name="project_rate"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
]
