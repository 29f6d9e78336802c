"""The shared sidebar: language, search, filters, measure and basemap, kept in the URL.

Every page calls ``view_state()`` to draw the sidebar and get a ViewState back. On the first run
of a session the widgets are seeded from the URL's query parameters; afterwards the URL is
rewritten from the widgets on every run, with stable codes (``categories=tourism,ecology``), so
a copied link reproduces the view in a new browser, in either language. The selected county or
initiative is not a widget: it lives in session state and the URL (``county=`` / ``initiative=``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from analysis.choropleth import MEASURES
from components.i18n import LANGS, t
from components.state.search import SearchEntry
from components.state.session import PICKED_KEY, SELECTION_KEY, current_page, select, selected
from components.state.view_state import (
    ALL_QUERY_PARAMS,
    BASEMAPS,
    FILTER_VOCABULARY,
    QP_LANG,
    QP_SELECTION,
    Filters,
    Selection,
    ViewState,
    query_params_of,
    state_from_query_params,
)
from components.views.cards import md_escape

KEY = {
    "lang": "sy_lang",
    "basemap": "sy_basemap",
    "measure": "sy_measure",
    "query": "sy_query",
    **{name: f"sy_{name}" for name in FILTER_VOCABULARY},
}
SEEDED_KEY = "sy_seeded"
MAX_SEARCH_BUTTONS = 8
LANG_LABELS = {"zh": "中文", "en": "English"}
# A widget's value is kept when another page (without this sidebar) is shown.
_PERSIST = {"persist_state": "session"}


# (page, {widget key: value}): the sidebar's values as last drawn, and on which page. Each page's
# widgets are its own to Streamlit: the same key on the next page starts from the widget's
# default, so the next page's sidebar is given these values before it is drawn.
KEPT_KEY = "sy_kept"


def _keep_widgets() -> None:
    """After the sidebar is drawn: remember its values for the next page."""
    values = {key: st.session_state[key] for key in KEY.values() if key in st.session_state}
    st.session_state[KEPT_KEY] = (current_page(), values)


def _restore_widgets() -> None:
    """Before the sidebar is drawn: on another page than last time, start from its values."""
    page, values = st.session_state.get(KEPT_KEY, (None, {}))
    moved = page != current_page()
    if moved and page is not None and current_page() is not None:
        # A page was picked from the menu: on a phone, put the sidebar away to show it.
        st.session_state[PICKED_KEY] = True
    for key, value in values.items():
        if moved or key not in st.session_state:
            st.session_state[key] = value


def seed_from_url() -> None:
    """Put the URL's view into the widgets' state (once per session); after that, restore the
    values the last page's sidebar had."""
    if st.session_state.get(SEEDED_KEY):
        _restore_widgets()
        return
    params = {
        name: st.query_params.get_all(name) for name in ALL_QUERY_PARAMS if name in st.query_params
    }
    state = state_from_query_params(params)
    st.session_state[KEY["lang"]] = state.lang
    st.session_state[KEY["basemap"]] = state.basemap
    st.session_state[KEY["measure"]] = state.measure
    st.session_state[KEY["query"]] = state.filters.query
    for name in FILTER_VOCABULARY:
        st.session_state[KEY[name]] = list(getattr(state.filters, name))
    st.session_state[SELECTION_KEY] = state.selection
    st.session_state[SEEDED_KEY] = True


def _language_widget() -> str:
    lang = st.segmented_control(
        t("lang.label", current_lang()),
        LANGS,
        key=KEY["lang"],
        format_func=LANG_LABELS.get,
        required=True,
        **_PERSIST,
    )
    return lang if lang in LANGS else "zh"


def language_switch() -> str:
    """For pages without the filters (story, data): only the language, shared with the rest."""
    seed_from_url()
    with st.sidebar:
        lang = _language_widget()
    _keep_widgets()
    if st.query_params.get(QP_LANG) != lang:
        st.query_params[QP_LANG] = lang
    return lang


