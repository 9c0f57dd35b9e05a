"""Once-a-day work of the quarantine app (run by ``mamori daily``)."""

from __future__ import annotations

import io

from django.core.management import call_command


def run_daily() -> str:
    """Purge originals past their retention period (legal holds stay); return a summary."""
    out = io.StringIO()
    call_command("purge_quarantine", stdout=out)
    return out.getvalue().strip()
