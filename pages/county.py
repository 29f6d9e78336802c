"""县区 County — one county's profile: map, facts with sources, initiatives, clusters, routes.

`?county=430582` opens that county; the picker changes it (and the URL).
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from components import cache as cached
from components.frame import sidebar
from components.frame.page_frame import open_page
from components.i18n import name_of, t
from components.map import builder as map_builder
from components.map import legend
from components.map import model as map_model
from components.state.navigation import show_in_report_button
from components.state.session import select
from components.state.view_state import Filters, Selection
from components.views import cards, user_data
from components.views.map import map_view
from data.report import load_report
from data.store import open_store

page = open_page()
version, initiatives, state, lang, names = (
    page.version,
    page.initiatives,
    page.state,
    page.lang,
    page.names,
)
adcodes = tuple(names)

selection = state.selection
adcode = (
    selection.id
    if selection and selection.kind == "county" and selection.id in names
    else adcodes[0]
)


def _pick_county() -> None:
    select(Selection("county", st.session_state["sy_county_pick"]))


st.selectbox(
    t("county.pick", lang),
    adcodes,
    index=adcodes.index(adcode),
    format_func=names.get,
    key="sy_county_pick",
    on_change=_pick_county,
)
if selection is None or selection.kind != "county":
    select(Selection("county", adcode))
    state = state.with_selection(Selection("county", adcode))
    sidebar.sync_url(state)

view = map_view(state, version, initiatives)
report = load_report()
route_km = cached.route_km(version)
# The whole county is listed; the search and filters mark their items and put them first.
panel = map_model.county_panel_data(adcode, view.filtered, initiatives, route_km)
touching = panel.items
marked = cards.marks_matches(touching, panel.matching)

map_column, facts_column = st.columns([3, 2], gap="medium")
with map_column:
    fmap = map_builder.build_map(view.content, basemap=state.basemap, lang=lang, height=480)
    st_folium(
        fmap,
        key=f"sy_county_map_{adcode}",
        returned_objects=[],
        use_container_width=True,
        height=480,
    )
    legend.show_legend(view.legend_html)
with facts_column:
    facts = cached.county_facts().get(adcode, {"adcode": adcode})
    st.html(cards.county_facts_html(facts, lang))

st.markdown(f"**{t('county.initiatives', lang, n=len(touching))}**")
if touching.empty:
    st.caption(t("county.initiatives_none_at_all", lang))
elif marked:
    st.caption(t("county.initiatives_matching", lang, hit=len(panel.matching)))
for category, group in touching.groupby("category", sort=True):
    hits = sum(item_id in panel.matching for item_id in group.index)
    label = f"{t(f'category.{category}', lang)} · {len(group)}" + (f" · ✓ {hits}" if marked else "")
    with st.expander(label):
        for item_id, row in group.iterrows():
            mark = "✓ " if marked and item_id in panel.matching else ""
            st.markdown(f"**{mark}{cards.md_escape(name_of(row.to_dict(), lang))}**")
            st.html(
                cards.CARD_CSS
                + '<div class="sy-card"><blockquote>'
                + cards.highlighted_html(report, int(row["source_start"]), int(row["source_end"]))
                + "</blockquote></div>"
            )
            show_in_report_button(item_id, lang, key=f"sy_county_reader_{item_id}")

try:
    mine = user_data.filtered_projects(
        open_store().projects_frame(), Filters(counties=(adcode,)), apply_search=False
    )
except Exception:  # noqa: BLE001 — the store is optional here: the profile shows without it
    mine = None
if mine is not None and len(mine):
    st.markdown(f"**{t('county.mine', lang, n=len(mine))}**")
    mine_table = user_data.projects_table(mine, names, lang)
    st.dataframe(
        mine_table,
        hide_index=True,
        width="stretch",
        column_config=cards.text_column_widths(mine_table),
        placeholder="—",
    )

clusters_column, routes_column = st.columns(2, gap="medium")
with clusters_column:
    st.markdown(f"**{t('county.clusters', lang)}**")
    st.html(cards.clusters_html(panel.clusters, panel.anchors, lang))
with routes_column:
    st.markdown(f"**{t('county.routes', lang)}**")
    st.html(cards.routes_html(panel.routes, lang))
