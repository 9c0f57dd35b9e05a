"""The public policy page: no login, the bodies' published documents, current version and history.

Only documents whose audience is public appear, and of those only sections that do not narrow their
audience. Since 令和8年4月1日 every body must publish its cybersecurity policy (地方自治法 as amended by
令和6年法律第65号); a municipality links this page from its web site.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from mamori.core.models import Body
from mamori.policies.audience import is_public_section
from mamori.policies.models import APPROVED_STATUSES, Audience, PolicyDocument, PolicyVersion, VersionStatus

_PUBLISHED = (VersionStatus.IN_FORCE, VersionStatus.SUPERSEDED)


def _public_document(pk: int) -> PolicyDocument:
    document = PolicyDocument.objects.filter(pk=pk, audience=Audience.PUBLIC).select_related("body").first()
    if document is None or not document.versions.filter(status__in=_PUBLISHED).exists():
        raise Http404
    return document


def public_list(request: HttpRequest) -> HttpResponse:
    documents = (
        PolicyDocument.objects.filter(audience=Audience.PUBLIC, versions__status=VersionStatus.IN_FORCE)
        .select_related("body")
        .distinct()
    )
    groups = []
    for body in [*Body.objects.all(), None]:
        items = [d for d in documents if (d.body_id == body.pk if body else d.body_id is None)]
        if items:
            groups.append({"label": body.name if body else "全機関共通", "documents": items})
    return render(request, "policies/public_list.html", {"groups": groups})


def public_version(request: HttpRequest, pk: int, number: int | None = None) -> HttpResponse:
    document = _public_document(pk)
    history = list(document.versions.filter(status__in=_PUBLISHED))
    if number is None:
        version: PolicyVersion | None = next((v for v in history if v.status == VersionStatus.IN_FORCE), None)
    else:
        version = next((v for v in history if v.number == number), None)
    if version is None or version.status not in APPROVED_STATUSES:
        raise Http404
    sections = [s for s in version.sections.all() if is_public_section(s)]
    return render(
        request,
        "policies/public_document.html",
        {"document": document, "version": version, "sections": sections, "history": history},
    )
