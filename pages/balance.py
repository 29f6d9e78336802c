"""均衡 · Balance: how the report's initiatives spread over the 12 counties, for planners.

Thin: the shared sidebar gives the filters; analysis.balance computes the county table, inequality
indices, Lorenz curve and theme gaps; components.views.balance turns them into frames and
charts; data.export writes the downloads. The counting method and the index basis are kept
in the URL (``counting=fractional``, ``basis=per_1000km2``) beside the sidebar's parameters.
"""

from __future__ import annotations

import streamlit as st

from analysis import balance
from analysis.balance_measures import (
    BASES,
    BASIS_COLUMNS,
    COUNTINGS,
    built_route_km,
    no_stated_amount,
    unknown_population,
    with_amount,
)
from components import cache as cached
from components.frame.page_frame import open_page
from components.i18n import t
from components.state.view_state import query_params_of
from components.views import balance as balance_view
from components.views import user_data
from components.views.cards import fit_width, md_escape
from data import export
from data.city_facts import read_city_population
from data.store import open_store

KEY_COUNTING = "balance_counting"
KEY_BASIS = "balance_basis"
KEY_INVESTMENT = "balance_investment"
QP_COUNTING = "counting"
QP_BASIS = "basis"


page = open_page()
version, initiatives, state, county_names = (
    page.version,
    page.initiatives,
    page.state,
    page.county_names,
)
lang = state.lang

# --- the page's own options, seeded once from the URL and written back ----------------------
if KEY_COUNTING not in st.session_state:
    wanted = st.query_params.get(QP_COUNTING)
    st.session_state[KEY_COUNTING] = wanted if wanted in COUNTINGS else COUNTINGS[0]
if KEY_BASIS not in st.session_state:
    wanted = st.query_params.get(QP_BASIS)
    st.session_state[KEY_BASIS] = wanted if wanted in BASES else BASES[0]

st.title(t("balance.title", lang))
st.caption(t("balance.intro", lang))

# --- what the filters keep, and the county table ---------------------------------------------
filtered = page.filtered()
lines = filtered[filtered["geom_kind"] == "line"]
route_km = built_route_km(
    cached.route_km(version), zip(lines["id"], lines["route_kind"], strict=True)
)
table = balance.county_balance(
    filtered,
    balance_view.facts_frame(cached.county_facts()),
    route_km,
    city_population=read_city_population(),
)
totals = balance.item_totals(filtered)

# --- the planner's own amounts (optional: the page works without the store) ----------------
try:
    store = open_store()
    projects, annotations = store.projects_frame(), store.annotations_frame()
except Exception:  # noqa: BLE001 - an unreachable store only disables the weighting
    projects = annotations = None
amounts_exist = projects is not None and user_data.has_amounts(projects, annotations)

controls = st.columns([3, 2, 3], vertical_alignment="bottom")
counting = controls[0].radio(
    t("balance.counting", lang),
    COUNTINGS,
    key=KEY_COUNTING,
    format_func=lambda c: t(f"balance.counting.{c}", lang),
    help=t("balance.counting_help", lang),
)
basis = controls[1].selectbox(
    t("balance.basis", lang),
    BASES,
    key=KEY_BASIS,
    format_func=lambda b: t(f"balance.basis.{b}", lang),
)
weigh = controls[2].toggle(
    t("balance.weigh_investment", lang),
    key=KEY_INVESTMENT,
    disabled=not amounts_exist,
    help=t("balance.weigh_investment_help", lang),
)
if projects is None:
    controls[2].caption(t("balance.investment_unavailable", lang))
elif not amounts_exist:
    controls[2].caption(t("balance.investment_none", lang))
for name, value, default in ((QP_COUNTING, counting, COUNTINGS[0]), (QP_BASIS, basis, BASES[0])):
    if value == default and name in st.query_params:
        del st.query_params[name]
    elif value != default and st.query_params.get(name) != value:
        st.query_params[name] = value

investment = None
if weigh and amounts_exist:
    stated = user_data.filtered_investment(projects, annotations, state.filters, filtered.index)
    investment = {key: amount for key, amount in stated.items() if key != "multi_county"}
    st.caption(
        t(
            "balance.investment_note",
            lang,
            multi=f"{stated.get('multi_county', 0.0):,.2f}",
            city=f"{stated.get(balance.CITYWIDE, 0.0):,.2f}",
        )
    )
measured = with_amount(table, counting, investment)
amount_zh, amount_en = balance_view.amount_labels(counting, investment is not None)
amount_name = amount_en if lang == "en" else amount_zh
names = balance_view.county_names(measured, lang)
if investment is not None and (no_amount := no_stated_amount(measured)):
    # Missing is missing: a county with no stated amount is left out of the indices, not 0.
    st.caption(
        t(
            "balance.investment_missing",
            lang,
            n=len(no_amount),
            names=md_escape(balance_view.join_names(no_amount, names, lang)),
        )
    )
