"""Reference data every installation needs (roles, the 対策基準 tree, schemes, catalogues).

Data migrations create it once; a flushed database (a restore with --force, a transactional test) loses
it. Each app that ships such data offers ``<app>.seed.ensure_seed()``, idempotent, and this module calls
them in INSTALLED_APPS order so the core needs no knowledge of the other apps.
"""

from __future__ import annotations

import importlib

from django.conf import settings

from mamori.core.roles import ensure_roles


def ensure_reference_data() -> None:
    """Create whatever shipped reference data is missing, app by app."""
    ensure_roles()
    for app in settings.INSTALLED_APPS:
        if not app.startswith("mamori.") or app == "mamori.core":
            continue
        try:
            module = importlib.import_module(f"{app}.seed")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.seed":
                raise
            continue
        ensure = getattr(module, "ensure_seed", None)
        if ensure is not None:
            ensure()
