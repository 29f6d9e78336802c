"""故事 Story — a guided, bilingual sequence of map views for presenters, with exports.

`?step=3` opens a step (1-based); `?step=5&county=430581` the county spotlight on 武冈. The
spotlight shows the chosen county itself, its initiatives listed beside the map.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from components import legend, sidebar, story, story_map
from components.i18n import t
from components.map_view import map_view
from components.print_map import Panel, PanelRow, render_print_map
from components.standalone_html import ExportPage, standalone_html
from components.story import DEFAULT_SPOTLIGHT, STEPS, share_query, step_index, view_for
from data import cached
from data.build_targets import TARGETS_PATH
from data.report import load_report

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
spotlight = county if step.spotlight else None
county_title = story.spotlight_title(county_names[county], lang)
mapped = story_map.drawn_count(view.filtered)
choropleth = view.content.choropleth
measure = story.measure_title(choropleth.label, choropleth.unit)
step_title = t(f"story.{step.key}.title", lang)

heading = f"{step_title} · {county_title}" if spotlight else step_title
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

targets = story.targets_table(pd.read_csv(TARGETS_PATH, dtype=str).head(11), lang)
projects = story_map.project_rows(view.filtered, spotlight, lang) if spotlight else []


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
        st.table(
            pd.DataFrame(targets, columns=[t("story.target", lang), t("story.value", lang)]),
            hide_index=True,
            border="horizontal",
        )
    st.caption(t("story.share", lang))
    link = story.share_url(st.context.url, index, lang=lang, county=county)
    st.code(link, language=None, wrap_lines=True)

with map_column:
    fmap = story_map.story_map(view.content, lang=lang, spotlight=spotlight, height=620)
    st_folium(
        fmap,
        key=f"sy_story_map_{index}_{county}_{lang}",
        returned_objects=[],
        use_container_width=True,
        height=620,
    )
    if spotlight:
        legend.show_legend(
            story_map.spotlight_legend_html(
                lang,
                [row["category"] for row in projects],
                list(view.content.routes["route_kind"].dropna()),
                bool(view.content.clusters.get(spotlight)),
            )
        )
    else:
        legend.show_legend(view.legend_html)

st.divider()
st.markdown(f"**{t('story.export', lang)}**")
stem = f"shaoyang-story-{index + 1}-{step.key}" + (f"-{spotlight}" if spotlight else "")
title = county_title if spotlight else f"{t('app.title', lang)} · {step_title}"
line = story.subtitle(
    step, lang, n=len(view.filtered), mapped=mapped, measure=measure, county=names[county]
)
today = dt.date.today()


def _html() -> bytes:
    report = load_report()
    cards = story_map.card_payload(
        view.content.counties,
        view.filtered,
        report,
        lang,
        choropleth=None if spotlight else choropleth,
    )
    page = ExportPage(
        lang=lang,
        title=title,
        subtitle=line,
        legend_html=(
            story_map.spotlight_legend_html(
                lang,
                [row["category"] for row in projects],
                list(view.content.routes["route_kind"].dropna()),
                bool(view.content.clusters.get(spotlight)),
            )
            if spotlight
            else view.legend_html
        ),
        source=t("story.export.source", lang),
        made_on=t("story.export.made", lang, date=today.isoformat()),
        close_label=t("story.card.close", lang),
        cards=cards,
    )
    fmap = story_map.story_map(view.content, lang=lang, spotlight=spotlight, height=640)
    return standalone_html(fmap, page).encode("utf-8")


def _panel() -> Panel | None:
    if spotlight:
        return Panel(
            t("story.print.projects", lang, county=names[county], n=len(projects)),
            [PanelRow(row["name"], category=row["category"]) for row in projects],
        )
    if step.key == "overview":
        return Panel(
            t("story.print.targets", lang), [PanelRow(text, value) for text, value in targets]
        )
    return None


def _print(fmt: str) -> bytes:
    return render_print_map(
        cached.counties(display=True),
        {} if spotlight else choropleth.values,
        title=title,
        subtitle=line,
        legend_title=t("story.legend.counties", lang) if spotlight else measure,
        bins=choropleth.classes.upper or None,  # the print matches the screen
        lang=lang,
        routes_gdf=view.content.routes if len(view.content.routes) else None,
        points_gdf=view.content.points if len(view.content.points) else None,
        fmt=fmt,
        made_on=today,
        spotlight=spotlight,
        panel=_panel(),
    )


html_column, png_column, pdf_column = st.columns(3)
html_column.download_button(
    t("story.export.html", lang),
    data=_html,
    file_name=f"{stem}.html",
    mime="text/html",
    key="sy_story_html",
    on_click="ignore",
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
