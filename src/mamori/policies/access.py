"""The one door to policy documents, versions and sections: 404 for anything the user may not see."""

from __future__ import annotations

from django.http import Http404

from mamori.core import audit
from mamori.core.permissions import can
from mamori.policies.audience import Viewer, admits_document, admits_section, viewer_for
from mamori.policies.models import (
    APPROVED_STATUSES,
    Audience,
    PolicyDocument,
    PolicyVersion,
    Section,
    SectionAudience,
)


def get_document_for(user: object, pk: int, viewer: Viewer | None = None) -> PolicyDocument:
    """Return the document when ``user`` may read it; raise Http404 otherwise (it does not 'exist')."""
    document = (
        PolicyDocument.objects.select_related("body", "owner_unit")
        .prefetch_related("audience_roles", "audience_units")
        .filter(pk=pk)
        .first()
    )
    if document is None or not admits_document(viewer or viewer_for(user), document):
        raise Http404
    return document


def can_see_drafts(user: object) -> bool:
    """Return True for the roles that draft, review, approve or audit (they see unapproved versions)."""
    return can(user, "policies.read_all")


def get_version_for(user: object, document: PolicyDocument, number: int) -> PolicyVersion:
    """Return a version of a readable document; drafts only for the roles that work on them."""
    version = document.versions.filter(number=number).select_related("approved_by", "created_by").first()
    if version is None:
        raise Http404
    if version.status not in APPROVED_STATUSES and not can_see_drafts(user):
        raise Http404
    version.document = document
    return version


def visible_sections(user: object, version: PolicyVersion, viewer: Viewer | None = None) -> list[Section]:
    """Return the sections of ``version`` that ``user`` may read, in order."""
    who = viewer or viewer_for(user)
    sections = version.sections.select_related("standard_section").prefetch_related(
        "audience_roles", "audience_units"
    )
    # Narrowing a section's audience also hides its earlier wording: the newest approved version's
    # audience for the same lineage applies to every older version of that section.
    latest = version.document.versions.filter(status__in=APPROVED_STATUSES).order_by("-number").first()
    narrowed: dict[object, Section] = {}
    if latest is not None and latest.pk != version.pk:
        narrowed = {
            s.lineage: s
            for s in latest.sections.exclude(audience=SectionAudience.INHERIT).prefetch_related(
                "audience_roles", "audience_units"
            )
        }
    return [
        s
        for s in sections
        if admits_section(who, s) and (s.lineage not in narrowed or admits_section(who, narrowed[s.lineage]))
    ]


def record_read_if_private(document: PolicyDocument, obj: object, detail: str) -> None:
    """Audit every read of a document that is not public (design: sensitive reads are recorded)."""
    if document.audience != Audience.PUBLIC:
        audit.record_read(obj, detail=detail)  # type: ignore[arg-type]
