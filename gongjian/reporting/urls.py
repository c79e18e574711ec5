from __future__ import annotations

from django.urls import path

from gongjian.core.routes import listed, verbs
from gongjian.reporting import lists, views

app_name = "reporting"
urlpatterns = [
    path("me/", views.my_report, name="my_report"),
    path("report/", views.report_form, name="report_form"),
    path("report/places/", views.places, name="places"),
    path("me/<uuid:report_id>/withdraw/", views.report_withdraw, name="report_withdraw"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:notice_id>/read/", views.notice_read, name="notice_read"),
    *listed("reports/", views.report_list, lists.REPORTS.export_view()),
    path("reports/decide/", views.report_decide, name="report_decide"),
    *listed("roster/", views.roster, lists.ROSTER.export_view()),
    *listed("residents/", views.residents, lists.RESIDENTS.export_view()),
    path("poster/", views.poster, name="poster"),
    path("poster/<int:community_id>/qr.png", views.poster_png, name="poster_png"),
    path("poster/<int:community_id>/poster.pdf", views.poster_pdf, name="poster_pdf"),
    *listed("unit/", views.unit_status, lists.UNIT_MEMBERS.export_view()),
    path("unit/<int:unit_id>/remind/", views.remind, name="remind"),
    *listed("rates/", views.rates, lists.rates_export),
    *listed("pairings/", views.pairing_list, lists.PAIRINGS.export_view()),
    path("pairings/new/", views.pairing_create, name="pairing_create"),
    *verbs("pairings/<int:pairing_id>/", views, "pairing", "decide"),
]
