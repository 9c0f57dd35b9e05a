"""Prometheus text exposition (format 0.0.4) of the gateway's counters and queue depth."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db.models import Count, Q, Sum

from mamori.quarantine.models import QuarantinedMessage, ReleaseRequest


def _line(name: str, kind: str, help_text: str, samples: list[tuple[str, float]]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    lines += [f"{name}{labels} {value:g}" for labels, value in samples]
    return lines


def render_metrics() -> str:
    """Return the metrics page (counters come from the database, the queue from the spool)."""
    from mamori.gateway.spool import STAGES

    totals = QuarantinedMessage.objects.aggregate(
        accepted=Count("pk"),
        delivered=Count("pk", filter=Q(status=QuarantinedMessage.Status.DELIVERED)),
        failed=Count("pk", filter=Q(status=QuarantinedMessage.Status.FAILED)),
        held=Count("pk", filter=Q(has_held=True)),
        deferrals=Sum("deferrals"),
        sanitize_ms=Sum("sanitize_ms"),
    )
    released = ReleaseRequest.objects.filter(status=ReleaseRequest.Status.RELEASED).count()
    spool = Path(settings.DATA_DIR) / "spool"
    depth = []
    for stage in STAGES:
        if stage == "tmp":
            continue
        folder = spool / stage
        count = sum(1 for _ in folder.iterdir()) if folder.is_dir() else 0
        depth.append((f'{{queue="{stage}"}}', float(count)))
    lines: list[str] = []
    lines += _line(
        "mamori_gateway_accepted_total",
        "counter",
        "Messages accepted and recorded.",
        [("", totals["accepted"] or 0)],
    )
    lines += _line(
        "mamori_gateway_delivered_total",
        "counter",
        "Messages delivered downstream.",
        [("", totals["delivered"] or 0)],
    )
    lines += _line(
        "mamori_gateway_deferred_total",
        "counter",
        "Temporary delivery failures (retried).",
        [("", totals["deferrals"] or 0)],
    )
    lines += _line(
        "mamori_gateway_failed_total",
        "counter",
        "Messages given up after permanent failure.",
        [("", totals["failed"] or 0)],
    )
    lines += _line(
        "mamori_gateway_held_total",
        "counter",
        "Messages with a held attachment or held whole.",
        [("", totals["held"] or 0)],
    )
    lines += _line(
        "mamori_gateway_released_total", "counter", "Release requests carried out.", [("", released)]
    )
    lines += _line("mamori_gateway_queue_depth", "gauge", "Spool files per queue.", depth)
    lines += _line(
        "mamori_gateway_sanitize_seconds", "summary", "Time spent sanitizing messages.",
        [("_sum", (totals["sanitize_ms"] or 0) / 1000.0), ("_count", totals["accepted"] or 0)],
    )  # fmt: skip
    # The summary's samples are name_sum and name_count: passed above as suffixes in place of labels.
    return "\n".join(lines) + "\n"
