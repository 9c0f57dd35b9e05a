"""Benchmark: aggregate the results of 3,000 respondents × 120 items on SQLite.

Prints the time of ``campaign_results`` (completion, unit × section scores, weakest items, value counts)
and of ``trend``, each as a ratio to a bare ``COUNT(*)`` over the same answers measured in the same run.
Target (issue #8): results in under 1 s.

    python benchmarks/inspections_results.py [--respondents 3000] [--items 120]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def setup(data_dir: str) -> None:
    os.environ["MAMORI_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "mamori.config.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build(respondents: int, n_items: int) -> int:
    import datetime as dt

    from django.db import transaction

    from mamori.core.models import Body, Person, Unit
    from mamori.inspections.models import (
        Answer,
        AnswerSheet,
        Campaign,
        CampaignItem,
        CatalogueVersion,
        ChecklistItem,
    )
    from mamori.inspections.models.campaigns import POINTS

    rng = random.Random(8)
    with transaction.atomic():
        body = Body.objects.create(code="bench", name="ベンチマーク市")
        units = [Unit.objects.create(body=body, code=f"U{i:03d}", name=f"第{i}課") for i in range(30)]
        Person.objects.bulk_create(
            Person(employee_number=f"{i:06d}", family_name="職員", unit=units[i % len(units)])
            for i in range(respondents)
        )
        people = list(Person.objects.all())
        items = list(ChecklistItem.objects.filter(respondent_type="staff"))
        items = (items * (n_items // len(items) + 1))[:n_items]
        campaign = Campaign.objects.create(
            fiscal_year=2026,
            title="bench",
            catalogue_version=CatalogueVersion.objects.get(is_current=True),
            opens_on=dt.date(2026, 6, 1),
            closes_on=dt.date(2026, 6, 30),
            status="open",
        )
        # The same checklist item may appear only once per campaign: clone items when the catalogue is short.
        campaign_items = []
        for index, item in enumerate(items):
            if index >= len(set(items)):
                item = ChecklistItem.objects.create(
                    code=f"B-{index}",
                    section=item.section,
                    respondent_type="staff",
                    question=item.question,
                    version=item.version,
                )
            campaign_items.append(
                CampaignItem(
                    campaign=campaign,
                    item=item,
                    section_id=item.section_id,
                    respondent_type="staff",
                    question=item.question,
                    order=index,
                )
            )
        campaign_items = CampaignItem.objects.bulk_create(campaign_items)
        sheets = AnswerSheet.objects.bulk_create(
            AnswerSheet(
                campaign=campaign,
                person=p,
                unit_id=p.unit_id,
                respondent_type="staff",
                status=rng.choice(["submitted", "accepted", "in_progress"]),
            )
            for p in people
        )
        values = ["done"] * 6 + ["partial"] * 2 + ["not_done", "na", ""]
        batch: list[Answer] = []
        for sheet in sheets:
            for ci in campaign_items:
                value = rng.choice(values)
                batch.append(
                    Answer(
                        sheet=sheet,
                        campaign_item=ci,
                        campaign=campaign,
                        unit_id=sheet.unit_id,
                        section_id=ci.section_id,
                        value=value,
                        points=POINTS[value],
                    )
                )
            if len(batch) >= 20000:
                Answer.objects.bulk_create(batch, batch_size=5000)
                batch = []
        Answer.objects.bulk_create(batch, batch_size=5000)
    return campaign.pk


def timed(func, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=3000)
    parser.add_argument("--items", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data-dir", help="keep the database here and reuse it on the next run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mamori-bench-") as temp_dir:
        setup(args.data_dir or temp_dir)
        from mamori.inspections.models import Answer, Campaign
        from mamori.inspections.results import campaign_results, trend

        start = time.perf_counter()
        existing = Campaign.objects.filter(title="bench").first()
        campaign = existing or Campaign.objects.get(pk=build(args.respondents, args.items))
        print(f"data: {Answer.objects.count():,} answers ready in {time.perf_counter() - start:.1f} s")
        baseline = timed(lambda: Answer.objects.filter(campaign=campaign).count(), args.repeat)
        results = timed(lambda: campaign_results(campaign), args.repeat)
        trend_time = timed(trend, args.repeat)
        print(f"baseline COUNT(*) over the answers: {baseline * 1000:8.1f} ms")
        print(
            f"campaign_results:                   {results * 1000:8.1f} ms  ratio {results / baseline:6.1f}x"
        )
        print(
            f"trend:                              {trend_time * 1000:8.1f} ms  ratio {trend_time / baseline:6.1f}x"
        )
        verdict = "OK" if results < 1.0 else "TOO SLOW"
        print(f"target: campaign_results under 1 s → {verdict}")
        return 0 if results < 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
