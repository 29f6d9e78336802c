"""Start the app the way `make run` does: warm first, then serve.

    python3 scripts/serve.py [any `streamlit run` option, e.g. --server.port 8502]

A plain `streamlit run app.py` imports pandas, geopandas, folium and the app, reads the data
and builds the map's caches during its first visitor's page load (a few seconds on a small
machine). This launcher does that work first, in the same process, and only then starts
Streamlit's server on it — so `/_stcore/health` answers once the server is warm, and the first
visitor waits no longer than the second. See docs/deploy.md.
"""

from __future__ import annotations

import ast
import importlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
# Modules that declare a Streamlit component: Streamlit registers a component only when it is
# declared inside a script run, so imported here the map's component would never be served.
# They are small; the first script run imports them.
IMPORTED_IN_A_RUN = ("streamlit_folium",)


def _imports_of(script: Path) -> list[str]:
    """The modules a script imports at its top level."""
    modules = []
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.append(node.module)
    return modules


def warm() -> float:
    """Import what the first page imports, fill the caches, render the home map; seconds taken."""
    started = time.perf_counter()
    from components.state.navigation import HOME, page_path

    # The script files whose imports a visitor's first page needs: the router, the home page.
    for script in (APP, ROOT / page_path(HOME)):
        for module in _imports_of(script):
            if module.split(".")[0] not in IMPORTED_IN_A_RUN:
                importlib.import_module(module)
    from components.map.offline_assets import ensure_vendor_files
    from components.views.map import warm_up

    ensure_vendor_files()
    warm_up()
    early = [name for name in IMPORTED_IN_A_RUN if name in sys.modules]
    if early:
        raise RuntimeError(f"warming up imported {early}: their components would not be served")
    return time.perf_counter() - started


def _router_only() -> None:
    """Tell Streamlit that app.py routes every page (st.navigation), before its first session.

    With a pages/ folder beside the main script, Streamlit starts in its older multipage mode
    and leaves it only when a script run calls st.navigation: until then a visitor arriving at
    a page's address (a shared /report link) sees a "page not found" notice. The flag is
    Streamlit's own, the one st.navigation sets; without it (another Streamlit) nothing changes.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if hasattr(PagesManager, "uses_pages_directory"):
        PagesManager.uses_pages_directory = False


def main(argv: list[str]) -> int:
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    from streamlit import config, logger
    from streamlit.web import bootstrap, cli

    # Read the configuration (.streamlit/config.toml and the flags) as `streamlit run` will,
    # so that warming up sees the same settings and starting the server reads nothing new.
    flags = cli.main_run.make_context("run", [str(APP), *argv]).params
    config._main_script_path = str(APP)
    bootstrap.load_config_options(
        flag_options={k: v for k, v in flags.items() if k not in ("target", "args")}
    )
    # Outside a session, Streamlit's caches warn that there is no session: that is the point.
    logger.set_log_level("error")
    seconds = warm()
    _router_only()
    logger.set_log_level(config.get_option("logger.level"))
    print(f"serve: warmed up in {seconds:.1f} s; starting Streamlit", file=sys.stderr, flush=True)
    sys.argv = ["streamlit", "run", str(APP), *argv]
    return cli.main()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
