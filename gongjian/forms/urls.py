from __future__ import annotations

from django.urls import path

from gongjian.forms import views

app_name = "forms"
urlpatterns = [
    path("", views.form_list, name="form_list"),
    path("export/", views.form_export, name="form_export"),
    path("new/", views.form_new, name="form_new"),
    path("new/create/", views.form_create, name="form_create"),
    path("f/<uuid:public_id>/", views.form_detail, name="form_detail"),
    path("f/<uuid:public_id>/fields/", views.field_add, name="field_add"),
    path("f/<uuid:public_id>/edit/", views.form_edit, name="form_edit"),
    path("f/<uuid:public_id>/fields/remove/", views.field_remove, name="field_remove"),
    path("f/<uuid:public_id>/fields/edit/", views.field_edit, name="field_edit"),
    path("f/<uuid:public_id>/fields/move/", views.field_move, name="field_move"),
    path("f/<uuid:public_id>/rules/", views.rule_add, name="rule_add"),
    path("f/<uuid:public_id>/rules/edit/", views.rule_edit, name="rule_edit"),
    path("f/<uuid:public_id>/rules/remove/", views.rule_remove, name="rule_remove"),
    path("f/<uuid:public_id>/status/", views.form_status, name="form_status"),
    path("f/<uuid:public_id>/open/", views.round_open, name="round_open"),
    path("f/<uuid:public_id>/history/<int:field_id>/", views.field_history, name="field_history"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/export/", views.round_export, name="round_export"),
    path("rounds/<int:pk>/chase/", views.chase_list, name="chase_list"),
    path("rounds/<int:round>/chase/export/", views.chase_export, name="chase_export"),
    path("rounds/<int:pk>/remind/", views.round_remind, name="round_remind"),
    path("rounds/<int:pk>/lock/", views.round_lock, name="round_lock"),
    path("rounds/<int:pk>/streets/", views.street_review, name="street_review"),
    path("returns/", views.return_list, name="return_list"),
    path("returns/export/", views.return_export, name="return_export"),
    path("returns/<uuid:public_id>/", views.return_detail, name="return_detail"),
    path("returns/<uuid:public_id>/print/", views.return_print, name="return_print"),
    path("returns/<uuid:public_id>/approve/", views.return_approve, name="return_approve"),
    path("returns/<uuid:public_id>/send-back/", views.return_send_back, name="return_send_back"),
]
