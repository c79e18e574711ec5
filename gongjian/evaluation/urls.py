from __future__ import annotations

from django.urls import path

from gongjian.core.routes import listed, verbs
from gongjian.evaluation import lists, views

app_name = "evaluation"
urlpatterns = [
    *listed("", views.campaign_list, lists.CAMPAIGNS.export_view()),
    path("new/", views.campaign_create, name="campaign_create"),
    path("c/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    # A list's export takes the list's filters, here `campaign`, from its address.
    path("c/<int:campaign>/export/", lists.ASSESSMENTS.export_view(), name="assessment_export"),
    *verbs("c/<int:pk>/", views, "campaign", "publish", "lock"),
    path("c/<int:pk>/results/", views.results, name="results"),
    path("c/<int:campaign>/results/export/", lists.RESULTS.export_view(), name="results_export"),
    path("c/<int:pk>/cases/name/", views.cases_name_top, name="cases_name_top"),
    path("c/<int:pk>/awards/new/", views.award_create, name="award_create"),
    path("a/<uuid:public_id>/", views.assessment_detail, name="assessment_detail"),
    *verbs("a/<uuid:public_id>/", views, "assessment", "submit", "review"),
    path("a/<uuid:public_id>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("a/<uuid:public_id>/objection/", views.objection_submit, name="objection_submit"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("files/<uuid:public_id>/", views.evidence_file, name="evidence_file"),
    *verbs("files/<uuid:public_id>/", views, "evidence", "delete"),
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/new/", views.framework_create, name="framework_create"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
    path("frameworks/<int:pk>/indicators/", views.indicator_save, name="indicator_save"),
    path(
        "frameworks/<int:pk>/indicators/<int:indicator_id>/delete/",
        views.indicator_delete,
        name="indicator_delete",
    ),
    *verbs("frameworks/<int:pk>/", views, "framework", "publish", "copy"),
    *listed("brands/", views.brand_list, lists.BRANDS.export_view()),
    path("brands/new/", views.brand_apply, name="brand_apply"),
    path("brands/<uuid:public_id>/", views.brand_detail, name="brand_detail"),
    *verbs("brands/<uuid:public_id>/", views, "brand", "review"),
    *listed("cases/", views.case_list, lists.CASES.export_view()),
    path("cases/new/", views.case_submit, name="case_submit"),
    path("cases/<uuid:public_id>/", views.case_detail, name="case_detail"),
    *verbs("cases/<uuid:public_id>/", views, "case", "shortlist", "vote"),
    *listed("awards/", views.award_list, lists.AWARDS.export_view()),
    path(
        "awards/<uuid:public_id>/certificate.pdf", views.award_certificate, name="award_certificate"
    ),
]
