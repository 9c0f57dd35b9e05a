"""Background work of the network app."""

from __future__ import annotations

from django_tasks import task


@task()
def run_verification(run_id: int) -> None:
    """Verify a queued run (claims it first, so a second delivery does nothing)."""
    from mamori.network.services import execute_run

    execute_run(run_id)
