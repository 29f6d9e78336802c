"""Story mode for presenters: a fixed sequence of map views, each with a short bilingual card.

Pure: a step is plain data (which filters, which measure, which card text). The page turns a
step into a ViewState and draws it. Card text states only what the data says; counts are
filled in from the data at run time, never typed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote, unquote, urlencode, urlsplit, urlunsplit

import pandas as pd

from components.i18n import t
from components.state.navigation import PAGE_BY_KEY
from components.state.view_state import Filters, Selection, ViewState


@dataclass(frozen=True)
class Step:
    key: str
    categories: tuple[str, ...] = ()
    measure: str = "count"
    spotlight: bool = False  # the presenter picks a county; the view selects it


STEPS: tuple[Step, ...] = (
    Step("overview"),
    Step("clusters", categories=("industry_cluster", "enterprise", "industrial_project")),
    Step("transport", categories=("infrastructure",), measure="route_km"),
    Step("tourism", categories=("tourism", "ecology")),
    Step("spotlight", spotlight=True),
)
STEP_KEYS = tuple(step.key for step in STEPS)
DEFAULT_SPOTLIGHT = "430582"  # 邵东市: the report names it most often
STORY_PATH = PAGE_BY_KEY["story"].key  # the Story page's address


def step_index(value: object) -> int:
    """The 0-based step from a URL value (1-based there); out of range or junk gives 0."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return 0
    return number - 1 if 1 <= number <= len(STEPS) else 0


def view_for(
    step: Step, *, lang: str, basemap: str = "none", county: str = DEFAULT_SPOTLIGHT
) -> ViewState:
    """The map view a step shows."""
    selection = Selection("county", county) if step.spotlight else None
    filters = Filters(counties=(county,) if step.spotlight else (), categories=step.categories)
    return ViewState(
        lang=lang, basemap=basemap, measure=step.measure, filters=filters, selection=selection
    )


def share_query(index: int, *, lang: str, county: str) -> dict[str, str]:
    """The query parameters of a link to one step (1-based in the URL)."""
    params = {"step": str(index + 1), "lang": lang}
    if STEPS[index].spotlight:
        params["county"] = county
    return params


def share_url(page_url: str | None, index: int, *, lang: str, county: str) -> str:
    """The complete link to one step: the app's address as the browser has it (host and any
    base path), the Story page's path, and this step's query; without an address, the path."""
    parts = urlsplit(page_url or "")
    path = unquote(parts.path)
    # Keep what comes before the page's own path segment (a proxy's base path); drop the rest.
    segments = [segment for segment in path.split("/") if segment]
    if STORY_PATH in segments:
        segments = segments[: segments.index(STORY_PATH)]
    path = "/" + "/".join([*segments, STORY_PATH])
    query = urlencode(share_query(index, lang=lang, county=county))
    return urlunsplit((parts.scheme, parts.netloc, quote(path), query, ""))


# --- the report's targets in the UI language ------------------------------------------------
# The report states targets in Chinese units (万人, 亿元 …) with qualifiers (左右, 以上 …). In
# English a value is written out: 万 is ten thousand, 亿 a hundred million.
TARGET_UNITS_EN: dict[str, tuple[int, str]] = {
    "%": (1, "%"),
    "BP": (1, " basis points"),
    "个": (1, ""),
    "家": (1, ""),
    "条": (1, ""),
    "天": (1, " days"),
    "万人": (10_000, " people"),
    "万吨": (10_000, " tonnes"),
    "万个": (10_000, ""),
    "万户": (10_000, ""),
    "万亩": (10_000, " mu"),
    "万头": (10_000, " head"),
    "万千瓦": (10_000, " kW"),
    "亿元": (100_000_000, " yuan"),
}
TARGET_QUALIFIERS_EN: dict[str, str] = {
    "左右": "about {}",
    "以上": "at least {}",
    "以内": "at most {}",
    "突破": "over {}",
}


def _english_number(value: Decimal) -> str:
    if value >= 1_000_000_000:
        return f"{value / 1_000_000_000:f}".rstrip("0").rstrip(".") + " billion"
    if value >= 1_000_000:
        return f"{value / 1_000_000:f}".rstrip("0").rstrip(".") + " million"
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,f}".rstrip("0").rstrip(".")


def target_value_text(value: str | None, unit: str | None, qualifier: str | None, lang: str) -> str:
    """One target's value as the UI language writes it: "7%左右" / "about 7%", "4.5万人" /
    "45,000 people"; a target with no figure is named qualitative. Unknown units are an error."""
    value, unit, qualifier = (
        "" if pd.isna(part) else str(part).strip() for part in (value, unit, qualifier)
    )
    if not value:
        return t("story.target.qualitative", lang)
    if lang == "zh":
        return f"{value}{unit}{qualifier}"
    if unit not in TARGET_UNITS_EN:
        raise ValueError(f"no English for the target unit {unit!r}")
    if qualifier and qualifier not in TARGET_QUALIFIERS_EN:
        raise ValueError(f"no English for the target qualifier {qualifier!r}")
    factor, word = TARGET_UNITS_EN[unit]
    text = _english_number(Decimal(value) * factor) + word
    return TARGET_QUALIFIERS_EN[qualifier].format(text) if qualifier else text


def targets_table(targets: pd.DataFrame, lang: str) -> list[tuple[str, str]]:
    """(indicator, value) rows of the report's targets in the UI language."""
    label = "indicator_en" if lang == "en" else "indicator_zh"
    return [
        (str(row[label]), target_value_text(row["value"], row["unit"], row["qualifier"], lang))
        for row in targets.to_dict("records")
    ]


def spotlight_title(names: dict[str, str], lang: str) -> str:
    """The spotlight's heading: both names, the UI language first ("Shaodong City · 邵东市")."""
    first, second = (names["en"], names["zh"]) if lang == "en" else (names["zh"], names["en"])
    return f"{first} · {second}"


def measure_title(label: str, unit: str) -> str:
    """A legend title naming the unit once: "Number of initiatives", not "… (initiatives)"."""
    return label if not unit or unit.lower() in label.lower() else f"{label} ({unit})"


def subtitle(
    step: Step,
    lang: str,
    *,
    n: int,
    mapped: int,
    measure: str,
    county: str,
    placed: int = 0,
) -> str:
    """What a step's map shows, in one line: filters, counts (at a site or on a line, placed
    in their counties, city-wide) and the measure."""
    if step.spotlight:
        return t("story.subtitle.spotlight", lang, county=county, n=n, mapped=mapped)
    what = t("list.sep", lang).join(t(f"category.{c}", lang) for c in step.categories) or t(
        "story.all_categories", lang
    )
    return t(
        "story.subtitle",
        lang,
        what=what,
        n=n,
        mapped=mapped,
        placed=placed,
        citywide=n - mapped - placed,
        measure=measure,
    )
