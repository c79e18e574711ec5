from __future__ import annotations

app_name = "consult"
urlpatterns: list = []
