from __future__ import annotations

from django.urls import path

from gongjian.mobilise import views

app_name = "mobilise"
urlpatterns = [
    path("", views.mobilisation_list, name="mobilisation_list"),
]
