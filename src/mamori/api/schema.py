"""OpenAPI description of Mamori's API authentication, for drf-spectacular."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class HashedTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[misc]  # untyped base class
    """Describe ``Authorization: Token <token>`` (tokens from ``mamori api-token``)."""

    target_class = "mamori.api.authentication.HashedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "「Token <トークン>」の形式。トークンは mamori api-token USERNAME または画面で発行します。",
        }
