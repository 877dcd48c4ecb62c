"""Profile the annual report's PDF render in-process, phase by phase.

Renders a report's HTML (``report.html`` from ``benchmarks/report_pdf.py
--output DIR``) as ``reports.annual.render_pdf`` does, once cold and then
``--renders`` times warm, and prints each warm render's CPU and wall time
split into WeasyPrint's phases: parsing the HTML, styles and layout, drawing
and writing the PDF, and the collection of the render's garbage. CPU time
(``time.process_time``) is the figure to compare on a busy machine: the
wall-clock time includes waiting for the other processes.

    .venv/bin/python scripts/profile-report.py /tmp/report-pdf/report.html
    .venv/bin/python scripts/profile-report.py report.html --profile --lines 40
    .venv/bin/python scripts/profile-report.py report.html --per-character

``--per-character`` alternates renders with WeasyPrint's own letter-by-letter
SVG text drawing and the whole-string one (reports.pdf_svg_text), in the same
process, and prints both medians. Run with DATABASE_URL set (Django starts,
though the render reads nothing from the database).
"""

import argparse
import cProfile
import gc
import importlib
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PHASES = ("parse", "layout", "pdf", "collect")


def render_in_phases(html: str) -> dict[str, tuple[float, float]]:
    """One render as reports.annual._render_pdf does it: (cpu, wall) a phase."""
    from weasyprint import HTML

    from reports import annual, pdf_svg_text

    pdf_svg_text.install()
    times = {}
    clock = (time.process_time(), time.perf_counter())

    def lap(name):
        nonlocal clock
        now = (time.process_time(), time.perf_counter())
        times[name] = (now[0] - clock[0], now[1] - clock[1])
        clock = now

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        html_document = HTML(
            string=html,
            base_url=annual.ASSETS_DIR.as_uri() + "/",
            url_fetcher=annual._assets_fetcher(),
        )
        lap("parse")
        # As annual.laid_out does, split in two to time the parse alone.
        document = html_document.render(
            pdf_variant="pdf/ua-1", **annual._render_options(html)
        )
        lap("layout")
        document.write_pdf(pdf_variant="pdf/ua-1")
        lap("pdf")
        del document, html_document
    finally:
        if was_enabled:
            gc.enable()
    gc.collect(0)
    lap("collect")
    return times


def use_svg_text(function) -> None:
    svg = importlib.import_module("weasyprint.svg")
    for tag in ("a", "text", "textPath", "tspan"):
        svg.TAGS[tag] = function
    svg.text = function


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="the report's HTML file")
    parser.add_argument("--renders", type=int, default=4)
    parser.add_argument("--profile", action="store_true", help="cProfile one render")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=30)
    parser.add_argument(
        "--per-character",
        action="store_true",
        help="compare with WeasyPrint's letter-by-letter SVG text",
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic.settings.test")
    import django

    django.setup()
    from reports.annual import render_pdf

    html = args.html.read_text(encoding="utf-8")
    started = time.perf_counter()
    pdf = render_pdf(html)
    print(
        f"profile-report: {pdf.page_count} pages, cold render "
        f"{time.perf_counter() - started:.2f} s"
    )

    if args.per_character:
        svg = importlib.import_module("weasyprint.svg")
        whole = svg.TAGS["text"]
        drawings = {"per_character": whole.per_character, "whole_string": whole}
        cpu = {name: [] for name in drawings}
        for _ in range(args.renders):
            for name, function in drawings.items():
                use_svg_text(function)
                before = time.process_time()
                render_pdf(html)
                cpu[name].append(time.process_time() - before)
        use_svg_text(whole)
        for name, seconds in cpu.items():
            print(
                f"profile-report: svg_text={name} cpu median "
                f"{statistics.median(seconds):.3f} s, min {min(seconds):.3f} s"
            )
        return

    renders = [render_in_phases(html) for _ in range(args.renders)]
    for number, times in enumerate(renders, start=1):
        cpu = sum(c for c, _ in times.values())
        wall = sum(w for _, w in times.values())
        split = ", ".join(f"{name} {times[name][0]:.3f}" for name in PHASES)
        print(
            f"profile-report: warm render {number}: cpu {cpu:.3f} s ({split}), "
            f"wall {wall:.3f} s"
        )
    medians = {
        name: statistics.median(times[name][0] for times in renders) for name in PHASES
    }
    total = sum(medians.values())
    print(
        f"profile-report pages={pdf.page_count} cpu_s={total:.3f} "
        f"cpu_per_page_s={total / pdf.page_count:.3f} "
        + " ".join(f"{name}_s={seconds:.3f}" for name, seconds in medians.items())
    )

    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        render_pdf(html)
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.lines)
        print(out.getvalue())


if __name__ == "__main__":
    main()
