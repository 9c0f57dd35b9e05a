"""Document pages: the list, one document, its settings, the diff, search and review triggers."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mamori.core.models import Body
from mamori.core.permissions import can
from mamori.policies import services
from mamori.policies.access import (
    can_see_drafts,
    get_document_for,
    get_version_for,
    record_read_if_private,
    visible_sections,
)
from mamori.policies.audience import viewer_for, visible_documents
from mamori.policies.comparison import compare_sections
from mamori.policies.forms import DocumentForm, ResolveForm, document_initial
from mamori.policies.models import (
    APPROVED_STATUSES,
    Layer,
    PolicyDocument,
    PolicyVersion,
    ReviewTrigger,
    VersionStatus,
)
from mamori.policies.search import audit_private_hits, search_sections
from mamori.policies.views._common import crumbs, post_text, require


@dataclass(frozen=True)
class DocumentRow:
    document: PolicyDocument
    current: PolicyVersion | None
    draft: PolicyVersion | None


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    documents = (
        visible_documents(request.user).select_related("body", "owner_unit").prefetch_related("versions")
    )
    layer = request.GET.get("layer", "")
    body = request.GET.get("body", "")
    if layer in Layer.values:
        documents = documents.filter(layer=layer)
    if body.isdigit():
        documents = documents.filter(body_id=int(body))
    show_drafts = can_see_drafts(request.user)
    rows = []
    for document in documents:
        versions = list(document.versions.all())
        current = next((v for v in versions if v.status == VersionStatus.IN_FORCE), None)
        if current is None and not show_drafts:
            continue  # nothing approved yet: only the people working on it know the document
        draft = (
            next((v for v in versions if v.status not in APPROVED_STATUSES), None) if show_drafts else None
        )
        rows.append(DocumentRow(document, current, draft))
    groups = [(label, [r for r in rows if r.document.layer == value]) for value, label in Layer.choices]
    return render(
        request,
        "policies/document_list.html",
        {
            "groups": [(label, items) for label, items in groups if items],
            "layers": Layer.choices,
            "bodies": Body.objects.all(),
            "selected_layer": layer,
            "selected_body": body,
            "can_draft": can(request.user, "policies.draft"),
            "crumbs": crumbs(),
        },
    )


@login_required
def document_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "policies.draft")
    form = DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.create_document(
                actor=request.user,
                title=data["title"],
                layer=data["layer"],
                body=data["body"],
                owner_unit=data["owner_unit"],
                system_name=data["system_name"],
                audience=data["audience"] or None,
                audience_roles=data["audience_roles"],
                audience_units=data["audience_units"],
                include_system_managers=data["include_system_managers"] or None,
                review_interval_months=data["review_interval_months"],
            )
        except services.PolicyActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "文書を作成しました。「改正案を作成」から本文を書き始めてください。")
            return redirect(document)
    return render(
        request, "policies/document_form.html", {"form": form, "crumbs": crumbs(("新しい文書", ""))}
    )


@login_required
def document_settings(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "policies.draft")
    document = get_document_for(request.user, pk)
    form = DocumentForm(request.POST or None, initial=document_initial(document))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_document(
                actor=request.user,
                document=document,
                title=data["title"],
                body=data["body"],
                owner_unit=data["owner_unit"],
                system_name=data["system_name"],
                audience=data["audience"] or document.audience,
                audience_roles=data["audience_roles"],
                audience_units=data["audience_units"],
                include_system_managers=data["include_system_managers"],
                review_interval_months=data["review_interval_months"],
            )
        except services.PolicyActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "設定を保存しました。")
            return redirect(document)
    return render(
        request,
        "policies/document_form.html",
        {
            "form": form,
            "document": document,
            "crumbs": crumbs((document.title, document.get_absolute_url()), ("設定", "")),
        },
    )


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    document = get_document_for(request.user, pk, viewer)
    show_drafts = can_see_drafts(request.user)
    versions = [v for v in document.versions.all() if show_drafts or v.status in APPROVED_STATUSES]
    if not versions and not show_drafts:
        raise Http404
    current = next((v for v in versions if v.status == VersionStatus.IN_FORCE), None)
    sections = visible_sections(request.user, current, viewer) if current else []
    events = document.events.select_related("version", "actor")
    if not show_drafts:
        events = events.filter(version__status__in=APPROVED_STATUSES)
    record_read_if_private(document, document, "文書の閲覧")
    return render(
        request,
        "policies/document_detail.html",
        {
            "document": document,
            "current": current,
            "sections": sections,
            "versions": versions,
            "events": events[:100],
            "can_draft": can(request.user, "policies.draft"),
            "has_open_draft": any(v.status not in APPROVED_STATUSES for v in versions),
            "review_due": document.review_due_on(),
            "review_overdue": document.is_review_overdue(),
            "crumbs": crumbs((document.title, "")),
        },
    )


@login_required
@require_POST
def start_draft(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_for(request.user, pk)
    try:
        draft = services.start_draft(
            actor=request.user, document=document, change_summary=post_text(request, "change_summary")
        )
    except services.PolicyActionError as exc:
        messages.error(request, exc.message)
        return redirect(document)
    messages.success(request, "改正案（下書き）を作成しました。")
    return redirect(draft)


@login_required
@require_POST
def mark_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_for(request.user, pk)
    try:
        services.mark_reviewed(
            actor=request.user, document=document, note=post_text(request, "note") or "見直しの結果、改正不要"
        )
    except services.PolicyActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "見直しを記録しました。")
    return redirect(document)


@login_required
def diff(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    document = get_document_for(request.user, pk, viewer)
    show_drafts = can_see_drafts(request.user)
    versions = [v for v in document.versions.all() if show_drafts or v.status in APPROVED_STATUSES]
    if len(versions) < 2:
        messages.info(request, "比較できる版が2つ以上ありません。")
        return redirect(document)
    numbers = [v.number for v in versions]
    try:
        old_n = int(request.GET.get("old", numbers[1]))
        new_n = int(request.GET.get("new", numbers[0]))
    except ValueError as exc:
        raise Http404 from exc
    old = get_version_for(request.user, document, old_n)
    new = get_version_for(request.user, document, new_n)
    changes = compare_sections(
        visible_sections(request.user, old, viewer), visible_sections(request.user, new, viewer)
    )
    mode = "side" if request.GET.get("mode") == "side" else "inline"
    only_changed = request.GET.get("all") != "1"
    if only_changed:
        changes = [c for c in changes if c.change != "unchanged"]
    record_read_if_private(document, new, f"版の比較（{old.label} → {new.label}）")
    return render(
        request,
        "policies/diff.html",
        {
            "document": document,
            "versions": versions,
            "old": old,
            "new": new,
            "changes": changes,
            "mode": mode,
            "only_changed": only_changed,
            "crumbs": crumbs((document.title, document.get_absolute_url()), ("版の比較", "")),
        },
    )


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    hits = search_sections(request.user, query) if query else []
    audit_private_hits(hits, query)
    return render(
        request, "policies/search.html", {"query": query, "hits": hits, "crumbs": crumbs(("検索", ""))}
    )


@login_required
def triggers(request: HttpRequest) -> HttpResponse:
    if not (can(request.user, "policies.draft") or can(request.user, "policies.review")):
        raise Http404
    if request.method == "POST":
        require(request.user, "policies.draft")
        trigger = get_object_or_404(ReviewTrigger, pk=request.POST.get("trigger", "0") or 0)
        form = ResolveForm(request.POST)
        if form.is_valid():
            services.resolve_trigger(
                actor=request.user, trigger=trigger, resolution=form.cleaned_data["resolution"]
            )
            messages.success(request, "対応を記録しました。")
        else:
            messages.error(request, "対応内容を入力してください。")
        return redirect("policies:triggers")
    items = ReviewTrigger.objects.select_related("standard_section", "document", "resolved_by")
    documents = {d.pk: d for d in PolicyDocument.objects.all()}
    return render(
        request,
        "policies/triggers.html",
        {
            "open": [t for t in items if t.is_open],
            "closed": [t for t in items if not t.is_open][:50],
            "documents": documents,
            "can_resolve": can(request.user, "policies.draft"),
            "crumbs": crumbs(("見直しのきっかけ", "")),
        },
    )
