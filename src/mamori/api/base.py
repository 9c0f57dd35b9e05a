"""What every Mamori API view shares: authentication, the audit actor and numeric ids.

Apps add endpoints by writing a ``api.py`` module with ``register(router)`` and listing it in
``mamori.api.urls.API_MODULES``; their viewsets extend :class:`MamoriViewSetMixin`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rest_framework import permissions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response

from mamori.api.authentication import HashedTokenAuthentication
from mamori.core import audit

if TYPE_CHECKING:
    from rest_framework.permissions import _PermissionClass


class MamoriViewSetMixin:
    """Authenticate by token or session, require a login, and attribute changes to the API caller."""

    authentication_classes: Sequence[type[BaseAuthentication]] = [
        HashedTokenAuthentication,
        SessionAuthentication,
    ]
    permission_classes: Sequence[_PermissionClass] = [permissions.IsAuthenticated]
    lookup_value_regex = r"[0-9]+"

    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        # Token users are only known here, after DRF authenticated them, so the middleware could not
        # attribute their changes; the stack is closed in finalize_response.
        self._audit_stack = contextlib.ExitStack()
        self._audit_stack.enter_context(audit.acting_as(request.user, via="api"))

    def finalize_response(
        self, request: Request, response: Response, *args: object, **kwargs: object
    ) -> Response:
        stack = getattr(self, "_audit_stack", None)
        if stack is not None:
            stack.close()
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc,no-any-return]
