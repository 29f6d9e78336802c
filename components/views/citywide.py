"""The city-wide initiatives beside the map: tied to no county, so drawn nowhere, listed here.

Grouped by category with counts; a category's list is built only when its expander is opened
(every button costs the rerun and the page). Picking a name opens the initiative's card.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import streamlit as st

from components.i18n import name_of, t
from components.map import symbols
from components.views.cards import md_escape


def citywide_groups(items: gpd.GeoDataFrame, lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(category, [(id, name), …]), …] in the map's category order, names sorted as shown."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for row in items[["id", "name_zh", "name_en", "category"]].to_dict("records"):
        groups.setdefault(row["category"], []).append((row["id"], name_of(row, lang)))
    order = [c for c in symbols.CATEGORY_STYLE if c in groups]
    order += sorted(set(groups) - set(order))
    return [(c, groups[c]) for c in order]


def show_citywide_panel(
    items: gpd.GeoDataFrame, *, lang: str, on_pick: Callable[[str], None]
) -> None:
    """The city-wide list: a heading with the total, then one expander per category."""
    with st.container(key="sy-citywide"):
        st.markdown(f"**{t('citywide.title', lang, n=len(items))}**")
        if items.empty:
            st.caption(t("citywide.none", lang))
            return
        st.caption(t("citywide.help", lang))
        for category, members in citywide_groups(items, lang):
            label = t(
                "citywide.category", lang, category=t(f"category.{category}", lang), n=len(members)
            )
            expander = st.expander(
                md_escape(label), key=f"sy_citywide_{category}", on_change="rerun"
            )
            if not expander.open:
                continue
            with expander:
                for item_id, name in members:
                    st.button(
                        md_escape(name),
                        key=f"sy_citywide_pick_{item_id}",
                        on_click=on_pick,
                        args=(item_id,),
                        type="tertiary",
                    )
