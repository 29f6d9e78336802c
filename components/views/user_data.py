"""Planners' own projects and figures (data.store) under the shared sidebar filters. Pure.

User projects carry counties, a category and a precision, so those filters apply to them; the
report's sections and commitment classes do not exist for them, so while either of those
filters is active no user project passes. Their text is data typed by people: callers show it
only through st.dataframe / st.text, never as Markdown or HTML.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from components.i18n import name_of, t
from components.state.search import build_index
from components.state.view_state import Filters
from data.store import investment_by_county

MINE_ONLY_FILTERS = ("top_ten", "sections", "commitments")


def split_counties(value: object) -> tuple[str, ...]:
    """'430582,430528' (or a list) as a tuple of adcodes; empty for city-wide."""
    if isinstance(value, list | tuple):
        return tuple(str(code) for code in value if code)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ()
    return tuple(code for code in str(value).split(",") if code)


def report_only_filter_active(filters: Filters) -> bool:
    """Whether a filter that only report initiatives have (section, commitment) is on."""
    return any(getattr(filters, name) for name in MINE_ONLY_FILTERS)


def project_search_ids(
    projects: pd.DataFrame, query: str, synonyms: Iterable[Iterable[str]] = ()
) -> list[str]:
    """project_ids whose name matches ``query`` (Chinese, pinyin, initials or English, or a
    word of the same ``synonyms`` group)."""
    if not query.strip() or projects.empty:
        return []
    index = build_index(
        (
            ("project", str(pid), str(zh or ""), str(en or ""))
            for pid, zh, en in zip(
                projects["project_id"], projects["name_zh"], projects["name_en"], strict=True
            )
        ),
        synonyms,
    )
    return [hit.id for hit in index.search(query)]


def projects_mask(projects: pd.DataFrame, filters: Filters) -> pd.Series:
    """Which user projects pass the sidebar filters (search is applied separately)."""
    mask = pd.Series(True, index=projects.index)
    if report_only_filter_active(filters):
        return ~mask
    if filters.categories:
        mask &= projects["category"].isin(filters.categories)
    if filters.precisions:
        mask &= projects["precision"].isin(filters.precisions)
    if filters.counties:
        chosen = set(filters.counties)
        mask &= projects["counties"].map(lambda v: not chosen.isdisjoint(split_counties(v)))
    return mask


def filtered_projects(
    projects: pd.DataFrame,
    filters: Filters,
    *,
    apply_search: bool = True,
    synonyms: Iterable[Iterable[str]] = (),
) -> pd.DataFrame:
    """The user projects that pass the filters and (if asked) the search query."""
    kept = projects[projects_mask(projects, filters)]
    if apply_search and filters.query:
        hits = project_search_ids(kept, filters.query, synonyms)
        kept = kept[kept["project_id"].isin(set(hits))]
    return kept


def filtered_investment(
    projects: pd.DataFrame,
    annotations: pd.DataFrame,
    filters: Filters,
    initiative_ids: Iterable[str],
) -> dict[str, float]:
    """Stated 亿元 per county (plus "multi_county" and "citywide") under the filters.

    Annotations count when their report initiative passed the filters (``initiative_ids``);
    user projects when they pass :func:`filtered_projects`.
    """
    kept = set(initiative_ids)
    notes = annotations[annotations["initiative_id"].isin(kept)]
    return investment_by_county(filtered_projects(projects, filters), notes)


def has_amounts(projects: pd.DataFrame, annotations: pd.DataFrame) -> bool:
    """Whether any user project or annotation states an investment amount."""
    return bool(
        projects["investment_yi"].notna().any() or annotations["investment_yi"].notna().any()
    )


def projects_table(projects: pd.DataFrame, county_names: dict[str, str], lang: str) -> pd.DataFrame:
    """User projects as a small plain table: name, counties, status, 亿元."""
    sep = t("list.sep", lang)
    rows = [
        {
            t("mine.col.name", lang): name_of(row, lang),
            t("mine.col.counties", lang): sep.join(
                county_names.get(code, code) for code in split_counties(row.get("counties"))
            )
            or t("precision.citywide", lang),
            t("mine.col.status", lang): t(
                f"data.status.{row['status']}" if row.get("status") else "data.status.none", lang
            ),
            t("mine.col.investment", lang): row.get("investment_yi"),
        }
        for row in projects.to_dict("records")
    ]
    columns = [t(f"mine.col.{c}", lang) for c in ("name", "counties", "status", "investment")]
    return pd.DataFrame(rows, columns=columns)
