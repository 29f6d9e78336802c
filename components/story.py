"""Story mode for presenters: a fixed sequence of map views, each with a short bilingual card.

Pure: a step is plain data (which filters, which measure, which card text). The page turns a
step into a ViewState and draws it. Card text states only what the data says; counts are
filled in from the data at run time, never typed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.view_state import Filters, Selection, ViewState


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
