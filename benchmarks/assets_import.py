"""Import a 10,000-row register workbook (target: under 10 s) and compare with merely reading it.

Run: python3 benchmarks/assets_import.py
Baseline: iterating every row of the same workbook with openpyxl (read-only), measured in this run.
"""

from __future__ import annotations

import os
import time

from _assets_setup import setup_django

ROWS = 10_000
TARGET_SECONDS = 10.0


def main() -> None:
    setup_django()
    from _assets_setup import make_city
    from openpyxl import Workbook

    from mamori.assets import register_excel, services
    from mamori.assets.models import Asset, Zone
    from mamori.core import audit
    from mamori.core.spreadsheets import open_workbook, workbook_bytes, write_sheet

    user, sections, people = make_city()
    zones = list(Zone.objects.all())
    systems = [
        services.save_system(
            None, actor=user, values={"name": f"システム{i}", "unit": sections[i], "zone": zones[i % 4]}
        )
        for i in range(8)
    ]
    kinds = list(register_excel.SHEETS.items())
    columns = register_excel.ASSET_COLUMNS
    levels = ("3A", "3B", "3C", "2", "1")

    def row(i: int, kind: str) -> list[object]:
        cells = {c.header: "" for c in columns}
        cells.update(
            {
                "名称": f"情報資産 {i}",
                "形態": "記録媒体" if kind == "system" else "",
                "所管課コード": sections[i % len(sections)].code,
                "管理責任者の職員番号": people[i % len(people)].employee_number,
                "情報システム番号": systems[i % len(systems)].code if kind == "electronic" else "",
                "保管場所": "書庫" if kind == "paper" else "",
                "数量・規模": f"{i}件",
                "個人情報": "○" if i % 3 == 0 else "",
                "特定個人情報": "○" if i % 17 == 0 else "",
                "保存期間": "5年",
                "機密性": levels[i % 5],
                "完全性": "2" if i % 2 else "1",
                "可用性": "1",
                "対策基準の節": "3.1" if i % 7 == 0 else "",
                "備考": "ベンチマーク用",
            }
        )
        return [cells[c.header] for c in columns]

    def build(workbook: Workbook) -> None:
        per_sheet = ROWS // len(kinds)
        for index, (kind, title) in enumerate(kinds):
            write_sheet(
                workbook, title, columns, [row(index * per_sheet + i, kind) for i in range(per_sheet)]
            )
        write_sheet(workbook, register_excel.SYSTEM_SHEET, register_excel.SYSTEM_COLUMNS, [])

    data = workbook_bytes(build)

    started, cpu_started = time.perf_counter(), time.process_time()
    book = open_workbook(data)
    read = sum(1 for title in book.sheetnames for _ in book[title].iter_rows(values_only=True))
    baseline, baseline_cpu = time.perf_counter() - started, time.process_time() - cpu_started

    started, cpu_started = time.perf_counter(), time.process_time()
    with audit.acting_as(user, via="import"):
        report = register_excel.import_workbook(open_workbook(data), actor=user)
    elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - cpu_started

    assert report.ok, report.errors[:5]
    assert Asset.objects.count() == ROWS, Asset.objects.count()
    print(f"rows imported:        {report.created} (rows read by the baseline: {read})")
    # CPU time is printed beside wall time: on a shared machine the wall clock also measures the neighbours.
    print(f"baseline (read only): {baseline:.2f} s wall, {baseline_cpu:.2f} s CPU")
    verdict = "OK" if elapsed < TARGET_SECONDS else "MISSED"
    print(
        f"import:               {elapsed:.2f} s wall, {elapsed_cpu:.2f} s CPU  (target < {TARGET_SECONDS:.0f} s wall: {verdict})"
    )
    print(f"ratio import/read:    {elapsed / baseline:.1f}x wall, {elapsed_cpu / baseline_cpu:.1f}x CPU")
    print(f"load average:         {', '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
