"""Import an existing policy from .docx or Markdown as a new draft."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from mamori.policies import services
from mamori.policies.audience import visible_documents
from mamori.policies.forms import ImportForm
from mamori.policies.importing import PolicyImportError, parse_docx, parse_markdown
from mamori.policies.views._common import crumbs, require


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "policies.draft")
    form = ImportForm(request.POST or None, request.FILES or None)
    form.fields["document"].queryset = visible_documents(request.user)  # type: ignore[attr-defined]
    if request.GET.get("document", "").isdigit():
        form.initial["document"] = int(request.GET["document"])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        untrusted = upload.read()
        try:
            if upload.name.lower().endswith(".docx"):
                parsed = parse_docx(untrusted)
            else:
                parsed = parse_markdown(untrusted.decode("utf-8-sig"))
        except PolicyImportError as exc:
            form.add_error("file", exc.message)
        except UnicodeDecodeError:
            form.add_error("file", "Markdown は UTF-8 で保存してください。")
        else:
            try:
                with transaction.atomic():
                    document = data["document"]
                    if document is None:
                        document = services.create_document(
                            actor=request.user,
                            title=data["title"] or parsed.title or upload.name.rsplit(".", 1)[0],
                            layer=data["layer"],
                            body=data["body"],
                            owner_unit=data["owner_unit"],
                        )
                    draft = services.import_draft(
                        actor=request.user, document=document, parsed=parsed, source_name=upload.name[:100]
                    )
            except services.PolicyActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"{len(parsed.sections)}節を取り込み、下書きを作成しました。")
                return redirect(draft)
    return render(request, "policies/import.html", {"form": form, "crumbs": crumbs(("取込", ""))})
