"""Write the example Story exports a reviewer can look at without running the app.

    python3 scripts/story_examples.py [--out docs/examples] [--county 430582] [--date 2026-11-30]

Writes the county spotlight as an A4 PNG in English and in Chinese, and the first step
(overview with the report's targets) in English, through the same code as the Story page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from components import cache as cached  # noqa: E402
from components.exports import story_export  # noqa: E402
from components.map import model as map_model  # noqa: E402
from components.views import story  # noqa: E402
from components.views.map import map_view  # noqa: E402
from data.build_targets import TARGETS_PATH  # noqa: E402


def export_of(index: int, lang: str, county: str) -> story_export.StepExport:
    version, initiatives = cached.current_initiatives()
    step = story.STEPS[index]
    view = map_view(story.view_for(step, lang=lang, county=county), version, initiatives)
    targets = pd.read_csv(TARGETS_PATH, dtype=str)
    names = {adcode: pair[lang] for adcode, pair in cached.county_names().items()}
    return story_export.StepExport(
        index=index,
        lang=lang,
        county=county,
        county_names=cached.county_names(),
        view=view,
        targets=story.targets_table(targets[targets["section"] == "targets"], lang),
        placed=map_model.placed_symbols(
            view.filtered, cached.county_placement(version, lang), names, lang
        ),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "examples")
    parser.add_argument("--county", default=story.DEFAULT_SPOTLIGHT)
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    counties = cached.counties(display=True)
    spotlight = len(story.STEPS) - 1
    for index, lang in ((spotlight, "en"), (spotlight, "zh"), (0, "en")):
        export = export_of(index, lang, args.county)
        path = args.out / f"{export.stem}.png"
        path.write_bytes(story_export.print_bytes(export, counties, "png", made_on=args.date))
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
