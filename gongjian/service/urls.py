from __future__ import annotations

from django.urls import path

from gongjian.core.routes import listed, verbs
from gongjian.service import lists, views

app_name = "service"
urlpatterns = [
    *listed("", views.activity_list, lists.ACTIVITIES.export_view()),
    path("new/", views.activity_create, name="activity_create"),
    path("a/<uuid:public_id>/", views.activity_detail, name="activity_detail"),
    *verbs("a/<uuid:public_id>/", views, "activity", "cancel"),
    path("a/<uuid:public_id>/signup/", views.signup, name="signup"),
    *verbs("a/<uuid:public_id>/signup/", views, "signup", "cancel"),
    *verbs("a/<uuid:public_id>/", views, "activity", "qr"),
    *verbs("a/<uuid:public_id>/qr/", views, "activity_qr", "code"),
    *listed("a/<uuid:public_id>/attendance/", views.attendance, lists.ATTENDANCE.export_view()),
    path("a/<uuid:public_id>/outcome/", views.outcome, name="outcome"),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("me/", views.my_service, name="my_service"),
    path("me/certificate.pdf", views.certificate_download, name="certificate"),
    path("verify/", views.certificate_check, name="certificate_check"),
    path("verify/<str:number>/", views.certificate_verify, name="certificate_verify"),
    path("me/notices/read/", views.notices_read, name="notices_read"),
    *listed("stats/", views.stats, lists.stats_export),
    *listed("records/", views.records, lists.RECORDS.export_view()),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<uuid:public_id>/", views.team_detail, name="team_detail"),
    path("categories/", views.category_list, name="category_list"),
]