indices = balance.balance_indices(measured, BASIS_COLUMNS[basis])
curve = balance.lorenz_curve(measured, "amount")

# --- headline numbers and the caveats --------------------------------------------------------
metrics = st.columns(4)
metrics[0].metric(t("balance.metric.items", lang), totals.items)
metrics[1].metric(t("balance.metric.in_counties", lang), totals.in_counties)
metrics[2].metric(t("balance.metric.citywide", lang), totals.citywide)
metrics[3].metric(t("balance.metric.mentions", lang), totals.county_mentions)

missing = unknown_population(measured)
caveats = [
    t("balance.caveat.few", lang),
    t("balance.caveat.money", lang),
    t(
        "balance.caveat.population",
        lang,
        names=md_escape(balance_view.join_names(missing, names, lang)),
    )
    if missing
    else t("balance.caveat.population_known", lang),
    t(
        f"balance.caveat.counting.{counting}",
        lang,
        mentions=totals.county_mentions,
        in_counties=totals.in_counties,
    ),
    t("balance.caveat.citywide", lang, n=totals.citywide),
    t("balance.caveat.routes", lang),
]
if state.filters.active:
    caveats.append(t("balance.caveat.filters", lang, n=totals.items))
if state.filters.counties:
    caveats.append(t("balance.caveat.county_filter", lang))
st.warning("\n".join(f"- {line}" for line in caveats), icon=":material/info:")

# --- indices ---------------------------------------------------------------------------------
st.subheader(t("balance.indices", lang))
st.caption(
    t(
        "balance.indices_of",
        lang,
        what=t(f"balance.basis.{basis}", lang),
        amount=amount_name,
    )
)
st.table(balance_view.index_table(indices, names, lang))

chart_left, chart_right = st.columns(2, gap="large")
with chart_left:
    st.markdown(f"**{t('balance.lorenz', lang)}**")
    if curve.points["initiative_share_cum"].isna().all():
        st.info(t("balance.nothing", lang))
    else:
        st.altair_chart(balance_view.lorenz_chart(curve, names, lang, amount_name))
    st.caption(
        t(
            "balance.lorenz_help",
            lang,
            gini=balance_view.format_index(curve.gini_population_weighted),
            left_out=md_escape(balance_view.join_names(curve.left_out, names, lang)),
        )
    )
with chart_right:
    st.markdown(f"**{t('balance.share_chart', lang, amount=amount_name)}**")
    st.altair_chart(balance_view.share_chart(measured, names, lang, amount_name))
    st.caption(
        t(
            "balance.share_help",
            lang,
            left_out=md_escape(balance_view.join_names(missing, names, lang)),
        )
    )

# --- the county table and its downloads ------------------------------------------------------
st.subheader(t("balance.table", lang))
st.caption(
    t("balance.table_measure", lang, amount=amount_name) + " " + t("balance.table_help", lang)
)
shown, formats = balance_view.display_table(
    measured, lang, counting=counting, investment=investment is not None
)
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    column_config={
        t("balance.col.county", lang): st.column_config.TextColumn(
            pinned=True, width=fit_width(shown[t("balance.col.county", lang)])
        ),
        **{header: st.column_config.NumberColumn(format=fmt) for header, fmt in formats.items()},
    },
    key="balance_table",
    placeholder="",
)
dictionary = balance_view.balance_columns(counting, investment is not None)
download = balance_view.export_table(measured, dictionary)
settings = t(
    "balance.export_title",
    lang,
    amount=amount_name,
    basis=t(f"balance.basis.{basis}", lang),
    filters="&".join(f"{k}={v}" for k, v in query_params_of(state).items() if k != "lang")
    or t("balance.none", lang),
)
buttons = st.container(horizontal=True)
buttons.download_button(
    t("balance.download_csv", lang),
    data=lambda: export.to_csv_bytes(download),
    file_name="shaoyang_balance.csv",
    mime="text/csv",
    on_click="ignore",
    key="balance_csv",
    icon=":material/download:",
)
buttons.download_button(
    t("balance.download_xlsx", lang),
    data=lambda: export.to_xlsx_bytes(download, dictionary, sheet_name="balance", title=settings),
    file_name="shaoyang_balance.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
    key="balance_xlsx",
    icon=":material/download:",
)
buttons.download_button(
    t("balance.download_dictionary", lang),
    data=lambda: export.to_csv_bytes(export.dictionary_frame(dictionary, download)),
    file_name="shaoyang_balance_columns.csv",
    mime="text/csv",
    on_click="ignore",
    key="balance_dictionary",
    icon=":material/download:",
)

# --- gaps ------------------------------------------------------------------------------------
st.subheader(t("balance.gaps", lang))
gaps = balance_view.gaps_table(balance.theme_gaps(measured), lang, state.filters.categories)
st.caption(t("balance.gaps_help", lang, n=len(gaps)))
st.dataframe(gaps, hide_index=True, width="stretch", key="balance_gaps")

cached.settle_memory()
