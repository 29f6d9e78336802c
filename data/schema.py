"""The contract of data/initiatives.geojson: field names, vocabularies and per-record rules.

`python -m data.validate` and the tests enforce it; the map, the balance page and the
exports rely on it.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

# The code lists are the field vocabulary's (data/fields.py); named here for the schema's readers.
from data.fields import CATEGORIES, PRECISIONS

COUNTY_ADCODES: dict[str, str] = {
    "430502": "双清区",
    "430503": "大祥区",
    "430511": "北塔区",
    "430522": "新邵县",
    "430523": "邵阳县",
    "430524": "隆回县",
    "430525": "洞口县",
    "430527": "绥宁县",
    "430528": "新宁县",
    "430529": "城步苗族自治县",
    "430581": "武冈市",
    "430582": "邵东市",
}

SECTIONS = ("targets", "一", "二", "三", "四", "五", "六", "七", "八")

# How firm a promise is, firmest first. The report's own verb is kept
# beside the class in `commitment_verb`.
COMMITMENTS = (
    "建成",  # complete
    "开工",  # start works
    "推进",  # push forward an ongoing item
    "运营",  # operate
    "举办",  # hold an event
    "打造",  # build up (a brand, a base)
    "创建",  # apply for a title
    "培育",  # foster
    "支持",  # support
    "争取",  # strive for, not yet secured
    "谋划",  # plan
)
# The report's three lists of ten (十大基础设施项目, 十大产业项目, 十大消费品牌项目).
TOP_TEN = ("infrastructure", "industrial", "consumer_brand")
ROUTE_KINDS = ("hsr", "railway", "expressway", "road", "rail_service", "corridor")
ROUTE_STATUSES = ("planned", "under_construction", "open", "unknown")

Category = Literal[CATEGORIES]  # type: ignore[valid-type]
Precision = Literal[PRECISIONS]  # type: ignore[valid-type]
Commitment = Literal[COMMITMENTS]  # type: ignore[valid-type]
Adcode = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=300)]


class Quantity(BaseModel):
    """A figure the report attaches to an initiative, exactly as stated."""

    model_config = ConfigDict(extra="forbid")
    value: float
    unit: Text
    what: Text
    text: Text  # the figure as printed, e.g. "2万吨" or "120亿元以上"


class InitiativeProperties(BaseModel):
    """The properties of one initiative feature."""

    model_config = ConfigDict(extra="forbid")

    id: Slug
    name_zh: Text
    name_en: Text
    category: Category
    top_ten: Literal[TOP_TEN] | None = None  # type: ignore[valid-type]
    section: Literal[SECTIONS]  # type: ignore[valid-type]
    counties: list[Adcode]
    source_start: int = Field(ge=0)
    source_end: int = Field(ge=0)
    source_text: str
    precision: Precision
    commitment: Commitment
    commitment_verb: Text
    quantities: list[Quantity]
    location_source: Annotated[str, StringConstraints(min_length=1, max_length=1500)]
    location_note: str | None = None
    cluster: Slug | None = None
    route_kind: Literal[ROUTE_KINDS] | None = None  # type: ignore[valid-type]
    route_status: Literal[ROUTE_STATUSES] | None = None  # type: ignore[valid-type]
    route_status_note: str | None = None
    counties_beyond_geometry: list[Adcode] = []
    note: str | None = None

    @field_validator("counties", "counties_beyond_geometry")
    @classmethod
    def _known_counties(cls, value: list[str]) -> list[str]:
        unknown = [code for code in value if code not in COUNTY_ADCODES]
        if unknown:
            raise ValueError(f"not one of Shaoyang's 12 county adcodes: {', '.join(unknown)}")
        if len(set(value)) != len(value):
            raise ValueError("an adcode is listed twice")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> InitiativeProperties:
        if self.source_end <= self.source_start:
            raise ValueError("source_end must be after source_start")
        if self.precision == "citywide" and self.counties:
            raise ValueError("a citywide item lists no counties")
        if self.precision != "citywide" and not self.counties:
            raise ValueError(f"precision {self.precision!r} needs at least one county")
        for quantity in self.quantities:
            if quantity.text not in self.source_text:
                raise ValueError(f"quantity {quantity.text!r} is not in the source text")
        return self


class Geometry(BaseModel):
    """A GeoJSON geometry (coordinates checked by shapely in data.validate)."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon"]
    coordinates: list[Any]


class InitiativeFeature(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["Feature"]
    geometry: Geometry | None
    properties: InitiativeProperties

    @model_validator(mode="after")
    def _geometry_matches_precision(self) -> InitiativeFeature:
        precision = self.properties.precision
        kind = self.geometry.type if self.geometry else None
        allowed = {
            "site": {"Point", "Polygon", "MultiPolygon"},
            "town": {"Point"},
            "county": {None},
            "schematic": {"LineString", "MultiLineString"},
            "citywide": {None},
        }[precision]
        if kind not in allowed:
            raise ValueError(f"precision {precision!r} cannot have geometry {kind}")
        return self


class InitiativeCollection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["FeatureCollection"]
    name: str | None = None
    features: list[InitiativeFeature]


CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Characters that sit inside a name without ending its word: quotes, the middle dot, spaces
# and line breaks (a page break can fall inside a name). Brackets and other punctuation do end
# a word: 湖南(廉桥)中医药产业博览会 has the words 湖南, 廉桥, 中医药产业博览会.
_JOINERS = re.compile(r"[\s“”‘’\"'·]")
NAME_RUN = 3


def name_words(name_zh: str) -> list[str]:
    """The CJK runs of a name once quotes, the middle dot and whitespace are dropped."""
    return CJK_RUN.findall(_JOINERS.sub("", name_zh))


def names_item(name_zh: str, text: str) -> bool:
    """True when `text` names the item: it contains three consecutive CJK characters of one of
    the name's words, or a whole word when no word of the name is that long (南山, 崑山(崀山)).
    A span that shares only a generic pair (园区, 主体, 投入) does not name the item."""
    words = name_words(name_zh)
    if not words:
        return True
    size = min(NAME_RUN, max(len(word) for word in words))
    haystack = _JOINERS.sub("", text)
    return any(
        word[i : i + size] in haystack for word in words for i in range(len(word) - size + 1)
    )
