"""报告 Report — the report text, every initiative highlighted; a click opens it on the map.

`?initiative=ID` opens the reader scrolled to that initiative's sentence, highlighted. The
sidebar filters decide which initiatives are highlighted.
"""

from __future__ import annotations

import streamlit as st

from components.frame.page_frame import open_page
from components.i18n import name_of, t
from components.state.navigation import show_on_map_button
from components.state.session import select
from components.state.view_state import Selection
from components.views import cards
from components.views.report import (
    SpanRecord,
    reader_caption,
    render_report_html,
    spans_covering,
)
from data.report import load_report

page = open_page()
initiatives, state, lang = page.initiatives, page.state, page.lang
report = load_report()
shown = page.filtered()
spans = [
    SpanRecord(item_id, name_of(row, lang), int(row["source_start"]), int(row["source_end"]))
    for item_id, row in shown[["name_zh", "name_en", "source_start", "source_end"]].iterrows()
]
selected = state.selection.id if state.selection and state.selection.kind == "initiative" else None

st.markdown(f"#### {t('reader.title', lang)}")
st.caption(reader_caption(shown, len(initiatives), lang))
st.caption(t("summary.coverage", lang))

text_column, card_column = st.columns([5, 2], gap="medium")
with text_column:
    labels = {
        key: t(f"section.{key}", lang)
        for key in ("targets", "一", "二", "三", "四", "五", "六", "七", "八")
    }
    st.iframe(
        render_report_html(report, spans, selected=selected, lang=lang, section_label=labels),
        height=760,
    )

with card_column:
    if selected is None or selected not in initiatives.index:
        st.info(t("reader.pick", lang))
    else:
        row = initiatives.loc[selected]
        sentence = report.sentence_at(int(row["source_start"]))
        others = [
            s for s in spans_covering(spans, sentence.start, sentence.end) if s.id != selected
        ]
        st.markdown(f"**{cards.md_escape(name_of(row.to_dict(), lang))}**")
        st.html(
            cards.CARD_CSS
            + f'<div class="sy-card"><blockquote>{cards.highlighted_html(report, int(row["source_start"]), int(row["source_end"]))}</blockquote></div>'
        )
        show_on_map_button(selected, lang, key="sy_reader_on_map")
        if others:
            st.markdown(f"**{t('reader.same_sentence', lang, n=len(others))}**")
            for span in others:
                st.button(
                    cards.md_escape(span.name),
                    key=f"sy_reader_{span.id}",
                    on_click=select,
                    args=(Selection("initiative", span.id),),
                    type="tertiary",
                )
