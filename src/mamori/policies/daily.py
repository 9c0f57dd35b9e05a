"""Once-a-day work of the policies app (run by ``mamori daily``)."""

from __future__ import annotations

import io

from django.core.management import call_command


def run_daily() -> str:
    """Bring due versions into force and send review and read-receipt reminders; return a summary."""
    out = io.StringIO()
    call_command("policy_daily", stdout=out)
    return out.getvalue().strip()
