"""Build data/targets.csv: the city-wide 2024 targets the report states, each with its source span.

Run ``python -m data.build_targets`` to rewrite the CSV, ``--check`` to fail if it is stale.
Each row is located with :func:`data.report.find_span`, so offsets are raw and the slice
quotes the report. Nothing is inferred: ``value`` is the number as printed, ``unit`` and
``qualifier`` as printed after (or, for 突破, before) it; a target without a number is
``qualitative`` with empty value and unit.

Columns: id, section, indicator_zh, indicator_en, value, unit, qualifier, kind
(growth_rate: a % change; level: an amount or rate to reach; count: a number of discrete
things such as projects, firms, jobs, stations, days; qualitative), source_start, source_end,
source_text.

Figures that belong to a single named project (湘窖酒业2万吨, 3条高速公路) are initiatives, not
city-wide targets, and are left out; so are programme names that contain numbers
(“十大产业项目”, “五千工程”, 12345热线).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from data.report import REPORT_PATH, find_span, load_report_text, parse_report

TARGETS_PATH = Path(__file__).resolve().parent / "targets.csv"

COLUMNS = (
    "id",
    "section",
    "indicator_zh",
    "indicator_en",
    "value",
    "unit",
    "qualifier",
    "kind",
    "source_start",
    "source_end",
    "source_text",
)
KINDS = ("growth_rate", "level", "count", "qualitative")
QUALIFIERS = ("", "以上", "左右", "以内", "突破")


@dataclass(frozen=True)
class Target:
    """One target as stated; ``phrase`` is the report's own wording to locate it by."""

    id: str
    indicator_zh: str
    indicator_en: str
    value: str
    unit: str
    qualifier: str
    kind: str
    phrase: str