def current_lang() -> str:
    """The UI language (before or after the sidebar is drawn)."""
    lang = st.session_state.get(KEY["lang"])
    return lang if lang in LANGS else "zh"


def _clear_filters() -> None:
    for name in FILTER_VOCABULARY:
        st.session_state[KEY[name]] = []
    st.session_state[KEY["query"]] = ""


def sync_url(state: ViewState) -> None:
    """Write the view into the URL (only the parameters this sidebar owns; only on change)."""
    wanted = query_params_of(state)
    for name in ALL_QUERY_PARAMS:
        value = wanted.get(name)
        current = st.query_params.get(name)
        if value is None and name in st.query_params:
            del st.query_params[name]
        elif value is not None and current != value:
            st.query_params[name] = value


def _search_results(
    results: list[SearchEntry],
    lang: str,
    county_names: Mapping[str, str],
    prefix: str = "sy_hit",
    on_pick: Callable[[Selection], None] = select,
) -> None:
    if not results:
        st.caption(t("sidebar.search_none", lang))
        return
    st.caption(t("sidebar.search_results", lang))
    for entry in results[:MAX_SEARCH_BUTTONS]:
        name = entry.name_en if lang == "en" and entry.name_en else entry.name_zh
        icon = ":material/location_city:" if entry.kind == "county" else ":material/place:"
        st.button(
            md_escape(name),
            key=f"{prefix}_{entry.kind}_{entry.id}",
            icon=icon,
            on_click=on_pick,
            args=(Selection(entry.kind, entry.id),),
            type="tertiary",
        )
    if len(results) > MAX_SEARCH_BUTTONS:
        st.caption(t("sidebar.search_more", lang, n=len(results) - MAX_SEARCH_BUTTONS))


# Phones: Streamlit stacks the page below 640 px and hides the sidebar, so the map page gets
# its own search box there (hidden on wider screens, where the sidebar's is in view).
PHONE_CSS = """<style>
@media (min-width: 641px) { .st-key-sy-phone-search { display: none; } }
</style>"""
# After a pick on a phone the sidebar, open over most of the screen, closes itself.
_CLOSE_SIDEBAR = """<script>
(function () {
  var doc = window.parent.document;
  if (window.parent.innerWidth > 640) { return; }
  var bar = doc.querySelector('[data-testid="stSidebar"]');
  if (!bar || bar.getAttribute("data-collapsed") !== "false") { return; }
  var button = bar.querySelector('[data-testid="stSidebarHeader"] button');
  if (button) { button.click(); }
})();
</script>"""


def phone_search(search: Callable[[str], list[SearchEntry]], lang: str) -> None:
    """A search box on the page itself for phones: it finds and opens, it does not filter."""
    st.html(PHONE_CSS)
    with st.container(key="sy-phone-search"):
        query = st.text_input(
            t("sidebar.search", lang),
            key="sy_phone_query",
            placeholder=t("sidebar.search_placeholder", lang),
            max_chars=100,
        )
        if query and query.strip():
            _search_results(search(query), lang, {}, prefix="sy_phone_hit", on_pick=_phone_pick)


def _phone_pick(selection: Selection) -> None:
    """Open what was picked and put the box away, so the card is what the user sees next."""
    select(selection)
    st.session_state["sy_phone_query"] = ""


def close_sidebar_after_pick() -> None:
    """On the run after a pick, close the sidebar if the screen is a phone's."""
    if st.session_state.pop(PICKED_KEY, False):
        # A new text per pick: the browser keeps an unchanged frame and would not run it again.
        picks = st.session_state["sy_picks"] = st.session_state.get("sy_picks", 0) + 1
        st.iframe(f"<!-- pick {picks} -->{_CLOSE_SIDEBAR}", height=1)


