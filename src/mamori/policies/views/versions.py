"""Version pages: reading, editing sections, the approval workflow, confirming, export and print."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mamori.core import audit
from mamori.core.models import Person
from mamori.core.permissions import can, person_of
from mamori.policies import services
from mamori.policies.access import (
    can_see_drafts,
    get_document_for,
    get_version_for,
    record_read_if_private,
    visible_sections,
)
from mamori.policies.audience import viewer_for
from mamori.policies.exporting import version_docx
from mamori.policies.forms import ApproveForm, CommentForm, SectionForm, section_initial
from mamori.policies.models import PolicyVersion, ReadReceipt, Section, VersionStatus
from mamori.policies.views._common import crumbs, post_text


def _load(request: HttpRequest, pk: int, number: int) -> PolicyVersion:
    document = get_document_for(request.user, pk)
    return get_version_for(request.user, document, number)


def _receipt(user: object, version: PolicyVersion) -> ReadReceipt | None:
    person = person_of(user)
    if not isinstance(person, Person):
        return None
    return ReadReceipt.objects.filter(version=version, person=person).first()


@login_required
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    document = get_document_for(request.user, pk, viewer)
    version = get_version_for(request.user, document, number)
    sections = visible_sections(request.user, version, viewer)
    record_read_if_private(document, version, "版の閲覧")
    status = version.status
    return render(
        request,
        "policies/version_detail.html",
        {
            "document": document,
            "version": version,
            "sections": sections,
            "receipt": _receipt(request.user, version) if status == VersionStatus.IN_FORCE else None,
            "comments": version.comments.select_related("author") if can_see_drafts(request.user) else [],
            "can_edit": version.is_editable and can(request.user, "policies.draft"),
            "can_submit": status == VersionStatus.DRAFT and can(request.user, "policies.draft"),
            "can_review": status == VersionStatus.IN_REVIEW and can(request.user, "policies.review"),
            "can_approve": status == VersionStatus.AWAITING_APPROVAL
            and can(request.user, "policies.approve"),
            "can_comment": can_see_drafts(request.user) and not version.is_approved,
            "can_receipts": version.is_approved and can(request.user, "policies.view_receipts"),
            # The inspections app's review input per section (issue 8 item 6), for those it shows it to.
            "can_review_input": can(request.user, "inspections.view_review_input"),
            "approve_form": ApproveForm(),
            "comment_form": CommentForm(),
            "crumbs": crumbs((document.title, document.get_absolute_url()), (version.label, "")),
        },
    )


_ACTIONS = {"submit", "review_approve", "review_return", "approve", "return", "comment", "confirm"}


@login_required
@require_POST
def version_action(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _load(request, pk, number)
    action = request.POST.get("action", "")
    if action not in _ACTIONS:
        raise Http404
    comment = post_text(request, "comment")
    try:
        if action == "submit":
            services.submit_for_review(actor=request.user, version=version, comment=comment)
            messages.success(request, "情報セキュリティ委員会の審議に回しました。")
        elif action == "review_approve":
            services.record_committee_decision(
                actor=request.user, version=version, approve=True, comment=comment
            )
            messages.success(request, "委員会の承認を記録し、CISOの承認に回しました。")
        elif action == "review_return":
            services.record_committee_decision(
                actor=request.user, version=version, approve=False, comment=comment
            )
            messages.success(request, "差し戻しました。")
        elif action == "approve":
            form = ApproveForm(request.POST)
            if not form.is_valid():
                messages.error(request, "施行日を正しく入力してください。")
                return redirect(version)
            services.approve_version(
                actor=request.user,
                version=version,
                effective_on=form.cleaned_data["effective_on"],
                comment=comment,
            )
            version.refresh_from_db()
            messages.success(request, f"承認しました（{version.label}）。")
        elif action == "return":
            services.return_to_draft(actor=request.user, version=version, comment=comment)
            messages.success(request, "差し戻しました。")
        elif action == "comment":
            services.add_comment(actor=request.user, version=version, text=comment)
            messages.success(request, "コメントを記録しました。")
        elif action == "confirm":
            services.confirm_read(actor=request.user, version=version)
            messages.success(request, "確認を記録しました。ありがとうございました。")
    except services.PolicyActionError as exc:
        messages.error(request, exc.message)
    return redirect(version)


def _section_of(version: PolicyVersion, section_id: int) -> Section:
    section = version.sections.filter(pk=section_id).first()
    if section is None:
        raise Http404
    return section


@login_required
def section_edit(request: HttpRequest, pk: int, number: int, section_id: int) -> HttpResponse:
    version = _load(request, pk, number)
    if not (version.is_editable and can(request.user, "policies.draft")):
        raise Http404
    section = _section_of(version, section_id)
    form = SectionForm(request.POST or None, initial=section_initial(section))
    if request.method == "POST" and request.POST.get("delete") == "1":
        services.delete_section(actor=request.user, section=section)
        messages.success(request, "節を削除しました。")
        return redirect(version)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.save_section(actor=request.user, section=section, **data)
        messages.success(request, "節を保存しました。")
        return redirect(f"{version.get_absolute_url()}#s{section.pk}")
    return render(
        request,
        "policies/section_form.html",
        {
            "form": form,
            "version": version,
            "section": section,
            "crumbs": crumbs(
                (version.document.title, version.document.get_absolute_url()),
                (version.label, version.get_absolute_url()),
                ("節の編集", ""),
            ),
        },
    )


@login_required
def section_add(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _load(request, pk, number)
    if not (version.is_editable and can(request.user, "policies.draft")):
        raise Http404
    after_id = request.GET.get("after") or request.POST.get("after") or ""
    after = _section_of(version, int(after_id)) if after_id.isdigit() else None
    form = SectionForm(request.POST or None, initial={"level": after.level if after else 1})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        section = services.add_section(
            actor=request.user,
            version=version,
            after=after,
            number=data["number"],
            heading=data["heading"],
            text=data["text"],
            level=data["level"],
            standard_section=data["standard_section"],
        )
        messages.success(request, "節を追加しました。")
        return redirect(f"{version.get_absolute_url()}#s{section.pk}")
    return render(
        request,
        "policies/section_form.html",
        {
            "form": form,
            "version": version,
            "after": after,
            "crumbs": crumbs(
                (version.document.title, version.document.get_absolute_url()),
                (version.label, version.get_absolute_url()),
                ("節の追加", ""),
            ),
        },
    )


@login_required
def export_docx(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    document = get_document_for(request.user, pk, viewer)
    version = get_version_for(request.user, document, number)
    data = version_docx(version, visible_sections(request.user, version, viewer))
    if document.audience != "public":
        audit.record(
            "export",
            object_type="policies.policyversion",
            object_id=version.pk,
            object_repr=str(version),
            changes={"format": "docx"},
        )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="policy-{document.pk}-v{version.number}.docx"'
    return response


@login_required
def print_view(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    document = get_document_for(request.user, pk, viewer)
    version = get_version_for(request.user, document, number)
    sections = visible_sections(request.user, version, viewer)
    record_read_if_private(document, version, "印刷用ページ")
    return render(
        request, "policies/print.html", {"document": document, "version": version, "sections": sections}
    )
