"""Background tasks of the quarantine (Django Tasks API): carry out releases, purge expired originals."""

from __future__ import annotations

from django_tasks import task


@task()
def carry_out_release(release_id: int) -> None:
    """Run the approved action of one release request (safe to run twice)."""
    from mamori.quarantine.release import carry_out

    carry_out(release_id)


@task()
def purge_expired_originals() -> int:
    """Delete originals past the retention period; return how many."""
    from mamori.quarantine.retention import purge_expired

    return purge_expired().purged
