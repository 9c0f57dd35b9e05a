"""Benchmark PDF sanitizing against bare pikepdf and bare pypdfium2 measured in the same run.

Targets: structural cleaning >= 500 pages/s; render mode within 1.5x of bare pypdfium2 rendering of the
same pages; <= 150 KB per A4 text page at 150 dpi.

Run: ``PYTHONPATH=src python benchmarks/sanitize_pdf.py``
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable

import pikepdf
import pypdfium2 as pdfium
from pikepdf import Array, Dictionary, Name

from mamori.sanitize import Mode, Policy, sanitize_file
from mamori.sanitize._context import Context
from mamori.sanitize.pdf import clean_pdf, render_pdf

PAGES = 20
DPI = 150


def text_pdf(pages: int = PAGES) -> bytes:
    """Build an A4 PDF with 55 lines of text per page."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    for number in range(pages):
        lines = [
            f"BT /F1 10 Tf 50 {800 - 13.5 * i:.1f} Td (Page {number + 1} line {i + 1}: "
            "The municipality shall protect its information assets with care.) Tj ET"
            for i in range(55)
        ]
        pdf.pages.append(
            pikepdf.Page(
                Dictionary(
                    Type=Name.Page,
                    MediaBox=Array([0, 0, 595, 842]),
                    Contents=pdf.make_stream("\n".join(lines).encode()),
                    Resources=Dictionary(Font=Dictionary(F1=font)),
                )
            )
        )
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def best_of(runs: int, action: Callable[[], object]) -> float:
    """Return the fastest wall time of several runs (least disturbed by other load)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def bare_pikepdf(data: bytes) -> None:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(io.BytesIO())


def bare_render(data: bytes, *, grayscale: bool = False) -> None:
    document = pdfium.PdfDocument(data)
    for index in range(len(document)):
        document[index].render(scale=DPI / 72, grayscale=grayscale).to_pil()
    document.close()


def main() -> None:
    data = text_pdf()
    structural = Policy()
    render = Policy(pdf=Mode.RENDER, render_dpi=DPI)
    sanitize_file(data, "warmup.pdf", structural)  # start the worker pool outside the timings

    baseline_structural = best_of(10, lambda: bare_pikepdf(data))
    in_process = best_of(10, lambda: clean_pdf(data, Context(structural, "a.pdf")))
    isolated = best_of(10, lambda: sanitize_file(data, "a.pdf", structural))
    rate = PAGES / isolated
    print(f"structural, {PAGES}-page text PDF")
    print(f"  bare pikepdf open+save : {PAGES / baseline_structural:8.0f} pages/s  (baseline)")
    in_ratio = in_process / baseline_structural
    print(f"  clean_pdf in process   : {PAGES / in_process:8.0f} pages/s  ratio {in_ratio:.2f}x")
    print(f"  sanitize_file isolated : {rate:8.0f} pages/s  ratio {isolated / baseline_structural:.2f}x")
    print(f"  target >= 500 pages/s  : {'met' if rate >= 500 else 'NOT met'}")

    baseline_render = best_of(3, lambda: bare_render(data))
    baseline_gray = best_of(3, lambda: bare_render(data, grayscale=True))
    rendered = best_of(3, lambda: render_pdf(data, Context(render, "a.pdf")))
    isolated_render = best_of(3, lambda: sanitize_file(data, "a.pdf", render))
    output = sanitize_file(data, "a.pdf", render).output or b""
    ratio = rendered / baseline_render
    print(f"render at {DPI} dpi")
    print(f"  bare pypdfium2 render  : {PAGES / baseline_render:8.1f} pages/s  (baseline, colour)")
    grey_ratio = rendered / baseline_gray
    print(f"  bare grey render       : {PAGES / baseline_gray:8.1f} pages/s  ratio {grey_ratio:.2f}x")
    print(f"  render_pdf in process  : {PAGES / rendered:8.1f} pages/s  ratio {ratio:.2f}x (target <= 1.5x)")
    iso_ratio = isolated_render / baseline_render
    print(f"  sanitize_file isolated : {PAGES / isolated_render:8.1f} pages/s  ratio {iso_ratio:.2f}x")
    per_page = len(output) / PAGES / 1024
    print(f"  output size            : {per_page:8.1f} KB/page (target <= 150 KB)")


if __name__ == "__main__":
    main()
