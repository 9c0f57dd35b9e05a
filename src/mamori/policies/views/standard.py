"""The 対策基準 section tree: the stable codes that policy text, procedures, inspections and audits share."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from mamori.assets.services import assets_for_section
from mamori.core.permissions import can, person_of
from mamori.inspections.review import ItemSource, items_for_section
from mamori.policies import services
from mamori.policies.models import ReviewTrigger, Section, SectionLink, StandardSection, VersionStatus
from mamori.policies.views._common import crumbs, post_text, require


def _sort_key(section: StandardSection) -> tuple[object, ...]:
    # "10" after "9", and "3.10" after "3.9": compare the parts as numbers where they are numbers.
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in section.code.split("."))


@login_required
def standard_tree(request: HttpRequest) -> HttpResponse:
    # The tree is internal working data: the roles that draft, review, approve and audit see it.
    if not _may_see_tree(request.user):
        raise Http404
    if request.method == "POST":
        require(request.user, "policies.manage_standard")
        parent_code = post_text(request, "parent", 20)
        parent = get_object_or_404(StandardSection, code=parent_code) if parent_code else None
        try:
            created = services.add_standard_section(
                actor=request.user,
                parent=parent,
                code=post_text(request, "code", 20),
                title=post_text(request, "title", 200),
            )
        except services.PolicyActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"節「{created}」を追加しました。")
        return redirect("policies:standard_tree")
    sections = sorted(StandardSection.objects.all(), key=_sort_key)
    in_force = Counter(
        Section.objects.filter(
            version__status=VersionStatus.IN_FORCE, standard_section__isnull=False
        ).values_list("standard_section_id", flat=True)
    )
    links = Counter(
        SectionLink.objects.filter(standard_section__isnull=False).values_list(
            "standard_section_id", flat=True
        )
    )
    triggers = Counter(
        ReviewTrigger.objects.filter(resolved_at__isnull=True, standard_section__isnull=False).values_list(
            "standard_section_id", flat=True
        )
    )
    rows = [
        {"section": s, "in_force": in_force[s.pk], "links": links[s.pk], "triggers": triggers[s.pk]}
        for s in sections
    ]
    return render(
        request,
        "policies/standard_tree.html",
        {
            "rows": rows,
            "parents": [s for s in sections if s.parent_id is None],
            "can_manage": can(request.user, "policies.manage_standard"),
            "crumbs": crumbs(("対策基準の節", "")),
        },
    )


@login_required
def standard_edit(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, "policies.manage_standard")
    section = get_object_or_404(StandardSection, code=code)
    if request.method == "POST":
        try:
            services.update_standard_section(
                actor=request.user,
                section=section,
                title=post_text(request, "title", 200),
                is_active=request.POST.get("is_active") == "on",
            )
        except services.PolicyActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "保存しました。")
            return redirect("policies:standard_tree")
    return render(
        request,
        "policies/standard_edit.html",
        {"section": section, "crumbs": crumbs(("対策基準の節", "/policies/standard/"), (section.code, ""))},
    )


@login_required
def standard_section(request: HttpRequest, code: str) -> HttpResponse:
    """Show what the other registers link to one section: assets, checklist items and audit items.

    Every member of staff reads the 対策基準, so every member may open the page; each list is
    narrowed by the app that owns it to what this user may see there.
    """
    if person_of(request.user) is None and not can(request.user, "policies.read_all"):
        raise Http404
    section = get_object_or_404(StandardSection, code=code)
    items = items_for_section(section.code, user=request.user)
    return render(
        request,
        "policies/standard_section.html",
        {
            "section": section,
            "assets": list(assets_for_section(section.code, user=request.user)[:200]),
            "checklist_items": [i for i in items if i.source == ItemSource.CHECKLIST],
            "audit_items": [i for i in items if i.source == ItemSource.AUDIT],
            "can_review_input": can(request.user, "inspections.view_review_input"),
            "can_manage": can(request.user, "policies.manage_standard"),
            # The tree page is for the policy roles only; others see the crumb without a link.
            "crumbs": crumbs(
                ("対策基準の節", reverse("policies:standard_tree") if _may_see_tree(request.user) else ""),
                (section.code, ""),
            ),
        },
    )


def _may_see_tree(user: object) -> bool:
    return can(user, "policies.manage_standard") or can(user, "policies.read_all")
