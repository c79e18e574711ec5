from __future__ import annotations

from django.urls import path

from gongjian.evaluation import lists, views

app_name = "evaluation"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("export/", lists.CAMPAIGNS.export_view(), name="campaign_export"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("c/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("c/<int:campaign>/export/", lists.ASSESSMENTS.export_view(), name="assessment_export"),
    path("c/<int:pk>/publish/", views.campaign_publish, name="campaign_publish"),
    path("c/<int:pk>/lock/", views.campaign_lock, name="campaign_lock"),
    path("c/<int:pk>/results/", views.results, name="results"),
    path(
        "c/<int:campaign>/results/export/",
        lists.RESULTS.export_view(),
        name="results_export",
    ),
    path("c/<int:pk>/cases/name/", views.cases_name_top, name="cases_name_top"),
    path("c/<int:pk>/awards/new/", views.award_create, name="award_create"),
    path("a/<uuid:public_id>/", views.assessment_detail, name="assessment_detail"),
    path("a/<uuid:public_id>/submit/", views.assessment_submit, name="assessment_submit"),
    path("a/<uuid:public_id>/review/", views.assessment_review, name="assessment_review"),
    path("a/<uuid:public_id>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("a/<uuid:public_id>/objection/", views.objection_submit, name="objection_submit"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("files/<uuid:public_id>/", views.evidence_file, name="evidence_file"),
    path("files/<uuid:public_id>/delete/", views.evidence_delete, name="evidence_delete"),
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/new/", views.framework_create, name="framework_create"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
    path("frameworks/<int:pk>/indicators/", views.indicator_save, name="indicator_save"),
    path(
        "frameworks/<int:pk>/indicators/<int:indicator_id>/delete/",
        views.indicator_delete,
        name="indicator_delete",
    ),
    path("frameworks/<int:pk>/publish/", views.framework_publish, name="framework_publish"),
    path("frameworks/<int:pk>/copy/", views.framework_copy, name="framework_copy"),
    path("brands/", views.brand_list, name="brand_list"),
    path("brands/export/", lists.BRANDS.export_view(), name="brand_export"),
    path("brands/new/", views.brand_apply, name="brand_apply"),
    path("brands/<uuid:public_id>/", views.brand_detail, name="brand_detail"),
    path("brands/<uuid:public_id>/review/", views.brand_review, name="brand_review"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/export/", lists.CASES.export_view(), name="case_export"),
    path("cases/new/", views.case_submit, name="case_submit"),
    path("cases/<uuid:public_id>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:public_id>/shortlist/", views.case_shortlist, name="case_shortlist"),
    path("cases/<uuid:public_id>/vote/", views.case_vote, name="case_vote"),
    path("awards/", views.award_list, name="award_list"),
    path("awards/export/", lists.AWARDS.export_view(), name="award_export"),
    path(
        "awards/<uuid:public_id>/certificate.pdf", views.award_certificate, name="award_certificate"
    ),
]
