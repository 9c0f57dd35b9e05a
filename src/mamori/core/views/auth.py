"""Login with lockout, logout, and TOTP second factor enrolment and verification."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from mamori.core import audit, lockout
from mamori.core.permissions import is_privileged


class LoginForm(forms.Form):
    username = forms.CharField(
        label="ユーザー名",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="パスワード", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class TokenForm(forms.Form):
    token = forms.RegexField(
        label="確認コード（6桁）",
        regex=r"^\d{6}$",
        error_messages={"invalid": "6桁の数字を入力してください。"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _client_addr(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("web:dashboard")


LOCKED_MESSAGE = (
    "ログインの失敗が続いたため、このアカウントは一時的にロックされています。"
    "しばらく待ってから再度お試しいただくか、管理者にロック解除を依頼してください。"
)


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        if lockout.is_locked(username):
            # Refuse even the right password until the window passes or an administrator unlocks.
            form.add_error(None, LOCKED_MESSAGE)
            status = 429
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                locked_now = lockout.note_failure(username, _client_addr(request))
                if locked_now:
                    form.add_error(None, LOCKED_MESSAGE)
                    status = 429
                else:
                    form.add_error(None, "ユーザー名またはパスワードが正しくありません。")
                    status = 401
            else:
                lockout.clear(username)
                login(request, user)
                audit.record(
                    "login",
                    object_type="auth.user",
                    object_id=user.pk,
                    object_repr=user.get_username(),
                    actor=user,
                    via="web",
                )
                return HttpResponseRedirect(_safe_next(request))
    return render(
        request, "registration/login.html", {"form": form, "next": request.GET.get("next", "")}, status=status
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(
            "logout",
            object_type="auth.user",
            object_id=request.user.pk,
            object_repr=request.user.get_username(),
            actor=request.user,
            via="web",
        )
    logout(request)
    messages.success(request, "ログアウトしました。")
    return redirect("core:login")


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    return svg[svg.index("<svg") :]


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP device: show the QR code and secret, then confirm with a first code."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed is not None and request.method != "POST":
        return render(request, "core/otp_enrolled.html", {"device": confirmed})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="認証アプリ", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save()
            TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
            otp_login(request, device)
            audit.record(
                "update",
                object_type="otp_totp.totpdevice",
                object_id=device.pk,
                object_repr=f"{user.get_username()} の二要素認証",
                changes={"confirmed": True},
            )
            messages.success(
                request, "二要素認証を設定しました。次回からログイン時に確認コードを入力します。"
            )
            return redirect("web:dashboard")
        form.add_error("token", "確認コードが正しくありません。認証アプリの表示を確認してください。")
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "core/otp_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": is_privileged(user),
        },
    )


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the current TOTP code of a user who has enrolled a device."""
    if not user_has_device(request.user):
        return redirect("core:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return HttpResponseRedirect(_safe_next(request))
        form.add_error("token", "確認コードが正しくありません。")
    return render(request, "core/otp_verify.html", {"form": form, "next": request.GET.get("next", "")})
