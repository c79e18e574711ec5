from __future__ import annotations

from django.urls import path

from gongjian.core import views

app_name = "core"
urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("<str:job_id>/", views.job_detail, name="job_detail"),
    path("<str:job_id>/file/", views.job_file, name="job_file"),
]
