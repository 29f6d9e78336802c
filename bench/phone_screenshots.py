"""Screenshots of the phone flow for reviewers: docs/phone/*.png (390×844, touch, Chromium).

    python bench/phone_screenshots.py

Starts the app on a free port with every request to another host blocked, then: the map as a
phone opens it; the page's own search for 卤菜 with its results; the card after the pick (the
sidebar closed, the card above the map); a county tapped on the map.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP_IFRAME,
    Traffic,
    map_frame,
    open_context,
    start_app,
    stop_app,
)

OUT = ROOT / "docs" / "phone"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = start_app(Path(tmp) / "server.log")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                traffic = Traffic()
                page = open_context(browser, server, traffic, **PHONE).new_page()
                page.set_default_timeout(60_000)
                page.goto(server.url)
                frame = map_frame(page)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUT / "1-map.png"))
                box = page.locator(".st-key-sy-phone-search input")
                box.fill("卤菜")
                box.press("Enter")
                pick = page.locator(".st-key-sy-phone-search").get_by_role(
                    "button", name="武冈卤制品产业集群"
                )
                pick.wait_for()
                page.screenshot(path=str(OUT / "2-search.png"))
                pick.tap()
                page.locator('[data-testid="sy-initiative-card"]').wait_for()
                map_frame(page)
                page.screenshot(path=str(OUT / "3-card.png"))
                page.goto(server.url)
                frame = map_frame(page)
                frame.wait_for_function(
                    "() => window.map.getSize().x === window.map.getContainer().clientWidth"
                )
                spot = frame.evaluate(
                    """() => { let t = null; window.map.eachLayer((l) => {
                        if (l.feature && l.feature.properties.adcode === '430529' && l._path) { t = l; } });
                        const b = t._path.getBoundingClientRect();
                        return [b.left + b.width / 2, b.top + b.height / 2]; }"""
                )
                where = page.query_selector(MAP_IFRAME).bounding_box()
                page.touchscreen.tap(where["x"] + spot[0], where["y"] + spot[1])
                page.locator('[data-testid="sy-county-panel"]').wait_for()
                map_frame(page)
                page.screenshot(path=str(OUT / "4-county-tap.png"))
                browser.close()
            if traffic.blocked:
                print(f"blocked requests to other hosts: {traffic.blocked}", file=sys.stderr)
                return 1
        finally:
            stop_app(server)
    print(f"saved {sorted(p.name for p in OUT.glob('*.png'))} in {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
