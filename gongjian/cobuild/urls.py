from __future__ import annotations

from django.urls import path

from gongjian.cobuild import lists, views
from gongjian.core.routes import listed, verbs

app_name = "cobuild"
urlpatterns = [
    *listed("", views.campaign_list, lists.CAMPAIGNS.export_view()),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("<int:campaign_id>/edit/", views.campaign_update, name="campaign_update"),
    *verbs("<int:campaign_id>/", views, "campaign", "advance"),
    # A list's export takes the list's filters, here `campaign`, from its address.
    path("<int:campaign_id>/resources/", views.resource_list, name="resource_list"),
    path("<int:campaign>/resources/export/", lists.RESOURCES.export_view(), name="resource_export"),
    path("<int:campaign_id>/resources/new/", views.resource_create, name="resource_create"),
    *verbs("resources/<int:resource_id>/", views, "resource", "edit", "delete", "contact"),
    *verbs("resources/<int:resource_id>/", views, "resource", "preferences"),
    path("<int:campaign_id>/demands/", views.demand_list, name="demand_list"),
    path("<int:campaign>/demands/export/", lists.DEMANDS.export_view(), name="demand_export"),
    path("<int:campaign_id>/demands/new/", views.demand_create, name="demand_create"),
    *verbs("demands/<int:demand_id>/", views, "demand", "edit", "delete", "preferences"),
    path("<int:campaign_id>/matching/", views.matching, name="matching"),
    path("<int:campaign>/matching/export/", lists.PROPOSALS.export_view(), name="matching_export"),
    *verbs("<int:campaign_id>/matching/", views, "match", "run", "confirm"),
    path("<int:campaign_id>/matching/rules/", views.pair_rule_create, name="pair_rule_create"),
    *verbs("rules/<int:rule_id>/", views, "pair_rule", "delete"),
    *verbs("matches/<int:match_id>/", views, "match", "decide"),
    path("matches/<int:match_id>/sign/", views.agreement_sign, name="agreement_sign"),
    *listed("agreements/", views.agreement_list, lists.AGREEMENTS.export_view()),
    *listed("projects/", views.project_list, lists.PROJECTS.export_view()),
    path("projects/<uuid:project_id>/", views.project_detail, name="project_detail"),
    *verbs("projects/<uuid:project_id>/", views, "project", "update", "rate"),
    path("projects/<uuid:project_id>/milestones/", views.milestone_add, name="milestone_add"),
    *verbs("milestones/<int:milestone_id>/", views, "milestone", "done"),
    path("projects/<uuid:project_id>/progress/", views.progress_add, name="progress_add"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
]
