"""The token page: each user lists, creates and revokes their own API tokens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mamori.api.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(label="用途", max_length=100, help_text="例: 資産台帳の夜間同期")


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _, new_token = ApiToken.issue(request.user, form.cleaned_data["name"])
        form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "tokens": ApiToken.objects.filter(user_id=request.user.pk or 0),
            "form": form,
            "new_token": new_token,
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=pk, user_id=request.user.pk or 0, revoked_at__isnull=True).first()
    if token is None:
        raise Http404
    token.revoked_at = timezone.now()
    token.save()
    messages.success(request, f"トークン {token.prefix}… を失効させました。")
    return redirect("api:tokens")
