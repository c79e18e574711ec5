from __future__ import annotations

from django.urls import path

from gongjian.service import lists, views

app_name = "service"
urlpatterns = [
    path("", views.activity_list, name="activity_list"),
    path("export/", lists.ACTIVITIES.export_view(), name="activity_export"),
    path("new/", views.activity_create, name="activity_create"),
    path("a/<uuid:public_id>/", views.activity_detail, name="activity_detail"),
    path("a/<uuid:public_id>/cancel/", views.activity_cancel, name="activity_cancel"),
    path("a/<uuid:public_id>/signup/", views.signup, name="signup"),
    path("a/<uuid:public_id>/signup/cancel/", views.signup_cancel, name="signup_cancel"),
    path("a/<uuid:public_id>/qr/", views.activity_qr, name="activity_qr"),
    path("a/<uuid:public_id>/qr/code/", views.activity_qr_code, name="activity_qr_code"),
    path("a/<uuid:public_id>/attendance/", views.attendance, name="attendance"),
    path(
        "a/<uuid:public_id>/attendance/export/",
        lists.ATTENDANCE.export_view(),
        name="attendance_export",
    ),
    path("a/<uuid:public_id>/outcome/", views.outcome, name="outcome"),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("me/", views.my_service, name="my_service"),
    path("me/certificate.pdf", views.certificate_download, name="certificate"),
    path("verify/", views.certificate_check, name="certificate_check"),
    path("verify/<str:number>/", views.certificate_verify, name="certificate_verify"),
    path("me/notices/read/", views.notices_read, name="notices_read"),
    path("stats/", views.stats, name="stats"),
    path("stats/export/", lists.stats_export, name="stats_export"),
    path("records/", views.records, name="records"),
    path("records/export/", lists.RECORDS.export_view(), name="records_export"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<uuid:public_id>/", views.team_detail, name="team_detail"),
    path("categories/", views.category_list, name="category_list"),
]
