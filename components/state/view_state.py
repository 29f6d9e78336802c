"""What the user is looking at, as plain data: filters, measure, basemap, language, selection.

Pure (no streamlit): the sidebar reads widgets into a :class:`ViewState`, this module turns it to
and from URL query parameters (stable codes, never display labels, so a link works in either
language) and filters the initiatives table with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from analysis.choropleth import MEASURES
from components.i18n import DEFAULT_LANG, LANGS
from data.schema import CATEGORIES, COMMITMENTS, COUNTY_ADCODES, PRECISIONS, SECTIONS, TOP_TEN

BASEMAPS = ("none", "osm", "esri", "gaode")
SELECTION_KINDS = ("county", "initiative")

# Query parameter names. Plural names are filters (lists); singular ones select one thing.
# `initiative` is also what the report reader links to (components/report_view.map_href).
QP_LANG = "lang"
QP_BASEMAP = "basemap"
QP_MEASURE = "measure"
QP_QUERY = "q"
QP_FILTERS = {
    "top_ten": "top_ten",
    "counties": "counties",
    "categories": "categories",
    "sections": "sections",
    "precisions": "precisions",
    "commitments": "commitments",
}
QP_SELECTION = {"county": "county", "initiative": "initiative"}
ALL_QUERY_PARAMS = (
    QP_LANG,
    QP_BASEMAP,
    QP_MEASURE,
    QP_QUERY,
    *QP_FILTERS.values(),
    *QP_SELECTION.values(),
)
MAX_QUERY_CHARS = 100

FILTER_VOCABULARY: dict[str, tuple[str, ...]] = {
    "top_ten": TOP_TEN,
    "counties": tuple(COUNTY_ADCODES),
    "categories": CATEGORIES,
    "sections": SECTIONS,
    "precisions": PRECISIONS,
    "commitments": COMMITMENTS,
}


@dataclass(frozen=True)
class Filters:
    """Which initiatives to show; an empty tuple means no restriction. Hashable (a cache key)."""

    top_ten: tuple[str, ...] = ()  # the report's three lists of ten flagship projects
    counties: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    precisions: tuple[str, ...] = ()
    commitments: tuple[str, ...] = ()
    query: str = ""

    @property
    def active(self) -> bool:
        return any(getattr(self, name) for name in (*FILTER_VOCABULARY, "query"))


@dataclass(frozen=True)
class Selection:
    """The one county or initiative whose panel is open."""

    kind: str  # "county" | "initiative"
    id: str


@dataclass(frozen=True)
class ViewState:
    lang: str = DEFAULT_LANG
    basemap: str = "none"
    measure: str = "count"
    filters: Filters = field(default_factory=Filters)
    selection: Selection | None = None

    def with_selection(self, selection: Selection | None) -> ViewState:
        return replace(self, selection=selection)


def _values(params: Mapping[str, object], name: str) -> list[str]:
    """All values of a query parameter, accepting repeated params and comma-separated lists."""
    raw = params.get(name)
    if raw is None:
        return []
    items = raw if isinstance(raw, list | tuple) else [raw]
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


def _one(params: Mapping[str, object], name: str, allowed: Iterable[str], default: str) -> str:
    values = _values(params, name)
    return values[0] if values and values[0] in allowed else default


def _clean_list(values: Iterable[str], allowed: tuple[str, ...]) -> tuple[str, ...]:
    """Known values only, deduplicated, in vocabulary order (so equal filters compare equal)."""
    wanted = set(values)
    return tuple(v for v in allowed if v in wanted)


def filters_from_query_params(params: Mapping[str, object]) -> Filters:
    lists = {
        name: _clean_list(_values(params, qp), FILTER_VOCABULARY[name])
        for name, qp in QP_FILTERS.items()
    }
    raw_query = params.get(QP_QUERY) or ""
    if isinstance(raw_query, list | tuple):
        raw_query = raw_query[0] if raw_query else ""
    query = str(raw_query).strip()[:MAX_QUERY_CHARS]
    return Filters(**lists, query=query)


def selection_from_query_params(params: Mapping[str, object]) -> Selection | None:
    """The selection named in the URL (an initiative wins over a county); ids are not checked."""
    for kind in ("initiative", "county"):
        values = _values(params, QP_SELECTION[kind])
        if values:
            return Selection(kind, values[0][:MAX_QUERY_CHARS])
    return None


def state_from_query_params(params: Mapping[str, object]) -> ViewState:
    """A view from URL query parameters; unknown values are ignored, never an error."""
    return ViewState(
        lang=_one(params, QP_LANG, LANGS, DEFAULT_LANG),
        basemap=_one(params, QP_BASEMAP, BASEMAPS, "none"),
        measure=_one(params, QP_MEASURE, MEASURES, "count"),
        filters=filters_from_query_params(params),
        selection=selection_from_query_params(params),
    )


def query_params_of(state: ViewState) -> dict[str, str]:
    """The query parameters that reproduce ``state``; defaults are left out of the URL."""
    params: dict[str, str] = {}
    if state.lang != DEFAULT_LANG:
        params[QP_LANG] = state.lang
    if state.basemap != "none":
        params[QP_BASEMAP] = state.basemap
    if state.measure != "count":
        params[QP_MEASURE] = state.measure
    for name, qp in QP_FILTERS.items():
        values = getattr(state.filters, name)
        if values:
            params[qp] = ",".join(values)
    if state.filters.query:
        params[QP_QUERY] = state.filters.query
    if state.selection is not None:
        params[QP_SELECTION[state.selection.kind]] = state.selection.id
    return params


def filter_mask(
    initiatives: pd.DataFrame, filters: Filters, matched_ids: Iterable[str] | None = None
) -> pd.Series:
    """Boolean mask of the initiatives passing ``filters`` (and, if given, the search matches).

    The county filter keeps every item that touches one of the chosen counties, so a
    multi-county item shows for each of them; city-wide items touch none.
    """
    mask = pd.Series(True, index=initiatives.index)
    for name, column in (
        ("top_ten", "top_ten"),
        ("categories", "category"),
        ("sections", "section"),
        ("precisions", "precision"),
        ("commitments", "commitment"),
    ):
        chosen = getattr(filters, name)
        if chosen:
            mask &= initiatives[column].isin(chosen)
    if filters.counties:
        chosen_counties = set(filters.counties)
        mask &= initiatives["counties"].map(lambda touched: not chosen_counties.isdisjoint(touched))
    if matched_ids is not None:
        mask &= initiatives["id"].isin(set(matched_ids))
    return mask
