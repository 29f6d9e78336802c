"""邵阳项目地图 · Shaoyang Projects Map — the home page (the map) and the frame every page shares.

Run: ``streamlit run app.py``. The sidebar (language, search, filters) comes from
components.sidebar so other pages can reuse it; data comes through data.cached; the map is
built by components.map_builder and shown with streamlit-folium.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from components import cards, legend, map_builder, map_model, sidebar, symbols, user_data
from components.citywide_view import show_citywide_panel
from components.i18n import t
from components.map_events import RETURNED_OBJECTS, parse_map_click
from components.map_view import county_investment
from components.offline_assets import ensure_vendor_files
from components.view_state import Selection, filter_mask
from data import cached
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

st.set_page_config(
    page_title="邵阳项目地图 · Shaoyang Projects Map",
    page_icon="🗺️",
    layout="wide",
)
ensure_vendor_files()


def _on_map_click() -> None:
    """A county or initiative was clicked: open its panel (streamlit-folium stored the payload)."""
    click = parse_map_click(st.session_state.get(MAP_KEY))
    if click is not None:
        sidebar.select(Selection(click.kind, click.id))


try:
    version, initiatives = cached.current_initiatives()
except cached.DatasetError as error:
    st.error(str(error))
    st.stop()
counties = cached.counties(display=True)
adcodes = tuple(counties["adcode"])
county_names = cached.county_names()


def _search(query: str):
    return cached.search_index(version).search(query)


# The map is drawn before the sidebar's widgets (which keep their values in session state), so
# the browser starts loading the map while it loads the widgets' code.
state = sidebar.read_view_state()
lang = state.lang
names = {adcode: pair[lang] for adcode, pair in county_names.items()}

st.html(PAGE_CSS)
st.markdown(f"#### {t('app.title', lang)}")
st.caption(t("app.subtitle", lang))

sidebar.phone_search(_search, lang)

# --- what the filters keep -------------------------------------------------------------------
matched = None
if state.filters.query:
    matched = [hit.id for hit in _search(state.filters.query) if hit.kind == "initiative"]
filtered = initiatives[filter_mask(initiatives, state.filters, matched)]
points = map_model.points_of(filtered)
routes = map_model.lines_of(filtered)
unmapped = map_model.unmapped_of(filtered)
placed = map_model.placed_symbols(filtered, cached.county_placement(version, lang), names, lang)
route_km = cached.route_km(version)
population, area_km2 = cached.county_denominators()
choropleth = map_model.choropleth(
    state.measure,
    filtered,
    adcodes=adcodes,
    route_km=route_km,
    population=population,
    area_km2=area_km2,
    categories=state.filters.categories,
    lang=lang,
    investment=county_investment(state.filters, filtered["id"])
    if state.measure == "investment"
    else None,
)
clusters = map_model.clusters_by_county(filtered, lang)
target = map_model.selection_target(state.selection, initiatives, adcodes)
if state.selection is not None and not target.found:
    st.warning(t("panel.not_found", lang, id=state.selection.id))
    sidebar.select(None)
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

# --- the map ---------------------------------------------------------------------------------
clustered = len(map_model.points_of(initiatives)) > map_builder.CLUSTER_MIN_POINTS
content = map_builder.MapContent(
    counties=counties,
    choropleth=choropleth,
    points=points,
    routes=routes,
    clusters=clusters,
    selection=state.selection,
    selected_counties=target.counties,
    selected_geometry=target.geometry,
    stamp=map_model.overlay_stamp(state, version) + ("+mine" if my_projects is not None else ""),
    points_data=cached.points_layer_data(version, state.filters, lang, state.basemap),
    placed=placed,
)
# A shared link's view (?view=lat,lng,zoom) applies to the session's first map only, so the
# base map, and with it the user's pan and zoom, stays put afterwards.
if "sy_open_view" not in st.session_state:
    st.session_state["sy_open_view"] = map_builder.MapView.parse(st.query_params.get("view"))
base = map_builder.base_map(
    counties,
    basemap=state.basemap,
    lang=lang,
    view=st.session_state["sy_open_view"],
    regions=cached.region_layout(version, state.basemap, lang),
)
layers = map_builder.overlays(content, basemap=state.basemap, lang=lang, clustered=clustered)
my_located = 0
if my_projects is not None:
    my_layer = map_builder.my_projects_layer(my_projects, state.basemap, lang)
    layers.insert(-1, my_layer)  # under the selection ring, above the report's points
    my_located = int(my_projects.geometry.notna().sum())

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
    legend.show_legend(
        legend.legend_html(
            choropleth,
            lang=lang,
            categories=set(points["category"]),
            route_kinds=set(routes["route_kind"].dropna()),
            route_dashes={
                symbols.route_dash(p, s)
                for p, s in zip(routes["precision"], routes["route_status"], strict=True)
            },
            clusters=bool(clusters),
            selected_county=bool(target.counties),
            clustered_points=clustered,
            measure_note=t(f"measure.note.{state.measure}", lang),
            mine=my_located > 0,
            placed=bool(placed),
        )
    )
    st.caption(t("summary.coverage", lang))

# --- the side panel --------------------------------------------------------------------------
report = load_report()


def _pick_initiative(item_id: str) -> None:
    sidebar.select(Selection("initiative", item_id))


with panel_column:
    selection = state.selection
    if selection is None:
        st.info(t("panel.hint", lang))
        show_citywide_panel(map_model.citywide_items(filtered), lang=lang, on_pick=_pick_initiative)
    else:
        st.button(
            t("panel.close", lang),
            icon=":material/close:",
            on_click=sidebar.select,
            args=(None,),
            key="sy_close",
        )
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
                measure=choropleth.label,
                value=choropleth.value_text(choropleth.values.get(adcode), lang),
            ),
            lang=lang,
            on_pick=_pick_initiative,
        )
    elif selection is not None and selection.kind == "initiative":
        cards.show_initiative_panel(
            map_model.initiative_panel_data(selection.id, initiatives, lang),
            lang=lang,
            report=report,
            county_names=names,
            route_km=route_km.get(selection.id),
            on_county=lambda adcode: sidebar.select(Selection("county", adcode)),
        )

# --- what the map cannot draw ----------------------------------------------------------------
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
if sidebar.draw_sidebar(county_names, search=_search) != state:
    st.rerun()  # a widget corrected its value (e.g. an option that no longer exists)
sidebar.close_sidebar_after_pick()
cached.settle_memory()
