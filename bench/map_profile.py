"""Profile the map page's server side without a browser (not a test): prints where a rerun's
time goes and how many bytes each part of the map sends to the iframe.

    python bench/map_profile.py [--n 10000] [--repeat 5]

It runs the same steps as pages/map.py for the default view (the data caches warm, as on a
second visitor), outside Streamlit: the view (filter, choropleth, placed symbols), the base map,
the overlays, and the text streamlit-folium makes of them (what the iframe receives), then a
filter change (one category). ``--n`` adds that many synthetic initiatives (as map_bench.py).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _quiet_streamlit() -> None:
    # The cached functions run without a Streamlit server here: silence "missing ScriptRunContext".
    for name in ("streamlit", "streamlit.runtime"):
        logging.getLogger(name).setLevel(logging.ERROR)
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)


def profile(repeat: int) -> None:
    import streamlit_folium as sf

    _quiet_streamlit()
    from components import cache as cached
    from components.map import builder as map_builder
    from components.state.view_state import Filters, ViewState
    from components.views.map import map_view
    from data.schema import CATEGORIES

    _quiet_streamlit()
    version, initiatives = cached.current_initiatives()

    def run(state: ViewState) -> dict[str, float | int]:
        timings: dict[str, float | int] = {}
        started = time.perf_counter()
        view = map_view(state, version, initiatives, home=True)
        timings["view ms"] = (time.perf_counter() - started) * 1000
        mark = time.perf_counter()
        base = map_builder.base_map(
            view.content.counties,
            basemap=state.basemap,
            lang=state.lang,
            regions=cached.region_layout(version, state.basemap, state.lang),
        )
        timings["base map ms"] = (time.perf_counter() - mark) * 1000
        mark = time.perf_counter()
        layers = map_builder.overlays(
            view.content, basemap=state.basemap, lang=state.lang, clustered=view.clustered
        )
        timings["overlays ms"] = (time.perf_counter() - mark) * 1000
        mark = time.perf_counter()
        base.get_root().render()
        base.render()
        text = sf._get_html(base) + sf._get_header(base) + sf._get_map_string(base)
        timings["base text ms"] = (time.perf_counter() - mark) * 1000
        timings["base bytes"] = len(text.encode("utf-8"))
        mark = time.perf_counter()
        for idx, group in enumerate(layers):
            layer_text = sf._get_feature_group_string(group, map=base, idx=idx)
            timings[f"layer {idx} bytes"] = len(layer_text.encode("utf-8"))
        timings["layers text ms"] = (time.perf_counter() - mark) * 1000
        timings["total ms"] = (time.perf_counter() - started) * 1000
        return timings

    default = ViewState()
    one_more = ViewState(filters=Filters(categories=(CATEGORIES[0],)))
    run(default)  # fill the caches, as the first visitor (or the start-up warm-up) did
    run(one_more)
    for label, state in (("default view", default), ("one category", one_more)):
        results = [run(state) for _ in range(repeat)]
        print(f"{label} ({len(initiatives)} initiatives), median of {repeat}:")
        for key in results[0]:
            value = statistics.median(r[key] for r in results)
            print(f"  {key:<16} {value:>10.1f}" if "ms" in key else f"  {key:<16} {value:>10.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=0, help="synthetic initiatives to add")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.n:
            from bench.map_bench import synthetic_initiatives

            path = synthetic_initiatives(args.n, Path(tmp) / "synthetic.geojson")
            os.environ["SHAOYANG_INITIATIVES"] = str(path)
        profile(args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
