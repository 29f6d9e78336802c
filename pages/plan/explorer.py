"""项目表 · Explorer: every initiative in a searchable, sortable table, with its card and exports.

Thin: the shared sidebar gives search and filters; components.views.explorer builds the rows;
picking a row opens the initiative card (components.views.cards, as on the map) or, for the
planner's own project, a plain-text table of its fields (never HTML). The row picked is the
shared selection (``initiative=`` in the URL); ``source=mine`` adds the planner's data.
"""

from __future__ import annotations

import streamlit as st

from components import cache as cached
from components.frame import sidebar
from components.frame.page_frame import open_page
from components.i18n import name_of, t
from components.map.model import anchors_by_cluster
from components.state.session import select
from components.state.view_state import Selection
from components.views import cards, gis_downloads, user_data
from components.views import explorer as explorer_view
from data import export
from data.report import load_report
from data.store import open_store

KEY_SOURCE = "explorer_source"
KEY_PROJECT = "explorer_project"  # the planner's project whose fields are shown
KEY_PICKED = "explorer_picked"  # (table key, rows) as last seen: a change is a new pick
QP_SOURCE = "source"
SOURCES = ("report", "mine")


page = open_page()
version, initiatives, state, county_names = (
    page.version,
    page.initiatives,
    page.state,
    page.county_names,
)
lang = state.lang
names = page.names

st.title(t("explorer.title", lang))
st.caption(t("explorer.intro", lang))

if KEY_SOURCE not in st.session_state:
    st.session_state[KEY_SOURCE] = "mine" if st.query_params.get(QP_SOURCE) == "mine" else "report"
source = st.segmented_control(
    t("explorer.source", lang),
    SOURCES,
    key=KEY_SOURCE,
    format_func=lambda s: t(f"explorer.source_option.{s}", lang),
    required=True,
)
mine = source == "mine"
if mine and st.query_params.get(QP_SOURCE) != "mine":
    st.query_params[QP_SOURCE] = "mine"
elif not mine and QP_SOURCE in st.query_params:
    del st.query_params[QP_SOURCE]

# --- the rows --------------------------------------------------------------------------------
filtered = page.filtered()
route_km = cached.route_km(version)
rows = explorer_view.report_rows(filtered, route_km, names, lang)
n_report, n_mine = len(rows), 0
projects = None
if mine:
    try:
        store = open_store()
        all_projects, annotations = store.projects_frame(), store.annotations_frame()
    except Exception:  # noqa: BLE001 - without the store the page still lists the report
        st.warning(t("explorer.mine_unavailable", lang))
        mine = False
    else:
        kept = user_data.filtered_projects(
            all_projects, state.filters, synonyms=cached.search_synonyms()
        )
        projects = explorer_view.project_rows(kept, names, lang)
        n_mine = len(projects)
        rows = explorer_view.combined_rows(rows, projects, annotations)
        if all_projects.empty:
            st.caption(t("explorer.mine_none", lang))
        elif user_data.report_only_filter_active(state.filters):
            st.caption(t("explorer.mine_filtered", lang))

st.caption(t("explorer.shown", lang, n=len(rows), report=n_report, mine=n_mine))

# --- the table and the picked row ------------------------------------------------------------
table = explorer_view.display_table(rows, lang, mine=mine)
keys = list(table[explorer_view.KEY_COLUMN])
table_key = explorer_view.table_key("explorer_table", keys, lang, "mine" if mine else "report")
selection = state.selection
wanted_key = None
if selection is not None and selection.kind == "initiative":
    wanted_key = f"{explorer_view.SOURCE_REPORT}:{selection.id}"
elif st.session_state.get(KEY_PROJECT):
    wanted_key = f"{explorer_view.SOURCE_MINE}:{st.session_state[KEY_PROJECT]}"
default = {"selection": {"rows": [keys.index(wanted_key)]}} if wanted_key in keys else None

table_column, detail_column = st.columns([3, 2], gap="medium")
with table_column:
    event = st.dataframe(
        table,
        key=table_key,
        hide_index=True,
        width="stretch",
        height=min(40 + 35 * max(len(table), 1), 560),
        on_select="rerun",
        selection_mode="single-row",
        selection_default=default,
        column_config=explorer_view.column_config(lang, names.values()),
        placeholder="",
    )
    st.caption(t("explorer.table_help", lang))

