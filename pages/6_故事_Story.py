"""故事 Story — a guided, bilingual sequence of map views for presenters, with exports.

`?step=3` opens a step (1-based); `?step=5&county=430581` the county spotlight on 武冈.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from components import legend, map_builder, map_model, sidebar
from components.i18n import t
from components.map_view import map_view
from components.print_map import render_print_map
from components.standalone_html import standalone_html
from components.story import DEFAULT_SPOTLIGHT, STEPS, share_query, step_index, view_for
from data import cached
from data.build_targets import TARGETS_PATH

st.set_page_config(page_title="故事 Story · 邵阳项目地图", page_icon="🎞️", layout="wide")

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

st.markdown(
    f"#### {t('story.title', lang)} · {index + 1}/{len(STEPS)} {t(f'story.{step.key}.title', lang)}"
)
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
    mapped = len(map_model.points_of(view.filtered)) + len(map_model.lines_of(view.filtered))
    st.markdown(
        t(f"story.{step.key}.card", lang, n=len(view.filtered), mapped=mapped, county=names[county])
    )
    if step.key == "overview":
        targets = pd.read_csv(TARGETS_PATH, dtype=str).head(11)
        label = "indicator_en" if lang == "en" else "indicator_zh"
        table = pd.DataFrame(
            {
                t("story.target", lang): targets[label],
                t("story.value", lang): (
                    targets["value"].fillna("")
                    + targets["unit"].fillna("")
                    + targets["qualifier"].fillna("")
                ).replace("", "—"),
            }
        )
        st.dataframe(table, hide_index=True, width="stretch")
    st.caption(t("story.share", lang))
    st.code(
        "?" + "&".join(f"{k}={v}" for k, v in share_query(index, lang=lang, county=county).items()),
        language=None,
    )

with map_column:
    fmap = map_builder.build_map(view.content, basemap="none", lang=lang, height=620)
    st_folium(
        fmap,
        key=f"sy_story_map_{index}_{county}_{lang}",
        returned_objects=[],
        use_container_width=True,
        height=620,
    )
    legend.show_legend(view.legend_html)

st.divider()
st.markdown(f"**{t('story.export', lang)}**")
stem = f"shaoyang-story-{index + 1}-{step.key}"
title = f"{t('app.title', lang)} · {t(f'story.{step.key}.title', lang)}"
html_column, png_column, pdf_column = st.columns(3)
html_column.download_button(
    t("story.export.html", lang),
    data=lambda: standalone_html(
        map_builder.build_map(view.content, basemap="none", lang=lang, height=900)
    ).encode("utf-8"),
    file_name=f"{stem}.html",
    mime="text/html",
    key="sy_story_html",
    on_click="ignore",
)


def _print(fmt: str) -> bytes:
    counties = cached.counties(display=True)
    return render_print_map(
        counties,
        view.content.choropleth.values,
        title=title,
        legend_title=view.content.choropleth.title,
        bins=view.content.choropleth.classes.upper or None,  # the print matches the screen
        lang=lang,
        routes_gdf=view.content.routes if len(view.content.routes) else None,
        points_gdf=view.content.points if len(view.content.points) else None,
        fmt=fmt,
        made_on=dt.date.today(),
    )


png_column.download_button(
    t("story.export.png", lang),
    data=lambda: _print("png"),
    file_name=f"{stem}.png",
    mime="image/png",
    key="sy_story_png",
    on_click="ignore",
)
pdf_column.download_button(
    t("story.export.pdf", lang),
    data=lambda: _print("pdf"),
    file_name=f"{stem}.pdf",
    mime="application/pdf",
    key="sy_story_pdf",
    on_click="ignore",
)
