from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from gongjian.accounts.views import login_view
from gongjian.config.api import api
from gongjian.core import health
from gongjian.orgs import views as org_views

admin.site.site_header = "共建平台管理后台"
admin.site.site_title = "共建平台"
# One log-in policy for every door: the admin logs in through the project's page.
admin.site.login = login_view  # type: ignore[method-assign,assignment]

urlpatterns = [
    path("", org_views.home, name="home"),
    path("accounts/", include("gongjian.accounts.urls")),
    path("orgs/", include("gongjian.orgs.urls")),
    path("reporting/", include("gongjian.reporting.urls")),
    path("service/", include("gongjian.service.urls")),
    path("reports/", include("gongjian.reports.urls")),
    path("cobuild/", include("gongjian.cobuild.urls")),
    path("evaluation/", include("gongjian.evaluation.urls")),
    path("study/", include("gongjian.study.urls")),
    path("inspection/", include("gongjian.inspection.urls")),
    path("consult/", include("gongjian.consult.urls")),
    path("grid/", include("gongjian.grid.urls")),
    path("mobilise/", include("gongjian.mobilise.urls")),
    path("forms/", include("gongjian.forms.urls")),
    path("jobs/", include("gongjian.core.urls")),
    path("api/v1/", api.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("admin/health/", health.health_page, name="health"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler403 = "gongjian.core.views.forbidden"
handler404 = "gongjian.core.views.not_found"
handler500 = "gongjian.core.views.server_error"
