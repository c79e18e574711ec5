from __future__ import annotations

from django.urls import path

from gongjian.reports import lists, views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("briefing/", views.briefing_preview, name="briefing"),
    path("briefing.docx", views.briefing_docx, name="briefing_docx"),
    path("briefing/generate/", views.briefing_generate, name="briefing_generate"),
    path("rollups/refresh/", views.rollups_refresh, name="rollups_refresh"),
    path("units/export/", lists.UNIT_RANKING.export_view(), name="unit_ranking_export"),
    path(
        "communities/export/",
        lists.COMMUNITY_RANKING.export_view(),
        name="community_ranking_export",
    ),
]
