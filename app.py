"""邵阳项目地图 · Shaoyang Projects Map — the router: the page menu and what every page shares.

Run: ``streamlit run app.py``. The pages are listed once, in components/state/navigation.py;
each is served at an ASCII address (``/map``, ``/report`` … ``/data``; ``/`` opens ``/map``),
titled in the UI language. The addresses of the first version (``/报告_Report`` …) still open
the same page with the same query parameters. How the code is laid out: docs/architecture.md.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from components import cache
from components.frame import sidebar
from components.map.offline_assets import ensure_vendor_files
from components.state.navigation import GROUPS, HOME, OLD_PATHS, PAGES, group_title
from components.state.session import set_current_page

st.set_page_config(page_icon="🗺️", layout="wide")
ensure_vendor_files()
sidebar.seed_from_url()  # the URL's language titles the menu on a session's first run
lang = sidebar.current_lang()

pages = {
    spec.key: st.Page(
        spec.path,
        title=spec.title(lang),
        icon=spec.icon,
        url_path=spec.key,
    )
    for spec in PAGES
}


def _redirect(key: str) -> None:
    """An old or alternative address: open the page it names, keeping the query parameters."""
    st.switch_page(pages[key], query_params=st.query_params.to_dict())


# "/" opens the map at /map; the old addresses open their pages at the new ones.
hidden = [
    st.Page(
        partial(_redirect, HOME),
        title=pages[HOME].title,
        url_path="home",
        default=True,
        visibility="hidden",
    ),
    *(
        st.Page(partial(_redirect, key), title=pages[key].title, url_path=path, visibility="hidden")
        for path, key in OLD_PATHS.items()
    ),
]
menu = {
    group_title(group, lang): [pages[spec.key] for spec in PAGES if spec.group == group]
    for group in GROUPS
}
# The hidden pages go into the first section; hidden, they show in no section.
menu[group_title(GROUPS[0], lang)] += hidden
page = st.navigation(menu)
set_current_page(page.url_path)
st.set_page_config(page_title=f"{page.title} · 邵阳项目地图 Shaoyang Projects Map")
page.run()
sidebar.close_sidebar_after_pick()  # on a phone, after a pick or a page from the menu
cache.settle_memory()
