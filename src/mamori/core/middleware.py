"""Require the second factor: privileged users must enrol and verify; others verify once enrolled."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

from mamori.core.permissions import is_privileged

_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/public/")


def require_second_factor(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and not user.is_verified()
        ):
            query = urlencode({"next": request.get_full_path()})
            if user_has_device(user):
                return HttpResponseRedirect(f"{reverse('core:otp_verify')}?{query}")
            if is_privileged(user):
                return HttpResponseRedirect(f"{reverse('core:otp_setup')}?{query}")
        return get_response(request)

    return middleware
