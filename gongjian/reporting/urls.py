from __future__ import annotations

from django.urls import path

from gongjian.reporting import lists, views

app_name = "reporting"
urlpatterns = [
    path("me/", views.my_report, name="my_report"),
    path("report/", views.report_form, name="report_form"),
    path("report/places/", views.places, name="places"),
    path("me/<uuid:report_id>/withdraw/", views.report_withdraw, name="report_withdraw"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:notice_id>/read/", views.notice_read, name="notice_read"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/export/", lists.REPORTS.export_view(), name="report_export"),
    path("reports/decide/", views.report_decide, name="report_decide"),
    path("roster/", views.roster, name="roster"),
    path("roster/export/", lists.ROSTER.export_view(), name="roster_export"),
    path("residents/", views.residents, name="residents"),
    path("residents/export/", lists.RESIDENTS.export_view(), name="residents_export"),
    path("poster/", views.poster, name="poster"),
    path("poster/<int:community_id>/qr.png", views.poster_png, name="poster_png"),
    path("poster/<int:community_id>/poster.pdf", views.poster_pdf, name="poster_pdf"),
    path("unit/", views.unit_status, name="unit_status"),
    path("unit/export/", lists.UNIT_MEMBERS.export_view(), name="unit_status_export"),
    path("unit/<int:unit_id>/remind/", views.remind, name="remind"),
    path("rates/", views.rates, name="rates"),
    path("rates/export/", lists.rates_export, name="rates_export"),
    path("pairings/", views.pairing_list, name="pairing_list"),
    path("pairings/export/", lists.PAIRINGS.export_view(), name="pairing_export"),
    path("pairings/new/", views.pairing_create, name="pairing_create"),
    path("pairings/<int:pairing_id>/decide/", views.pairing_decide, name="pairing_decide"),
]
