from __future__ import annotations

from django.urls import path

from gongjian.consult import views

app_name = "consult"
urlpatterns = [
    path("", views.suggestion_list, name="suggestion_list"),
    path("export/", views.suggestion_export, name="suggestion_export"),
    path("suggest/", views.suggestion_new, name="suggestion_new"),
    path("suggest/create/", views.suggestion_create, name="suggestion_create"),
    path("suggestions/<uuid:public_id>/", views.suggestion_detail, name="suggestion_detail"),
    path("suggestions/<uuid:public_id>/accept/", views.suggestion_accept, name="suggestion_accept"),
    path(
        "suggestions/<uuid:public_id>/decline/", views.suggestion_decline, name="suggestion_decline"
    ),
    path("suggestions/<uuid:public_id>/merge/", views.suggestion_merge, name="suggestion_merge"),
    path("suggestions/<uuid:public_id>/assign/", views.suggestion_assign, name="suggestion_assign"),
    path(
        "suggestions/<uuid:public_id>/hand-back/",
        views.suggestion_hand_back,
        name="suggestion_hand_back",
    ),
    path("suggestions/<uuid:public_id>/reply/", views.suggestion_reply, name="suggestion_reply"),
    path("suggestions/<uuid:public_id>/rate/", views.suggestion_rate, name="suggestion_rate"),
    path(
        "suggestions/<uuid:public_id>/replies/<int:reply_id>/attachment/",
        views.reply_attachment,
        name="reply_attachment",
    ),
    path("photos/<uuid:public_id>/", views.photo, name="photo"),
    path("rates/", views.unit_rates, name="unit_rates"),
    path("rates/export/", views.unit_rates_export, name="unit_rates_export"),
    path("public/", views.public_form, name="public_form"),
    path("public/code/", views.public_code, name="public_code"),
    path("public/submit/", views.public_submit, name="public_submit"),
    path("consultations/", views.consultation_list, name="consultation_list"),
    path("consultations/export/", views.consultation_export, name="consultation_export"),
    path("consultations/create/", views.consultation_create, name="consultation_create"),
    path("c/<uuid:public_id>/", views.consultation_detail, name="consultation_detail"),
    path("c/<uuid:public_id>/invite/", views.invitations_add, name="invitations_add"),
    path("c/<uuid:public_id>/answer/", views.invitation_answer, name="invitation_answer"),
    path("c/<uuid:public_id>/contribute/", views.contribution_add, name="contribution_add"),
    path("c/<uuid:public_id>/curate/", views.contribution_curate, name="contribution_curate"),
    path("c/<uuid:public_id>/record/", views.consultation_record, name="consultation_record"),
    path("c/<uuid:public_id>/qr/", views.consultation_qr, name="consultation_qr"),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("attendances/", views.attendance_list, name="attendance_list"),
    path("attendances/export/", views.attendance_export, name="attendance_export"),
    path("studios/", views.studio_list, name="studio_list"),
    path("studios/export/", views.studio_export, name="studio_export"),
    path("studios/create/", views.studio_create, name="studio_create"),
    path("studios/<uuid:public_id>/", views.studio_detail, name="studio_detail"),
    path("studios/<uuid:public_id>/shifts/", views.shift_record, name="shift_record"),
    path("record/", views.duty_record, name="duty_record"),
    path("record/pdf/", views.duty_record_pdf, name="duty_record_pdf"),
    path("records/", views.duty_records, name="duty_records"),
    path("records/export/", views.duty_records_export, name="duty_records_export"),
    path("duties/", views.unit_duties, name="unit_duties"),
    path("duties/<int:unit_id>/", views.unit_duty_set, name="unit_duty_set"),
]
