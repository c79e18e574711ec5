from __future__ import annotations

from django.urls import path

from gongjian.mobilise import views

app_name = "mobilise"
urlpatterns = [
    path("", views.mobilisation_list, name="mobilisation_list"),
    path("export/", views.mobilisation_export, name="mobilisation_export"),
    path("new/", views.mobilisation_new, name="mobilisation_new"),
    path("issue/", views.mobilisation_issue, name="mobilisation_issue"),
    path("mine/", views.my_tasks, name="my_tasks"),
    path("m/<uuid:mobilisation>/", views.mobilisation_detail, name="mobilisation_detail"),
    path("m/<uuid:mobilisation>/board/", views.board, name="board"),
    path("m/<uuid:mobilisation>/board/live/", views.board_live, name="board_live"),
    path("m/<uuid:mobilisation>/name/", views.name_cadres, name="name_cadres"),
    path("m/<uuid:mobilisation>/name/save/", views.cadres_name, name="cadres_name"),
    path("m/<uuid:mobilisation>/dispatches/", views.dispatch_list, name="dispatch_list"),
    path(
        "m/<uuid:mobilisation>/dispatches/export/",
        views.dispatch_export,
        name="dispatch_export",
    ),
    path("m/<uuid:mobilisation>/places/", views.place_list, name="place_list"),
    path("m/<uuid:mobilisation>/places/export/", views.place_export, name="place_export"),
    path("m/<uuid:mobilisation>/groups/", views.group_list, name="group_list"),
    path("m/<uuid:mobilisation>/groups/export/", views.group_export, name="group_export"),
    path("m/<uuid:mobilisation>/groups/form/", views.group_form, name="group_form"),
    path("m/<uuid:mobilisation>/stand-down/", views.stand_down, name="stand_down"),
    path("d/<uuid:public_id>/", views.dispatch, name="dispatch"),
    path("d/<uuid:public_id>/confirm/", views.dispatch_confirm, name="dispatch_confirm"),
    path("d/<uuid:public_id>/withdraw/", views.dispatch_withdraw, name="dispatch_withdraw"),
    path("d/<uuid:public_id>/mark/", views.arrival_mark, name="arrival_mark"),
    path("p/<uuid:public_id>/", views.place, name="place"),
    path("p/<uuid:public_id>/checkin/", views.arrival_checkin, name="arrival_checkin"),
    path("p/<uuid:public_id>/qr.svg", views.place_qr, name="place_qr"),
    path("p/<uuid:public_id>/shifts/", views.shift_create, name="shift_create"),
    path("p/<uuid:public_id>/leader/", views.place_leader, name="place_leader"),
    path("shifts/<uuid:public_id>/duty/", views.duty_assign, name="duty_assign"),
    path("duties/<int:pk>/swap/", views.duty_swap, name="duty_swap"),
    path("duties/<int:pk>/in/", views.duty_check_in, name="duty_check_in"),
    path("duties/<int:pk>/out/", views.duty_check_out, name="duty_check_out"),
]