T = Target
# In the order the report states them.
TARGETS: tuple[Target, ...] = (
    # 主要预期目标
    T("gdp_growth", "地区生产总值增长", "GDP growth", "6.5", "%", "", "growth_rate", "地区生产总值增长6.5%"),
    T("industrial_value_added_growth", "规模工业增加值增长", "Growth of value added of industry above designated size", "7", "%", "左右", "growth_rate", "规模工业增加值增长7%左右"),
    T("fixed_asset_investment_growth", "固定资产投资增长", "Fixed-asset investment growth", "7", "%", "", "growth_rate", "固定资产投资增长7%"),
    T("general_budget_revenue_growth", "地方一般公共预算收入增长", "Growth of local general public budget revenue", "6", "%", "以上", "growth_rate", "地方一般公共预算收入增长6%以上"),
    T("retail_sales_growth", "社会消费品零售总额增长", "Growth of total retail sales of consumer goods", "7", "%", "", "growth_rate", "社会消费品零售总额增长7%"),
    T("foreign_trade_growth", "进出口总额增长", "Growth of total imports and exports", "10", "%", "", "growth_rate", "进出口总额增长10%"),
    T("urban_new_jobs", "城镇新增就业", "New urban jobs", "4.5", "万人", "", "count", "城镇新增就业4.5万人"),
    T("urban_unemployment_rate", "城镇调查失业率", "Surveyed urban unemployment rate", "5.5", "%", "以内", "level", "城镇调查失业率5.5%以内"),
    T("resident_income_growth", "居民收入增速高于经济增速", "Resident income grows faster than the economy", "", "", "", "qualitative", "居民收入增速高于经济增速"),
    T("grain_output", "粮食产量", "Grain output", "330", "万吨", "以上", "level", "粮食产量330万吨以上"),
    T("eco_environment_quality", "生态环境质量持续改善", "Ecological environment keeps improving", "", "", "", "qualitative", "生态环境质量持续改善"),
    # (一)
    T("state_provincial_funds", "争取国、省资金", "State and provincial funds secured", "120", "亿元", "以上", "level", "争取国、省资金120亿元以上"),
    T("investment_projects_signed", "签约招商项目", "Investment-promotion projects signed", "220", "个", "以上", "count", "力争签约招商项目220个以上"),
    T("fdi_growth", "实际使用外资增长", "Growth of foreign capital actually used", "10", "%", "以上", "growth_rate", "实际使用外资增长10%以上"),
    # (二)
    T("little_giant_firms", "新增省级及以上专精特新“小巨人”企业", "New provincial-or-higher specialised 'little giant' firms", "50", "家", "", "count", "新增省级及以上专精特新“小巨人”企业50家"),
    T("provincial_single_champion_firms", "省级制造业单项冠军企业", "Provincial manufacturing single-product champion firms", "6", "家", "", "count", "省级制造业单项冠军企业6家"),
    T("national_single_champion_firm", "国家级单项冠军企业破零", "First national single-product champion firm", "", "", "", "qualitative", "实现国家级单项冠军企业破零"),
    T("smart_manufacturing_firms", "新增智能制造企业", "New smart-manufacturing firms", "25", "家", "", "count", "新增智能制造企业25家"),
    T("smart_production_lines", "智能产线", "Smart production lines", "75", "条", "", "count", "智能产线75条"),
    T("smart_workstations", "智能工位", "Smart workstations", "375", "个", "", "count", "智能工位375个"),
    T("digital_transformation_demo_projects", "制造业数字化转型“三化”示范项目", "Manufacturing digital-transformation ('three-isation') demonstration projects", "35", "个", "", "count", "实施制造业数字化转型“三化”示范项目35个"),
    T("firms_on_cloud", "企业“上云”", "Firms moved onto the cloud", "5000", "家", "", "count", "带动企业“上云”5000家"),
    T("firms_on_platforms", "企业“上平台”", "Firms moved onto industrial platforms", "500", "家", "", "count", "带动企业“上云”5000家、“上平台”500家"),
    T("green_factories", "省级绿色工厂", "Provincial green factories", "10", "家", "", "count", "争创省级绿色工厂10家"),
    T("green_industrial_parks", "省级绿色园区", "Provincial green industrial parks", "2", "家", "以上", "count", "省级绿色园区2家以上"),
    T("national_industrial_clusters", "新增国家产业集群", "New national industrial clusters", "1", "个", "", "count", "新增国家产业集群1个"),
    T("provincial_industrial_clusters", "省级产业集群", "New provincial industrial clusters", "2", "个", "以上", "count", "省级产业集群2个以上"),
    T("manufacturing_projects_signed", "新签约投资过亿元制造业项目", "Manufacturing projects over CNY 100 million signed", "100", "个", "以上", "count", "新签约、开工、竣工投资过亿元制造业项目各100个以上"),
    T("manufacturing_projects_started", "开工投资过亿元制造业项目", "Manufacturing projects over CNY 100 million started", "100", "个", "以上", "count", "新签约、开工、竣工投资过亿元制造业项目各100个以上"),
    T("manufacturing_projects_completed", "竣工投资过亿元制造业项目", "Manufacturing projects over CNY 100 million completed", "100", "个", "以上", "count", "新签约、开工、竣工投资过亿元制造业项目各100个以上"),
    T("new_above_scale_industrial_firms", "新增规模以上工业企业", "New industrial firms above designated size", "100", "家", "以上", "count", "新增规模以上工业企业100家以上"),
    T("tax_per_mu_growth", "亩均税收增长", "Growth of tax revenue per mu of industrial land", "10", "%", "以上", "growth_rate", "亩均税收增长10%以上"),
    T("power_supply_capacity", "全市电力稳定供应能力", "Firm power supply capacity, city-wide", "300", "万千瓦", "", "level", "全市电力稳定供应能力达到300万千瓦"),
    T("base_stations_5g", "5G基站", "5G base stations", "1", "万个", "突破", "count", "5G基站突破1万个"),
    T("loan_rate_reduction", "一般贷款利率下降", "Cut in general loan interest rates", "50", "BP", "以上", "level", "一般贷款利率下降50个BP以上"),
    # (三)
    T("rd_spending", "全社会研发经费投入总量", "Society-wide R&D spending", "62", "亿元", "", "level", "全社会研发经费投入三年行动计划,投入总量达到62亿元"),
    T("tech_credit_loans", "科技型知识价值信用贷款撬动贷款", "Loans leveraged by sci-tech knowledge-value credit risk compensation", "10", "亿元", "以上", "level", "深化科技型知识价值信用贷款风险补偿改革,撬动贷款10亿元以上"),
    T("tech_contract_turnover_growth", "技术合同成交额增长", "Growth of technology contract turnover", "20", "%", "以上", "growth_rate", "力争技术合同成交额增长20%以上"),
    T("rd_platforms", "新增省级以上科创研发平台", "New provincial-or-higher R&D platforms", "10", "家", "以上", "count", "新增省级以上科创研发平台、省级企业技术中心各10家以上"),
    T("enterprise_tech_centres", "新增省级企业技术中心", "New provincial enterprise technology centres", "10", "家", "以上", "count", "新增省级以上科创研发平台、省级企业技术中心各10家以上"),
    T("tech_smes", "入库科技型中小企业", "Registered technology-based SMEs", "3600", "家", "以上", "count", "入库科技型中小企业3600家以上"),
    T("high_tech_firms_net_gain", "净增高新技术企业", "Net gain in high-tech enterprises", "100", "家", "以上", "count", "净增高新技术企业100家以上"),
    # (四)
    T("market_entities", "经营主体总量", "Total business entities", "55", "万户", "突破", "count", "力争经营主体总量突破55万户"),
    T("new_listed_firms", "新增上市企业", "Newly listed companies", "1", "家", "以上", "count", "力争新增上市企业1家以上"),
    T("neeq_listings", "新三板挂牌企业", "Firms listed on the NEEQ (New Third Board)", "2", "家", "以上", "count", "新三板挂牌企业2家以上"),
    T("regional_equity_market_listings", "区域性股权市场挂牌企业", "Firms listed on the regional equity market", "10", "家", "以上", "count", "区域性股权市场挂牌企业10家以上"),
    # (五)
    T("rice_mechanisation_rate", "水稻耕种收综合机械化率", "Rice ploughing-planting-harvesting mechanisation rate", "83", "%", "以上", "level", "水稻耕种收综合机械化率83%以上"),
    T("grain_sown_area", "粮食播种面积", "Grain sown area", "748", "万亩", "以上", "level", "确保粮食播种面积稳定在748万亩以上"),
    T("rapeseed_area", "油菜面积", "Rapeseed area", "180", "万亩", "", "level", "油菜、蔬菜面积稳定在180万亩"),
    T("vegetable_area", "蔬菜面积", "Vegetable area", "245", "万亩", "以上", "level", "油菜、蔬菜面积稳定在180万亩、245万亩以上"),
    T("hogs_slaughtered", "出栏生猪", "Hogs slaughtered", "700", "万头", "以上", "count", "出栏生猪700万头以上"),
    T("aquatic_output", "水产品总产量", "Aquatic products output", "11", "万吨", "以上", "level", "水产品总产量11万吨以上"),
    T("agri_leading_firms", "新增省级农业产业化龙头企业", "New provincial leading agribusiness firms", "12", "家", "", "count", "新增省级农业产业化龙头企业12家"),
    T("certified_agri_products", "“两品一标”产品", "Certified 'two products, one label' farm products", "320", "个", "", "count", "“两品一标”产品320个"),
    T("model_villages_provincial", "省级和美湘村示范村", "Provincial 'harmonious and beautiful Hunan village' model villages", "4", "个", "", "count", "创建省级和美湘村示范村4个"),
    T("model_villages_municipal", "市级和美湘村示范村", "Municipal 'harmonious and beautiful Hunan village' model villages", "30", "个", "", "count", "创建省级和美湘村示范村4个、市级30个"),
    # (七)
    T("good_air_quality_days", "空气质量优良天数", "Days of good air quality", "330", "天", "以上", "count", "力争全年空气质量优良天数330天以上"),
    T("water_quality_good_rate", "国考、省考断面水质优良率", "Share of national and provincial monitoring sections with good water quality", "100", "%", "", "level", "国考、省考断面水质优良率100%"),
)  # fmt: skip


