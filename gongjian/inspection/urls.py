from __future__ import annotations

from django.urls import path

from gongjian.inspection import views

app_name = "inspection"
urlpatterns = [
    path("", views.inspection_list, name="inspection_list"),
    path("export/", views.inspection_export, name="inspection_export"),
    path("new/", views.inspection_new, name="inspection_new"),
    path("new/create/", views.inspection_create, name="inspection_create"),
    path("i/<uuid:public_id>/", views.inspection_detail, name="inspection_detail"),
    path("i/<uuid:public_id>/places/", views.place_add, name="place_add"),
    path("i/<uuid:public_id>/inspectors/", views.inspectors_add, name="inspectors_add"),
    path("i/<uuid:public_id>/finding/", views.finding_new, name="finding_new"),
    path("i/<uuid:public_id>/finding/create/", views.finding_create, name="finding_create"),
    path("places/", views.place_list, name="place_list"),
    path("places/export/", views.place_export, name="place_export"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/export/", views.finding_export, name="finding_export"),
    path("findings/<uuid:public_id>/", views.finding_detail, name="finding_detail"),
    path("findings/<uuid:public_id>/rectify/", views.rectify, name="rectify"),
    path("findings/<uuid:public_id>/review/", views.review, name="review"),
    path("photos/<uuid:public_id>/", views.photo, name="photo"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/export/", views.campaign_export, name="campaign_export"),
    path("campaigns/create/", views.campaign_create, name="campaign_create"),
    path("campaigns/<uuid:public_id>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<uuid:public_id>/tasks/", views.tasks_assign, name="tasks_assign"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/export/", views.task_export, name="task_export"),
    path("tasks/<uuid:public_id>/", views.task_detail, name="task_detail"),
    path("tasks/<uuid:public_id>/report/", views.task_report, name="task_report"),
]
