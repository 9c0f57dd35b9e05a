"""Read-only REST endpoints for policy documents (mounted at /api/v1/policies/).

The same doors as the web pages: documents the caller may not read answer 404 and never appear in
lists or search results; every read of a non-public document is audited.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mamori.policies.access import (
    can_see_drafts,
    get_document_for,
    get_version_for,
    record_read_if_private,
    visible_sections,
)
from mamori.policies.audience import viewer_for, visible_documents
from mamori.policies.models import APPROVED_STATUSES, PolicyDocument, PolicyVersion, Section, VersionStatus
from mamori.policies.search import audit_private_hits, search_sections


class VersionSummarySerializer(serializers.ModelSerializer[PolicyVersion]):
    citation_label = serializers.CharField(source="label", read_only=True)

    class Meta:
        model = PolicyVersion
        fields = ["number", "status", "citation_label", "effective_on", "change_summary", "approved_at"]


class SectionSerializer(serializers.ModelSerializer[Section]):
    standard_code = serializers.CharField(source="standard_section.code", default=None, read_only=True)
    citation = serializers.CharField(read_only=True)

    class Meta:
        model = Section
        fields = ["lineage", "level", "number", "full_number", "heading", "text", "standard_code", "citation"]


class DocumentSerializer(serializers.ModelSerializer[PolicyDocument]):
    body = serializers.CharField(source="body_label", read_only=True)
    owner_unit = serializers.CharField(source="owner_unit.name", default=None, read_only=True)

    class Meta:
        model = PolicyDocument
        fields = ["id", "title", "layer", "body", "owner_unit", "system_name", "audience", "last_reviewed_on"]


class DocumentDetailSerializer(DocumentSerializer):
    versions = VersionSummarySerializer(many=True, read_only=True)
    current = SectionSerializer(many=True, read_only=True, help_text="施行中の版のうち閲覧できる節")

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "versions", "current"]


class VersionDetailSerializer(VersionSummarySerializer):
    sections = SectionSerializer(many=True, read_only=True)

    class Meta(VersionSummarySerializer.Meta):
        fields = [*VersionSummarySerializer.Meta.fields, "sections"]


class SearchHitSerializer(serializers.Serializer[object]):
    document = serializers.IntegerField()
    document_title = serializers.CharField()
    version = serializers.IntegerField()
    citation = serializers.CharField()
    heading = serializers.CharField(
        help_text="番号と見出し。該当箇所を <mark> で囲んだ HTML（エスケープ済み）"
    )
    snippet = serializers.CharField(help_text="該当箇所を <mark> で囲んだ HTML（エスケープ済み）")


class DocumentList(ListAPIView[PolicyDocument]):
    """List the documents the caller may read (with an approved version, unless the caller drafts or reviews)."""

    serializer_class = DocumentSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        documents = (
            visible_documents(self.request.user).select_related("body", "owner_unit").order_by("layer", "id")
        )
        if not can_see_drafts(self.request.user):
            documents = documents.filter(versions__status__in=APPROVED_STATUSES).distinct()
        return documents


def _versions_for(user: object, document: PolicyDocument) -> list[PolicyVersion]:
    show = can_see_drafts(user)
    return [v for v in document.versions.all() if show or v.status in APPROVED_STATUSES]


class DocumentDetail(APIView):
    """Return a document with its versions and the sections in force that the caller may read."""

    @extend_schema(responses=DocumentDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        viewer = viewer_for(request.user)
        document = get_document_for(request.user, pk, viewer)
        versions = _versions_for(request.user, document)
        if not versions and not can_see_drafts(request.user):
            raise Http404
        current = next((v for v in versions if v.status == VersionStatus.IN_FORCE), None)
        record_read_if_private(document, document, "API: 文書の閲覧")
        data = DocumentSerializer(document).data
        data["versions"] = VersionSummarySerializer(versions, many=True).data
        data["current"] = (
            SectionSerializer(visible_sections(request.user, current, viewer), many=True).data
            if current
            else []
        )
        return Response(data)


class VersionDetail(APIView):
    """Return one version with the sections the caller may read."""

    @extend_schema(responses=VersionDetailSerializer)
    def get(self, request: Request, pk: int, number: int) -> Response:
        viewer = viewer_for(request.user)
        document = get_document_for(request.user, pk, viewer)
        version = get_version_for(request.user, document, number)
        record_read_if_private(document, version, "API: 版の閲覧")
        data = VersionSummarySerializer(version).data
        data["sections"] = SectionSerializer(visible_sections(request.user, version, viewer), many=True).data
        return Response(data)


class Search(APIView):
    """Search the sections in force that the caller may read (?q=terms)."""

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="検索語（空白区切りですべてを含む節）")],
        responses=SearchHitSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        query = request.query_params.get("q", "")
        hits = search_sections(request.user, query)
        audit_private_hits(hits, query)
        return Response(
            [
                {
                    "document": h.section.version.document_id,
                    "document_title": h.section.version.document.title,
                    "version": h.section.version.number,
                    "citation": h.section.citation(),
                    "heading": str(h.heading),
                    "snippet": str(h.snippet),
                }
                for h in hits
            ]
        )
