from __future__ import annotations

from django.urls import path

from gongjian.study import views

app_name = "study"
urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("export/", views.session_export, name="session_export"),
    path("new/", views.session_new, name="session_new"),
    path("new/create/", views.session_create, name="session_create"),
    path("s/<uuid:public_id>/", views.session_detail, name="session_detail"),
    path("s/<uuid:public_id>/cancel/", views.session_cancel, name="session_cancel"),
    path("s/<uuid:public_id>/record/", views.session_record, name="session_record"),
    path("s/<uuid:public_id>/materials/", views.material_add, name="material_add"),
    path(
        "s/<uuid:public_id>/materials/<int:material_id>/",
        views.material_download,
        name="material_download",
    ),
    path("s/<uuid:public_id>/qr/", views.session_qr, name="session_qr"),
    path("s/<uuid:public_id>/qr/code/", views.session_qr_code, name="session_qr_code"),
    path("s/<uuid:public_id>/mark/", views.attendance_mark, name="attendance_mark"),
    path("s/<uuid:public_id>/leave/", views.leave, name="leave"),
    path("s/<uuid:public_id>/note/", views.note, name="note"),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("me/", views.my_study, name="my_study"),
    path("attendances/", views.attendance_list, name="attendance_list"),
    path("attendances/export/", views.attendance_export, name="attendance_export"),
    path("makeups/", views.makeup_list, name="makeup_list"),
    path("makeups/export/", views.makeup_export, name="makeup_export"),
    path("makeups/<uuid:attendance_id>/confirm/", views.makeup_confirm, name="makeup_confirm"),
    path("makeups/<uuid:attendance_id>/return/", views.makeup_return, name="makeup_return"),
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/export/", views.compliance_export, name="compliance_export"),
    path("compliance/<int:org_id>/", views.branch_compliance, name="branch_compliance"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/save/", views.rule_save, name="rule_save"),
    path("rules/<int:rule_id>/reset/", views.rule_reset, name="rule_reset"),
]
