"""Answering a sheet (autosave and a no-JS save button), evidence files, and the unit head's review."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mamori.core import audit
from mamori.core.permissions import can
from mamori.inspections import services
from mamori.inspections.access import get_sheet_for
from mamori.inspections.errors import InspectionError
from mamori.inspections.models import Answer, AnswerSheet, AnswerValue, Evidence


def _previous_answers(sheet: AnswerSheet) -> dict[int, Answer]:
    """Return last year's answers by checklist item: the same person's, else the same unit's manager's."""
    previous = sheet.campaign.previous
    if previous is None or not sheet.campaign.show_previous_answers:
        return {}
    candidates = AnswerSheet.objects.filter(
        campaign=previous, respondent_type=sheet.respondent_type, system=sheet.system
    )
    if sheet.system_id is None:
        candidates = candidates.filter(system_ref=sheet.system_ref)
    old = candidates.filter(person=sheet.person).first()
    if old is None and sheet.respondent_type != "staff":
        # Staff rotate: the new section head sees what the unit answered last year.
        old = candidates.filter(unit=sheet.unit).first()
    if old is None:
        return {}
    return {a.campaign_item.item_id: a for a in old.answers.select_related("campaign_item")}


def _grouped_answers(sheet: AnswerSheet) -> list[tuple[object, list[Answer]]]:
    answers = list(
        sheet.answers.select_related("campaign_item__item", "campaign_item__section").prefetch_related(
            "evidence"
        )
    )
    previous = _previous_answers(sheet)
    for answer in answers:
        answer.previous = previous.get(answer.campaign_item.item_id)  # type: ignore[attr-defined]
        answer.is_locked = (
            sheet.status == AnswerSheet.Status.RETURNED and answer.review != Answer.Review.RETURNED
        )  # type: ignore[attr-defined]
    return [
        (section, list(group)) for section, group in groupby(answers, key=lambda a: a.campaign_item.section)
    ]


@login_required
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = get_sheet_for(request.user, pk, "view")
    is_own = sheet.person.user_id == request.user.pk
    if request.method == "POST":
        if not is_own:
            raise Http404
        return _save_all(request, sheet)
    answered = sheet.answers.exclude(value="").count()
    return render(
        request,
        "inspections/sheet.html",
        {
            "sheet": sheet,
            "groups": _grouped_answers(sheet),
            "values": AnswerValue.choices,
            "editable": is_own and sheet.is_editable,
            "answered": answered,
            "total": sheet.answers.count(),
            "can_review": (not is_own) and can(request.user, "inspections.review_sheets", sheet),
        },
    )


def _save_all(request: HttpRequest, sheet: AnswerSheet) -> HttpResponse:
    """Save every answer of the form (the no-JS path), attach uploaded files, and submit when asked."""
    errors: list[str] = []
    for answer in sheet.answers.select_related("campaign_item__item"):
        key = answer.campaign_item_id
        value = request.POST.get(f"value-{key}", answer.value)
        comment = request.POST.get(f"comment-{key}", answer.comment)
        if value != answer.value or comment != answer.comment:
            try:
                services.save_answer(sheet, key, actor=request.user, value=value, comment=comment)
            except InspectionError as exc:
                errors.append(f"{answer.campaign_item.item.code}: {exc.message}")
        upload = request.FILES.get(f"evidence-{key}")
        if upload is not None:
            try:
                services.attach_evidence(answer, actor=request.user, upload=upload)
            except InspectionError as exc:
                errors.append(f"{answer.campaign_item.item.code}: {exc.message}")
    for error in errors:
        messages.error(request, error)
    if not errors:
        if "submit" in request.POST:
            try:
                services.submit_sheet(sheet, actor=request.user)
            except InspectionError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, "点検票を提出しました。情報セキュリティ管理者の確認を待っています。"
                )
                return redirect("inspections:index")
        else:
            messages.success(request, "保存しました。")
    return redirect(sheet)


@login_required
@require_POST
def autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """Save one answer sent by sheet.js as the respondent types; answer JSON with a Japanese message."""
    try:
        sheet = get_sheet_for(request.user, pk, "answer")
    except Http404:
        return JsonResponse({"ok": False, "message": "この点検票には回答できません。"}, status=404)
    try:
        item_id = int(request.POST.get("item", ""))
    except ValueError:
        return JsonResponse({"ok": False, "message": "項目の指定が正しくありません。"}, status=400)
    current = sheet.answers.filter(campaign_item_id=item_id).first()
    if current is None:
        return JsonResponse({"ok": False, "message": "この点検票にない項目です。"}, status=400)
    try:
        services.save_answer(
            sheet,
            item_id,
            actor=request.user,
            value=request.POST.get("value", current.value),
            comment=request.POST.get("comment", current.comment),
        )
    except InspectionError as exc:
        return JsonResponse({"ok": False, "message": exc.message}, status=400)
    saved = timezone.localtime().strftime("%H:%M:%S")
    return JsonResponse(
        {
            "ok": True,
            "message": f"{saved} に保存しました",
            "answered": sheet.answers.exclude(value="").count(),
        }
    )


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(Evidence.objects.select_related("answer__sheet"), pk=pk)
    get_sheet_for(request.user, evidence.answer.sheet_id, "view")
    audit.record_read(evidence, detail="証跡のダウンロード")
    handle = evidence.file.open("rb")
    return FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )


@login_required
def sheet_review(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = get_sheet_for(request.user, pk, "review")
    if request.method == "POST":
        try:
            if "accept" in request.POST:
                services.accept_sheet(sheet, actor=request.user)
                messages.success(request, "点検票を承認しました。")
            else:
                comments = {
                    int(key.removeprefix("return-")): request.POST.get(
                        f"reason-{key.removeprefix('return-')}", ""
                    )
                    for key in request.POST
                    if key.startswith("return-") and key.removeprefix("return-").isdigit()
                }
                services.return_answers(sheet, actor=request.user, comments=comments)
                messages.success(request, f"{len(comments)}件の回答を差し戻しました。")
        except InspectionError as exc:
            messages.error(request, exc.message)
            return redirect("inspections:sheet_review", pk=sheet.pk)
        return redirect("inspections:review_queue")
    return render(
        request,
        "inspections/sheet_review.html",
        {
            "sheet": sheet,
            "groups": _grouped_answers(sheet),
            "can_raise": can(request.user, "inspections.manage_findings", sheet),
        },
    )
