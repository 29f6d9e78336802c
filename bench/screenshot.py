"""Take the README's screenshot of the map with the real browser: docs/screenshot-map.png.

    python bench/screenshot.py [--query "county=430582"] [--out docs/screenshot-map.png]

Starts the app on a free port, opens it in headless Debian Chromium with every request to
another host blocked (the picture is the offline map), waits until the map has drawn and
stopped moving, and saves a PNG of the page.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    Traffic,
    map_frame,
    open_context,
    start_app,
    stop_app,
)

# Resolves once the map's layers have kept their place for a few frames.
_SETTLED = """async () => {
    let last = "", still = 0;
    for (let frame = 0; frame < 600 && still < 10; frame++) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const box = window.map.getContainer().getBoundingClientRect();
        const now = [box.width, box.height, window.map.getZoom(), window.map.getCenter().lat].join();
        still = now === last ? still + 1 : 0;
        last = now;
    }
    return still;
}"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--query", default="county=430582", help="the view, as URL query parameters"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot-map.png")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1000)
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server = start_app(Path(tmp) / "server.log")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                traffic = Traffic()
                context = open_context(browser, server, traffic)
                page = context.new_page()
                page.set_viewport_size({"width": args.width, "height": args.height})
                page.goto(server.url + (f"?{args.query}" if args.query else ""))
                frame = map_frame(page)
                frame.evaluate(_SETTLED)
                page.wait_for_load_state("networkidle")
                args.out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.out))
                browser.close()
            if traffic.blocked:
                print(f"blocked requests to other hosts: {traffic.blocked}", file=sys.stderr)
                return 1
        finally:
            stop_app(server)
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
