"""Benchmark the Story's exports (not a test): prints seconds and bytes per export.

    python bench/story_exports_bench.py [--repeat 3]

For every Story step (the spotlight on 邵东市) in Chinese and English it times, after one
warm-up, the print PNG (A4, 150 dpi), the print PDF and the offline HTML, made by the same
code as the page's download buttons, and prints the median seconds and the size of each file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from components import cache as cached  # noqa: E402
from components.exports import story_export  # noqa: E402
from components.views import story  # noqa: E402
from data.report import load_report  # noqa: E402
from scripts.story_examples import export_of  # noqa: E402

DAY = dt.date(2026, 11, 30)


def _timed(make, repeat: int) -> tuple[float, int]:
    make()  # warm-up: fonts, caches
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(make())
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    counties = cached.counties(display=True)
    report = load_report()
    print(f"{'step':<10} {'lang':<4} {'export':<5} {'median s':>9} {'bytes':>10}")
    for index, step in enumerate(story.STEPS):
        for lang in ("zh", "en"):
            export = export_of(index, lang, story.DEFAULT_SPOTLIGHT)
            makers = {
                "png": lambda e=export: story_export.print_bytes(e, counties, "png", made_on=DAY),
                "pdf": lambda e=export: story_export.print_bytes(e, counties, "pdf", made_on=DAY),
                "html": lambda e=export: story_export.html_text(e, report, made_on=DAY).encode(),
            }
            for kind, make in makers.items():
                seconds, size = _timed(make, args.repeat)
                print(f"{step.key:<10} {lang:<4} {kind:<5} {seconds:>9.2f} {size:>10,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
