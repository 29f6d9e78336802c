"""故事 Story — a guided, bilingual sequence of map views for presenters, with exports.

`?step=3` opens a step (1-based); `?step=5&county=430581` the county spotlight on 武冈. The
spotlight shows the chosen county itself, its initiatives listed beside the map.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from components import cache as cached
from components.exports import story_export, story_map
from components.frame import sidebar
from components.i18n import t
from components.map import legend
from components.map import model as map_model
from components.views import story
from components.views.map import map_view
from components.views.story import DEFAULT_SPOTLIGHT, STEPS, share_query, step_index, view_for
from data.build_targets import TARGETS_PATH
from data.report import load_report

STEP_KEY = "sy_story_step"
COUNTY_KEY = "sy_story_county"

version, initiatives = cached.current_initiatives()
county_names = cached.county_names()
lang = sidebar.language_switch()
names = {adcode: pair[lang] for adcode, pair in county_names.items()}

if STEP_KEY not in st.session_state:
    st.session_state[STEP_KEY] = step_index(st.query_params.get("step"))
    wanted = st.query_params.get("county")
    st.session_state[COUNTY_KEY] = wanted if wanted in names else DEFAULT_SPOTLIGHT


def _move(delta: int) -> None:
    st.session_state[STEP_KEY] = min(max(st.session_state[STEP_KEY] + delta, 0), len(STEPS) - 1)


index = st.session_state[STEP_KEY]
step = STEPS[index]
county = st.session_state[COUNTY_KEY]
for name, value in share_query(index, lang=lang, county=county).items():
    st.query_params[name] = value
if not step.spotlight and "county" in st.query_params:
    del st.query_params["county"]

state = view_for(step, lang=lang, county=county)
view = map_view(state, version, initiatives)
targets = pd.read_csv(TARGETS_PATH, dtype=str)
export = story_export.StepExport(
    index=index,
    lang=lang,
    county=county,
    county_names=county_names,
    view=view,
    targets=story.targets_table(targets[targets["section"] == "targets"], lang),
    placed=map_model.placed_symbols(
        view.filtered, cached.county_placement(version, lang), names, lang
    ),
)
spotlight = export.spotlight
mapped = story_map.drawn_count(view.filtered)
projects = export.projects

step_title = t(f"story.{step.key}.title", lang)
heading = f"{step_title} · {export.title}" if spotlight else step_title
st.markdown(f"#### {t('story.title', lang)} · {index + 1}/{len(STEPS)} {heading}")
previous, progress, following = st.columns([1, 6, 1])
previous.button(
    t("story.previous", lang),
    on_click=_move,
    args=(-1,),
    disabled=index == 0,
    key="sy_story_prev",
    icon=":material/arrow_back:",
)
following.button(
    t("story.next", lang),
    on_click=_move,
    args=(1,),
    disabled=index == len(STEPS) - 1,
    key="sy_story_next",
    icon=":material/arrow_forward:",
)
progress.progress((index + 1) / len(STEPS))

map_column, card_column = st.columns([5, 2], gap="medium")
with card_column:
    if step.spotlight:
        st.selectbox(
            t("story.spotlight.pick", lang), tuple(names), key=COUNTY_KEY, format_func=names.get
        )
    st.markdown(
        t(f"story.{step.key}.card", lang, n=len(view.filtered), mapped=mapped, county=names[county])
    )
    if projects:
        st.markdown(f"**{t('story.spotlight.projects', lang, n=len(projects))}**")
        st.caption(t("story.spotlight.listed", lang, mapped=mapped, listed=len(projects) - mapped))
        st.html(story_map.project_list_html(projects, lang))
    if step.key == "overview":
        # st.table wraps long indicators instead of cutting the value column off
        st.table(
            pd.DataFrame(export.targets, columns=[t("story.target", lang), t("story.value", lang)]),
            hide_index=True,
            border="horizontal",
        )
    st.caption(t("story.share", lang))
    # st.code has a copy button; the link is the browser's own address of this page
    st.code(
        story.share_url(st.context.url, index, lang=lang, county=county),
        language=None,
        wrap_lines=True,
    )

with map_column:
    st_folium(
        story_map.story_map(export.content, lang=lang, spotlight=spotlight, height=620),
        key=f"sy_story_map_{index}_{county}_{lang}",
        returned_objects=[],
        use_container_width=True,
        height=620,
    )
    legend.show_legend(export.legend_html())

st.divider()
st.markdown(f"**{t('story.export', lang)}**")
today = dt.date.today()
html_column, png_column, pdf_column = st.columns(3)
html_column.download_button(
    t("story.export.html", lang),
    data=lambda: story_export.html_text(export, load_report(), made_on=today).encode("utf-8"),
    file_name=f"{export.stem}.html",
    mime="text/html",
    key="sy_story_html",
    on_click="ignore",
)
for column, fmt, mime in ((png_column, "png", "image/png"), (pdf_column, "pdf", "application/pdf")):
    column.download_button(
        t(f"story.export.{fmt}", lang),
        data=lambda fmt=fmt: story_export.print_bytes(
            export, cached.counties(display=True), fmt, made_on=today
        ),
        file_name=f"{export.stem}.{fmt}",
        mime=mime,
        key=f"sy_story_{fmt}",
        on_click="ignore",
    )