def build_rows(raw: str) -> list[dict[str, str]]:
    """One CSV row per target, with its raw source span; raises if a phrase is missing."""
    report = parse_report(raw)
    rows = []
    for target in TARGETS:
        start, end = find_span(raw, target.phrase)
        source_text = raw[start:end]
        for part in (target.value, target.unit, target.qualifier):
            if part not in source_text:
                raise ValueError(f"{target.id}: {part!r} is not in its source {source_text!r}")
        rows.append(
            {
                "id": target.id,
                "section": report.section_at(start),
                "indicator_zh": target.indicator_zh,
                "indicator_en": target.indicator_en,
                "value": target.value,
                "unit": target.unit,
                "qualifier": target.qualifier,
                "kind": target.kind,
                "source_start": str(start),
                "source_end": str(end),
                "source_text": source_text,
            }
        )
    return rows


def render_csv(rows: list[dict[str, str]]) -> str:
    """The CSV text: header plus rows, ``\\n`` line ends, minimal quoting."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if targets.csv is stale")
    args = parser.parse_args(argv)
    expected = render_csv(build_rows(load_report_text(REPORT_PATH)))
    if args.check:
        current = TARGETS_PATH.read_bytes().decode("utf-8") if TARGETS_PATH.exists() else ""
        if current != expected:
            print(f"{TARGETS_PATH} is stale; run python -m data.build_targets", file=sys.stderr)
            return 1
        return 0
    with open(TARGETS_PATH, "w", encoding="utf-8", newline="") as handle:
        handle.write(expected)
    print(f"wrote {len(expected.splitlines()) - 1} targets to {TARGETS_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