def read_view_state() -> ViewState:
    """The view the sidebar's widgets hold, read before they are drawn.

    Widget values are in session state before the script runs (seeded from the URL on a
    session's first run), so a page can draw its main content first and the sidebar last.
    """
    seed_from_url()
    state = st.session_state
    lang = state.get(KEY["lang"])
    basemap = state.get(KEY["basemap"])
    measure = state.get(KEY["measure"])
    return ViewState(
        lang=lang if lang in LANGS else "zh",
        basemap=basemap if basemap in BASEMAPS else "none",
        measure=measure if measure in MEASURES else "count",
        filters=Filters(
            **{name: _ordered(state.get(KEY[name]), name) for name in FILTER_VOCABULARY},
            query=(state.get(KEY["query"]) or "").strip(),
        ),
        selection=selected(),
    )


def view_state(
    county_names: Mapping[str, Mapping[str, str]],
    search: Callable[[str], list[SearchEntry]] | None = None,
) -> ViewState:
    """Draw the sidebar; return the view it describes and keep the URL in step."""
    seed_from_url()
    return draw_sidebar(county_names, search)


def draw_sidebar(
    county_names: Mapping[str, Mapping[str, str]],
    search: Callable[[str], list[SearchEntry]] | None = None,
) -> ViewState:
    """Draw the sidebar's widgets; return the view they describe and keep the URL in step.

    ``county_names``: {adcode: {"zh": ..., "en": ...}}. ``search``: query -> ranked entries
    (county and initiative matches), or None to hide search results.
    """
    seed_from_url()
    with st.sidebar:
        lang = _language_widget()
        names = {a: n.get(lang) or n.get("zh", a) for a, n in county_names.items()}

        query = st.text_input(
            t("sidebar.search", lang),
            key=KEY["query"],
            placeholder=t("sidebar.search_placeholder", lang),
            max_chars=100,
            **_PERSIST,
        )
        results = search(query) if search and query and query.strip() else []
        if query and query.strip() and search:
            _search_results(results, lang, names)

        st.subheader(t("sidebar.filters", lang))
        labels = {
            "top_ten": lambda k: t(f"top_ten.{k}", lang),
            "counties": lambda a: names.get(a, a),
            "categories": lambda c: t(f"category.{c}", lang),
            "sections": lambda s: t(f"section.{s}", lang),
            "precisions": lambda p: t(f"precision.{p}", lang),
            "commitments": lambda c: t(f"commitment.{c}", lang),
        }
        chosen = {
            name: st.multiselect(
                t(f"sidebar.{name}", lang),
                FILTER_VOCABULARY[name],
                key=KEY[name],
                format_func=label,
                placeholder=t("sidebar.all", lang),
                **_PERSIST,
            )
            for name, label in labels.items()
        }
        st.button(t("sidebar.reset", lang), on_click=_clear_filters, key="sy_reset")

        st.divider()
        measure = st.selectbox(
            t("sidebar.measure", lang),
            MEASURES,
            key=KEY["measure"],
            format_func=lambda m: t(f"measure.{m}", lang),
            **_PERSIST,
        )
        basemap = st.selectbox(
            t("sidebar.basemap", lang),
            BASEMAPS,
            key=KEY["basemap"],
            format_func=lambda b: t(f"basemap.{b}", lang),
            help=t("sidebar.basemap_help", lang),
            **_PERSIST,
        )
        st.caption(t("sidebar.share", lang))

    filters = Filters(
        **{name: _ordered(values, name) for name, values in chosen.items()},
        query=(query or "").strip(),
    )
    state = ViewState(
        lang=lang,
        basemap=basemap if basemap in BASEMAPS else "none",
        measure=measure if measure in MEASURES else "count",
        filters=filters,
        selection=selected(),
    )
    _keep_widgets()
    sync_url(state)
    return state


def _ordered(values: list[str] | None, name: str) -> tuple[str, ...]:
    chosen = set(values or ())
    return tuple(v for v in FILTER_VOCABULARY[name] if v in chosen)


__all__ = [
    "KEY",
    "QP_SELECTION",
    "current_lang",
    "draw_sidebar",
    "read_view_state",
    "select",
    "selected",
    "sync_url",
    "view_state",
]
