"""Template tags for the asset register's sub-navigation."""

from __future__ import annotations

from django import template

from mamori.assets.access import manageable_units

register = template.Library()


@register.simple_tag(takes_context=True)
def may_import_assets(context: template.Context) -> bool:
    """Return whether the current user may import assets: the import page answers 404 otherwise."""
    request = context.get("request")
    return request is not None and manageable_units(request.user).exists()