picked_rows = list(event.selection.rows)
last_key, last_rows = st.session_state.get(KEY_PICKED) or (None, None)
st.session_state[KEY_PICKED] = (table_key, picked_rows)
if last_key == table_key and last_rows != picked_rows:
    # The user picked (or cleared) a row in this table since the last run.
    picked = keys[picked_rows[0]] if picked_rows else None
    kind, _, item_id = (picked or "").partition(":")
    if kind == explorer_view.SOURCE_REPORT:
        st.session_state[KEY_PROJECT] = None
        selection = Selection("initiative", item_id)
    elif kind == explorer_view.SOURCE_MINE:
        st.session_state[KEY_PROJECT] = item_id
        selection = None
    else:
        st.session_state[KEY_PROJECT] = None
        selection = None
    select(selection)
    state = state.with_selection(selection)
    sidebar.sync_url(state)

with detail_column:
    st.markdown(f"**{t('explorer.detail', lang)}**")
    project_id = st.session_state.get(KEY_PROJECT)
    if selection is not None and selection.kind == "initiative":
        if selection.id not in initiatives.index:
            st.warning(t("panel.not_found", lang, id=selection.id))
        else:
            if selection.id not in filtered.index:
                st.caption(t("explorer.filtered_out", lang))
            row = initiatives.loc[selection.id].to_dict()
            cluster_name = None
            if row.get("cluster") and row["cluster"] in initiatives.index:
                cluster_name = name_of(initiatives.loc[row["cluster"]].to_dict(), lang)
            report = load_report()
            card = cards.initiative_card_html(
                row,
                lang=lang,
                report=report,
                county_names=names,
                route_km=route_km.get(row["id"]),
                cluster_name=cluster_name,
                anchors=anchors_by_cluster(initiatives).get(row["id"], []),
                sources=cached.source_publishers(),
            )
            cards.show_initiative_card(card, report, row, lang)
    elif mine and project_id and projects is not None and project_id in set(projects["id"]):
        st.caption(t("explorer.project_caption", lang))
        project = projects[projects["id"] == project_id].iloc[0].to_dict()
        st.dataframe(
            explorer_view.project_details(project, lang),
            hide_index=True,
            width="stretch",
            key="explorer_project_fields",
        )
    elif selection is not None and selection.kind == "county":
        facts = cached.county_facts().get(selection.id)
        if facts:
            st.html(cards.county_facts_html(facts, lang))
        st.caption(t("explorer.county_hint", lang))
    else:
        st.info(t("explorer.detail_hint", lang))

# --- exports ---------------------------------------------------------------------------------
st.subheader(t("explorer.export", lang))
st.caption(t("explorer.export_help", lang, n=len(rows)))
dictionary = explorer_view.explorer_columns(mine)
download = explorer_view.export_frame(rows, mine)
stem = "shaoyang_initiatives_mine" if mine else "shaoyang_initiatives"
buttons = st.container(horizontal=True)
buttons.download_button(
    t("explorer.download_csv", lang),
    data=lambda: export.to_csv_bytes(download),
    file_name=f"{stem}.csv",
    mime="text/csv",
    on_click="ignore",
    key="explorer_csv",
    icon=":material/download:",
)
buttons.download_button(
    t("explorer.download_xlsx", lang),
    data=lambda: export.to_xlsx_bytes(
        download, dictionary, sheet_name="initiatives", title=t("explorer.title", lang)
    ),
    file_name=f"{stem}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
    key="explorer_xlsx",
    icon=":material/download:",
)
buttons.download_button(
    t("explorer.download_geojson", lang),
    data=lambda: export.to_geojson_bytes(
        rows[[*explorer_view.export_column_names(mine), "geometry"]]
    ),
    file_name=f"{stem}.geojson",
    mime="application/geo+json",
    on_click="ignore",
    key="explorer_geojson",
    icon=":material/download:",
)
buttons.download_button(
    t("explorer.download_dictionary", lang),
    data=lambda: export.to_csv_bytes(export.dictionary_frame(dictionary, download)),
    file_name=f"{stem}_columns.csv",
    mime="text/csv",
    on_click="ignore",
    key="explorer_dictionary",
    icon=":material/download:",
)

gis_downloads.offer_gis_files(
    lambda: explorer_view.gis_layers(rows, cached.counties(display=False), mine),
    lang=lang,
    stem=stem,
    key="explorer_gis",
    help_text=t("explorer.gis_help", lang),
)

cached.settle_memory()
