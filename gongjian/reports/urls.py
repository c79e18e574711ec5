from __future__ import annotations

from django.urls import path

from gongjian.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("briefing/", views.briefing_preview, name="briefing"),
    path("briefing.docx", views.briefing_docx, name="briefing_docx"),
    path("units/export/", views.unit_ranking_export, name="unit_ranking_export"),
    path("communities/export/", views.community_ranking_export, name="community_ranking_export"),
]
