"""URLs of the policy app: the staff pages under /policies/, the public page and the read-only API.

Mounted at the root (``path("", include("mamori.policies.urls"))``) because it serves three prefixes.
"""

from django.urls import path

from mamori.policies import api
from mamori.policies.views import documents, imports, public, receipts, standard, versions

app_name = "policies"

V = "policies/<int:pk>/v<int:number>/"

urlpatterns = [
    path("policies/", documents.document_list, name="list"),
    path("policies/new/", documents.document_create, name="create"),
    path("policies/import/", imports.import_view, name="import"),
    path("policies/search/", documents.search, name="search"),
    path("policies/triggers/", documents.triggers, name="triggers"),
    path("policies/standard/", standard.standard_tree, name="standard_tree"),
    path("policies/standard/<str:code>/", standard.standard_edit, name="standard_edit"),
    path("policies/standard/<str:code>/links/", standard.standard_section, name="standard_section"),
    path("policies/<int:pk>/", documents.document_detail, name="document"),
    path("policies/<int:pk>/settings/", documents.document_settings, name="settings"),
    path("policies/<int:pk>/draft/", documents.start_draft, name="start_draft"),
    path("policies/<int:pk>/reviewed/", documents.mark_reviewed, name="mark_reviewed"),
    path("policies/<int:pk>/diff/", documents.diff, name="diff"),
    path(V, versions.version_detail, name="version"),
    path(V + "action/", versions.version_action, name="version_action"),
    path(V + "sections/add/", versions.section_add, name="section_add"),
    path(V + "sections/<int:section_id>/edit/", versions.section_edit, name="section_edit"),
    path(V + "export.docx", versions.export_docx, name="export_docx"),
    path(V + "print/", versions.print_view, name="print"),
    path(V + "receipts/", receipts.receipts, name="receipts"),
    path("public/policies/", public.public_list, name="public_list"),
    path("public/policies/<int:pk>/", public.public_version, name="public_document"),
    path("public/policies/<int:pk>/v<int:number>/", public.public_version, name="public_version"),
    path("api/v1/policies/documents/", api.DocumentList.as_view(), name="api_documents"),
    path("api/v1/policies/documents/<int:pk>/", api.DocumentDetail.as_view(), name="api_document"),
    path(
        "api/v1/policies/documents/<int:pk>/versions/<int:number>/",
        api.VersionDetail.as_view(),
        name="api_version",
    ),
    path("api/v1/policies/search/", api.Search.as_view(), name="api_search"),
]
