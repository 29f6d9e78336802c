"""地图 Map — the home page: the initiatives on the county map, with a panel for a pick.

A click on a county or an initiative opens its panel beside the map; the sidebar's filters and
search decide what is drawn. ``?view=lat,lng,zoom`` reopens a shared view.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from components import cache as cached
from components.frame import sidebar
from components.frame.page_frame import open_page
from components.i18n import t
from components.map import builder as map_builder
from components.map import legend
from components.map import model as map_model
from components.map.events import RETURNED_OBJECTS, parse_map_click
from components.state.session import select
from components.state.view_state import Selection
from components.views import cards, user_data
from components.views.citywide import show_citywide_panel
from components.views.map import map_view
from data.report import load_report
from data.store import open_store, projects_geoframe

MAP_KEY = "sy_map"
# Phones (Streamlit stacks columns below 640 px): an open card (it has the close button) goes
# above the map.
PAGE_CSS = """<style>
@media (max-width: 640px) {
  .st-key-sy-map-row:has(.st-key-sy_close) [data-testid="stHorizontalBlock"] {
    flex-direction: column-reverse; }
}
</style>"""
# "Report only / report + my data", as on the Explorer (``source=mine`` in the URL).
KEY_SOURCE = "map_source"
QP_SOURCE = "source"
SOURCES = ("report", "mine")


def _on_map_click() -> None:
    """A county or initiative was clicked: open its panel (streamlit-folium stored the payload)."""
    click = parse_map_click(st.session_state.get(MAP_KEY))
    if click is not None:
        select(Selection(click.kind, click.id))


def _pick_initiative(item_id: str) -> None:
    select(Selection("initiative", item_id))


# The map is drawn before the sidebar's widgets (which keep their values in session state), so
# the browser starts loading the map while it loads the widgets' code.
page = open_page(sidebar_last=True)
version, initiatives, state, lang, names = (
    page.version,
    page.initiatives,
    page.state,
    page.lang,
    page.names,
)

st.html(PAGE_CSS)
st.markdown(f"#### {t('app.title', lang)}")
st.caption(t("app.subtitle", lang))
sidebar.phone_search(page.search, lang)

if (
    state.selection is not None
    and not map_model.selection_target(state.selection, initiatives, tuple(names)).found
):
    st.warning(t("panel.not_found", lang, id=state.selection.id))
    select(None)
    state = state.with_selection(None)
    sidebar.sync_url(state)

# --- the planner's own projects (only read when asked for) ------------------------------------
if KEY_SOURCE not in st.session_state:
    st.session_state[KEY_SOURCE] = "mine" if st.query_params.get(QP_SOURCE) == "mine" else "report"
mine = st.session_state[KEY_SOURCE] == "mine"
my_projects = None  # GeoDataFrame of the user projects that pass the filters, when ``mine``
if mine:
    try:
        all_projects = open_store().projects_frame()
    except Exception:  # noqa: BLE001 - without the store the map still shows the report
        st.warning(t("explorer.mine_unavailable", lang))
    else:
        my_projects = projects_geoframe(user_data.filtered_projects(all_projects, state.filters))
my_located = 0 if my_projects is None else int(my_projects.geometry.notna().sum())

# --- the map ---------------------------------------------------------------------------------
view = map_view(state, version, initiatives, home=True, mine=my_located)
filtered = view.filtered
# A shared link's view (?view=lat,lng,zoom) applies to the session's first map only, so the
# base map, and with it the user's pan and zoom, stays put afterwards.
if "sy_open_view" not in st.session_state:
    st.session_state["sy_open_view"] = map_builder.MapView.parse(st.query_params.get("view"))
base = map_builder.base_map(
    view.content.counties,
    basemap=state.basemap,
    lang=lang,
    view=st.session_state["sy_open_view"],
    regions=cached.region_layout(version, state.basemap, lang),
)
layers = map_builder.overlays(
    view.content, basemap=state.basemap, lang=lang, clustered=view.clustered
)
if my_projects is not None:
    # Under the selection ring, above the report's points.
    layers.insert(-1, map_builder.my_projects_layer(my_projects, state.basemap, lang))

# On a phone the columns stack; with a selection open, its card goes above the map (PAGE_CSS),
# where the tap that opened it was. The row's key never changes: a new key would remount the
# map and lose the user's view.
row = st.container(key="sy-map-row")
map_column, panel_column = row.columns([5, 3], gap="medium")
with map_column:
    # Its value was read above, from session state (set before this run when it changed).
    st.segmented_control(
        t("explorer.source", lang),
        SOURCES,
        key=KEY_SOURCE,
        format_func=lambda s: t(f"explorer.source_option.{s}", lang),
        required=True,
    )
    if mine and st.query_params.get(QP_SOURCE) != "mine":
        st.query_params[QP_SOURCE] = "mine"
    elif not mine and QP_SOURCE in st.query_params:
        del st.query_params[QP_SOURCE]
    st.caption(
        t("summary.precision", lang, n=len(filtered), **map_model.precision_counts(filtered))
    )
    if my_projects is not None:
        st.caption(t("mine.shown", lang, n=len(my_projects), mapped=my_located))
    if state.basemap == "gaode":
        st.caption(t("datum.gaode", lang))
    elif state.basemap != "none":
        st.caption(t("datum.online", lang))
    st_folium(
        base,
        key=MAP_KEY,
        feature_group_to_add=layers,
        layer_control=map_builder.layer_control(),
        returned_objects=list(RETURNED_OBJECTS),
        use_container_width=True,
        height=map_builder.MAP_HEIGHT_PX,
        on_change=_on_map_click,
    )
    legend.show_legend(view.legend_html)
    st.caption(t("summary.coverage", lang))

# --- the side panel --------------------------------------------------------------------------
with panel_column:
    selection = state.selection
    if selection is None:
        st.info(t("panel.hint", lang))
        show_citywide_panel(map_model.citywide_items(filtered), lang=lang, on_pick=_pick_initiative)
    else:
        st.button(
            t("panel.close", lang),
            icon=":material/close:",
            on_click=select,
            args=(None,),
            key="sy_close",
        )
    route_km = cached.route_km(version)
    if selection is not None and selection.kind == "county":
        adcode = selection.id
        cards.show_county_panel(
            map_model.county_panel_data(adcode, filtered, initiatives, route_km),
            cached.county_facts().get(
                adcode, {"adcode": adcode, "name_zh": names.get(adcode, adcode)}
            ),
            measure_text=t(
                "county.measure",
                lang,
                measure=view.choropleth.label,
                value=view.choropleth.value_text(view.choropleth.values.get(adcode), lang),
            ),
            lang=lang,
            on_pick=_pick_initiative,
        )
    elif selection is not None and selection.kind == "initiative":
        cards.show_initiative_panel(
            map_model.initiative_panel_data(selection.id, initiatives, lang),
            lang=lang,
            report=load_report(),
            county_names=names,
            route_km=route_km.get(selection.id),
            on_county=lambda adcode: select(Selection("county", adcode)),
        )

# --- what the map cannot draw ----------------------------------------------------------------
unmapped = map_model.unmapped_of(filtered)
citywide = int((unmapped["precision"] == "citywide").sum())
unmapped_list = st.expander(
    t("list.unmapped", lang, citywide=citywide, county=len(unmapped) - citywide),
    key="sy_unmapped_open",
    on_change="rerun",
)
# Built only when opened: the table's browser code is large and would slow the first map.
if unmapped_list.open:
    with unmapped_list:
        st.caption(t("list.unmapped_help", lang))
        cards.selectable_table(
            map_model.unmapped_table(unmapped, names, lang),
            key=f"sy_unmapped_{lang}",
            on_pick=_pick_initiative,
            height=360,
            lang=lang,
        )

if my_projects is not None:
    off_map = my_projects[my_projects.geometry.isna()]
    with st.expander(t("mine.unmapped", lang, n=len(off_map))):
        # Planner-typed text: shown as table cells only, never as Markdown or HTML.
        st.dataframe(
            user_data.projects_table(off_map, names, lang),
            hide_index=True,
            width="stretch",
            key="sy_mine_unmapped",
        )

# --- the sidebar, last -----------------------------------------------------------------------
page.finish(state)
