from django.urls import path

from mamori.inspections.views import audits, campaigns, catalogue, findings, results, review, sheets

app_name = "inspections"

urlpatterns = [
    path("", campaigns.index, name="index"),
    path("catalogue/", catalogue.catalogue_list, name="catalogue"),
    path("catalogue/new/", catalogue.item_create, name="item_create"),
    path("catalogue/<int:pk>/", catalogue.item_edit, name="item_edit"),
    path("catalogue/<int:pk>/retire/", catalogue.item_retire, name="item_retire"),
    path("catalogue/versions/new/", catalogue.version_create, name="version_create"),
    path("catalogue/export.xlsx", catalogue.catalogue_export, name="catalogue_export"),
    path("catalogue/import/", catalogue.catalogue_import, name="catalogue_import"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/carry-over/", campaigns.campaign_carry_over, name="campaign_carry_over"),
    path("campaigns/<int:pk>/action/", campaigns.campaign_action, name="campaign_action"),
    path("campaigns/<int:pk>/results/", results.results_view, name="results"),
    path("campaigns/<int:pk>/report/", results.report_view, name="report"),
    path("campaigns/<int:pk>/answers.xlsx", results.results_export, name="results_export"),
    path("review-queue/", campaigns.review_queue, name="review_queue"),
    path("sheets/<int:pk>/", sheets.sheet, name="sheet"),
    path("sheets/<int:pk>/autosave/", sheets.autosave, name="autosave"),
    path("sheets/<int:pk>/review/", sheets.sheet_review, name="sheet_review"),
    path("evidence/<int:pk>/", sheets.evidence_download, name="evidence"),
    path("audits/", audits.plan_list, name="audit_list"),
    path("audits/new/", audits.plan_create, name="audit_create"),
    path("audits/<int:pk>/", audits.plan_detail, name="audit_detail"),
    path("findings/", findings.finding_list, name="finding_list"),
    path("findings/<int:pk>/", findings.finding_detail, name="finding_detail"),
    path("answers/<int:pk>/finding/", findings.finding_from_answer, name="finding_from_answer"),
    path("actions/<int:pk>/", findings.action_update, name="action_update"),
    path("review/", review.review_index, name="review_index"),
    path("review/<str:code>/", review.review_section, name="review_section"),
]
