"""What the balance page shows, as plain data: tables, the column dictionary and charts.

Pure: takes the table of ``analysis.balance.county_balance`` (with ``analysis.balance_measures.with_amount``)
and returns frames and Altair charts for the page to display. Column labels live in one place,
the :class:`data.export.Column` list, and serve both the on-screen headers and the dictionary.
Altair is bundled with Streamlit and its charts render offline (no CDN).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from analysis.balance import CITYWIDE, BalanceIndices, IndexValue, LorenzCurve, TheilSplit
from analysis.balance import category_column as cat_col
from analysis.balance_measures import is_number
from components.i18n import t
from components.views.explorer import header
from data.export import Column
from data.schema import CATEGORIES

LEFT_OUT_SEPARATOR = {"zh": "、", "en": ", "}


def facts_frame(facts: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    """counties.csv rows ({adcode: {column: text}}) as the frame county_balance expects."""
    frame = pd.DataFrame.from_dict(dict(facts), orient="index")
    frame["adcode"] = frame.index.astype(str)
    return frame.reset_index(drop=True)


def county_names(table: pd.DataFrame, lang: str) -> dict[str, str]:
    """{adcode: display name} for the rows of a balance table (city-wide row included)."""
    column = "name_en" if lang == "en" else "name_zh"
    return {str(a): str(n) for a, n in zip(table.index, table[column], strict=True)}


def join_names(adcodes: Sequence[str], names: Mapping[str, str], lang: str) -> str:
    """County names in a list, or "none" when the list is empty."""
    if not adcodes:
        return t("balance.none", lang)
    return LEFT_OUT_SEPARATOR.get(lang, "、").join(names.get(a, a) for a in adcodes)


# ---------------------------------------------------------------------------------------------
# Columns: labels for the screen and the dictionary for the exports


def amount_labels(counting: str, investment: bool) -> tuple[str, str]:
    """(zh, en) name of what ``amount`` measures under the chosen options."""
    if investment:
        return "投资额（亿元，我的数据）", "investment (亿元, my data)"
    if counting == "fractional":
        return "项目数（跨县按1/k分摊）", "initiatives (split 1/k)"
    return "项目数（每个涉及的县各计1次）", "initiatives (once per county touched)"


def balance_columns(counting: str = "touched", investment: bool = False) -> list[Column]:
    """The column dictionary of the county table (every export column, in order)."""
    amount_zh, amount_en = amount_labels(counting, investment)
    unit = "亿元" if investment else "个 items"
    columns = [
        Column(
            "adcode",
            "行政区划代码",
            "adcode",
            "6位代码；citywide = 不属于任何县的全市性项目",
            "6-digit code; citywide = items in no county",
        ),
        Column("name_zh", "县市区", "county (Chinese)"),
        Column("name_en", "县市区（英文）", "county (English)"),
        Column(
            "region_group",
            "板块",
            "group in the report",
            "东部城镇群 east_town_cluster / 西部生态圈 west_eco_circle",
            "the report's 东部城镇群 / 西部生态圈",
        ),
        Column(
            "urban",
            "市辖区",
            "urban district",
            "True = 市辖区（双清、大祥、北塔）",
            "True = one of the three urban districts",
        ),
        Column(
            "population",
            "常住人口（2020年普查）",
            "population (2020 census)",
            "空 = 未找到来源，未知（不是零）",
            "empty = no sourced figure, unknown (not zero)",
            "人 persons",
        ),
        Column("area_km2", "面积", "area", "", "", "km²"),
        Column(
            "initiatives",
            "项目数（每县各计）",
            "initiatives (once per county)",
            "跨县项目在每个涉及的县各计1次",
            "a multi-county item counts once in every county it touches",
            "个 items",
        ),
        Column(
            "initiatives_fractional",
            "项目数（1/k分摊）",
            "initiatives (split 1/k)",
            "跨县项目按1/k分摊到k个县，各县合计等于项目数",
            "a multi-county item adds 1/k to each of its k counties, so the column sums to the item count",
            "个 items",
        ),
    ]
    columns += [
        Column(
            cat_col(c),
            f"类别：{t(f'category.{c}', 'zh')}",
            f"category: {t(f'category.{c}', 'en')}",
            "涉及本县的该类项目数（每县各计）",
            "items of this category touching the county (once per county)",
            "个 items",
        )
        for c in CATEGORIES
    ]
    columns += [
        Column(
            "clusters",
            "产业集群数",
            "industry clusters",
            "报告列在本县的产业集群（含本县企业所属集群）",
            "clusters the report places in the county, or that its enterprises anchor",
            "个 items",
        ),
        Column("cluster_names_zh", "产业集群名称", "cluster names (Chinese)"),
        Column("cluster_names_en", "产业集群名称（英文）", "cluster names (English)"),
        Column(
            "with_quantities",
            "给出数量的项目数",
            "items with a stated figure",
            "报告为其给出数量（亿元、个、公里……）的项目",
            "items the report attaches a figure to (亿元, 个, km …)",
            "个 items",
        ),
        Column(
            "routes",
            "线路条数",
            "routes",
            "高铁、铁路、高速、公路（不含班列和产业走廊）",
            "high-speed rail, railway, expressway, road (not rail services or corridors)",
            "条 routes",
        ),
        Column(
            "routes_unmeasured",
            "无县内线形的线路",
            "routes without a line here",
            "来源提到本县但示意线未到达，里程计0",
            "named for the county but the drawn line does not reach it (0 km)",
            "条 routes",
        ),
        Column(
            "route_km",
            "县内线路里程",
            "route length inside",
            "按县界切分线路长度（示意线，非实际走向）",
            "each line split by length at county borders (schematic lines)",
            "km",
        ),
        Column(
            "share_initiatives",
            "项目占比",
            "share of initiatives",
            "本县项目数（每县各计）÷ 12县合计",
            "county count (once per county) / sum over the 12 counties",
            "0–1",
        ),
        Column(
            "share_population",
            "人口占比",
            "share of population",
            "本县人口 ÷ 全市人口（data/city.csv，2020年普查）",
            "county population / city population (data/city.csv, 2020 census)",
            "0–1",
        ),
        Column(
            "share_area",
            "面积占比",
            "share of area",
            "本县面积 ÷ 12县合计",
            "county area / sum over the 12 counties",
            "0–1",
        ),
        Column(
            "initiative_to_population",
            "项目占比 ÷ 人口占比",
            "initiative share / population share",
            ">1 表示项目占比高于人口占比",
            ">1: more initiatives than its population share",
        ),
        Column(
            "initiatives_per_100k",
            "每10万人项目数",
            "initiatives per 100,000 residents",
            "每县各计",
            "once per county",
            "个/10万人",
        ),
        Column(
            "initiatives_per_1000km2",
            "每1000平方公里项目数",
            "initiatives per 1,000 km²",
            "每县各计",
            "once per county",
            "个/1000 km²",
        ),
        Column(
            "route_km_per_1000km2",
            "每1000平方公里线路里程",
            "route km per 1,000 km²",
            "",
            "",
            "km/1000 km²",
        ),
        Column(
            "amount",
            f"所选度量：{amount_zh}",
            f"chosen measure: {amount_en}",
            "页面上选择的度量（见字段说明标题）",
            "the measure chosen on the page (see the dictionary title)",
            unit,
        ),
        Column(
            "share_amount",
            f"所选度量占比：{amount_zh}",
            f"share of {amount_en}",
            "本县 ÷ 12县合计",
            "county / sum over the 12 counties",
            "0–1",
        ),
        Column(
            "amount_to_population",
            "所选度量占比 ÷ 人口占比",
            "chosen share / population share",
            ">1 表示高于人口占比",
            ">1: above the population share",
        ),
        Column(
            "amount_per_100k",
            f"每10万人：{amount_zh}",
            f"{amount_en} per 100,000 residents",
            "人口未知的县为空",
            "empty where population is unknown",
            f"{unit}/10万人",
        ),
        Column(
            "amount_per_1000km2",
            f"每1000平方公里：{amount_zh}",
            f"{amount_en} per 1,000 km²",
            "",
            "",
            f"{unit}/1000 km²",
        ),
    ]
    return columns


def export_table(table: pd.DataFrame, columns: Sequence[Column]) -> pd.DataFrame:
    """The table to download: the 12 counties then the city-wide row, in dictionary order.

    Missing values are None (pandas' NA, e.g. ``urban`` of the city-wide row, is not a value
    the spreadsheet writers accept).
    """
    frame = table.reset_index()
    frame = frame[[c.name for c in columns if c.name in frame.columns]]
    return frame.astype(object).where(frame.notna(), None)


def display_table(
    table: pd.DataFrame, lang: str, *, counting: str, investment: bool
) -> tuple[pd.DataFrame, dict[str, object]]:
    """(frame, column formats) of the 12 county rows for st.dataframe, headers in ``lang``.

    The share and rate columns are of the chosen amount (the page names it above the table);
    shares are in per cent; unknown values stay empty (never 0).
    """
    columns = {c.name: c for c in balance_columns(counting, investment)}

    def label(name: str) -> str:
        return header(columns[name], lang)

    counties = table.drop(index=CITYWIDE, errors="ignore")
    names = "name_en" if lang == "en" else "name_zh"
    percent = t("balance.percent", lang)
    share = t("balance.col.share", lang) + percent
    ratio = t("balance.col.ratio", lang)
    per_100k = t("balance.col.per_100k", lang)
    per_1000km2 = t("balance.col.per_1000km2", lang)
    shown: dict[str, object] = {
        t("balance.col.adcode", lang): counties.index.astype(str),
        t("balance.col.county", lang): counties[names].to_numpy(),
        label("region_group"): [t(f"region_group.{g}", lang) for g in counties["region_group"]],
        t("balance.col.kind", lang): [
            t("balance.kind.urban" if u else "balance.kind.county", lang) for u in counties["urban"]
        ],
        label("initiatives"): counties["initiatives"].to_numpy(),
        label("initiatives_fractional"): counties["initiatives_fractional"].to_numpy(),
    }
    if investment:
        shown[t("balance.col.investment", lang)] = counties["amount"].to_numpy()
    shown[share] = (counties["share_amount"] * 100).to_numpy()
    shown[label("share_population") + percent] = (counties["share_population"] * 100).to_numpy()
    shown[label("share_area") + percent] = (counties["share_area"] * 100).to_numpy()
    shown[ratio] = counties["amount_to_population"].to_numpy()
    shown[per_100k] = counties["amount_per_100k"].to_numpy()
    shown[per_1000km2] = counties["amount_per_1000km2"].to_numpy()
    for name in ("routes", "route_km", "routes_unmeasured", "clusters"):
        shown[label(name)] = counties[name].to_numpy()
    shown[t("balance.col.cluster_names", lang)] = counties[
        "cluster_names_en" if lang == "en" else "cluster_names_zh"
    ].to_numpy()
    shown[label("with_quantities")] = counties["with_quantities"].to_numpy()
    for category in CATEGORIES:
        shown[t(f"category.{category}", lang)] = counties[cat_col(category)].to_numpy()
    shown[label("population")] = counties["population"].to_numpy()
    shown[label("area_km2")] = counties["area_km2"].to_numpy()
    frame = pd.DataFrame(shown)

    formats: dict[str, object] = {
        label("initiatives_fractional"): "%.2f",
        share: "%.1f",
        label("share_population") + percent: "%.1f",
        label("share_area") + percent: "%.1f",
        ratio: "%.2f",
        per_100k: "%.2f",
        per_1000km2: "%.2f",
        label("route_km"): "%.1f",
        label("population"): "localized",
        label("area_km2"): "localized",
    }
    if investment:
        formats[t("balance.col.investment", lang)] = "%.2f"
    return frame, formats


# ---------------------------------------------------------------------------------------------
# Indices


INDEX_ROWS = (
    # (label key, attribute path)
    ("balance.index.cv", ("cv",)),
    ("balance.index.cv_weighted", ("cv_weighted",)),
    ("balance.index.gini", ("gini",)),
    ("balance.index.theil", ("theil",)),
    ("balance.index.between_region", ("theil_by_region", "between")),
    ("balance.index.within_region", ("theil_by_region", "within")),
    ("balance.index.between_urban", ("theil_urban_vs_counties", "between")),
    ("balance.index.within_urban", ("theil_urban_vs_counties", "within")),
)


def format_index(value: float) -> str:
    """An index as shown on the page: three decimals, or a dash when it cannot be computed."""
    return f"{value:.3f}" if is_number(value) else "—"


def index_values(indices: BalanceIndices) -> dict[str, IndexValue]:
    """{label key: IndexValue} in the order the page lists them."""
    values = {}
    for key, path in INDEX_ROWS:
        value: object = indices
        for attribute in path:
            value = getattr(value, attribute)
        values[key] = value  # type: ignore[assignment]
    return values


def _groups_text(split: TheilSplit, lang: str) -> str:
    labels = {
        "east_town_cluster": t("region_group.east_town_cluster", lang),
        "west_eco_circle": t("region_group.west_eco_circle", lang),
        "urban_districts": t("balance.group.urban_districts", lang),
        "counties": t("balance.group.counties", lang),
    }
    return LEFT_OUT_SEPARATOR.get(lang, "、").join(
        f"{labels.get(group, group)} {len(codes)}" for group, codes in split.groups.items()
    )


def index_table(indices: BalanceIndices, names: Mapping[str, str], lang: str) -> pd.DataFrame:
    """One row per index: its name, value (3 decimals), counties used, left out, meaning."""
    rows = []
    for key, value in index_values(indices).items():
        used = str(value.n_used)
        split = {
            "_region": indices.theil_by_region,
            "_urban": indices.theil_urban_vs_counties,
        }.get(key[key.rfind("_") :])
        if split is not None:
            groups = _groups_text(split, lang)
            used += f" ({groups})" if lang == "en" else f"（{groups}）"
        rows.append(
            {
                t("balance.col.index", lang): t(key, lang),
                t("balance.col.value", lang): format_index(value.value),
                t("balance.col.used", lang): used,
                t("balance.col.left_out", lang): join_names(value.left_out, names, lang),
                t("balance.col.meaning", lang): value.meaning_en
                if lang == "en"
                else value.meaning_zh,
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Charts (Altair, rendered by Streamlit's bundled Vega: no network)


def lorenz_chart(
    curve: LorenzCurve, names: Mapping[str, str], lang: str, amount: str
) -> alt.LayerChart:
    """The Lorenz curve against the diagonal of equal shares; hover a point for its county."""
    points = curve.points.assign(
        county=[names.get(a, "") if a else "" for a in curve.points["adcode"]]
    )
    x_title = t("balance.lorenz_x", lang)
    y_title = t("balance.lorenz_y", lang, amount=amount)
    diagonal = (
        alt.Chart(pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]}))
        .mark_line(color="#9a9a9a", strokeDash=[4, 4])
        .encode(x="x:Q", y="y:Q")
    )
    line = (
        alt.Chart(points)
        .mark_line(point=True, color="#0b57d0")
        .encode(
            x=alt.X(
                "population_share_cum:Q",
                title=x_title,
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=alt.Y(
                "initiative_share_cum:Q",
                title=y_title,
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=[
                alt.Tooltip("county:N", title=t("balance.col.county", lang)),
                alt.Tooltip("population_share_cum:Q", title=x_title, format=".1%"),
                alt.Tooltip("initiative_share_cum:Q", title=y_title, format=".1%"),
            ],
        )
    )
    return alt.layer(diagonal, line).properties(height=340)


def share_chart(
    table: pd.DataFrame, names: Mapping[str, str], lang: str, amount: str
) -> alt.LayerChart:
    """Each county's share of the amount against its share of population (known populations)."""
    counties = table.drop(index=CITYWIDE, errors="ignore")
    known = counties[counties["share_population"].notna() & counties["share_amount"].notna()]
    points = pd.DataFrame(
        {
            "county": [names.get(a, a) for a in known.index],
            "population": known["share_population"].to_numpy(),
            "amount": known["share_amount"].to_numpy(),
        }
    )
    top = max([0.05, *points["population"], *points["amount"]]) * 1.1
    x_title = t("balance.share_x", lang)
    y_title = t("balance.share_y", lang, amount=amount)
    diagonal = (
        alt.Chart(pd.DataFrame({"x": [0.0, top], "y": [0.0, top]}))
        .mark_line(color="#9a9a9a", strokeDash=[4, 4])
        .encode(x="x:Q", y="y:Q")
    )
    scale = alt.Scale(domain=[0, top])
    base = alt.Chart(points).encode(
        x=alt.X("population:Q", title=x_title, axis=alt.Axis(format="%"), scale=scale),
        y=alt.Y("amount:Q", title=y_title, axis=alt.Axis(format="%"), scale=scale),
    )
    dots = base.mark_circle(size=70, color="#0b57d0").encode(
        tooltip=[
            alt.Tooltip("county:N", title=t("balance.col.county", lang)),
            alt.Tooltip("population:Q", title=x_title, format=".1%"),
            alt.Tooltip("amount:Q", title=y_title, format=".1%"),
        ]
    )
    labels = base.mark_text(align="left", dx=6, dy=-4, fontSize=11).encode(text="county:N")
    return alt.layer(diagonal, dots, labels).properties(height=340)


# ---------------------------------------------------------------------------------------------
# Gaps


def gaps_table(gaps: pd.DataFrame, lang: str, categories: Sequence[str] = ()) -> pd.DataFrame:
    """(county, theme) pairs with no initiative, limited to the filtered themes if any."""
    if categories:
        gaps = gaps[gaps["category"].isin(categories)]
    names = gaps["name_en"] if lang == "en" else gaps["name_zh"]
    return pd.DataFrame(
        {
            t("balance.col.adcode", lang): gaps["adcode"].astype(str).to_numpy(),
            t("balance.col.county", lang): names.to_numpy(),
            t("balance.col.theme", lang): [t(f"category.{c}", lang) for c in gaps["category"]],
            t("balance.col.citywide_items", lang): gaps["citywide_items"].to_numpy(),
        }
    )
