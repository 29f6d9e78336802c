"""The project's field vocabulary: every field a record can carry, and every code it can hold.

One table, :data:`FIELDS`, says per field: its key, its type, its names in 中文 and English, the
column headings the importer accepts for it, its Shapefile (DBF) name when the key is longer
than ten characters, and which tables hold it:

- ``report``: a property of the report's initiatives (data/initiatives.geojson, data/schema.py);
- ``project``: a column of a planner's own project (the store);
- ``edit``: a project field a planner may change after the import;
- ``annotation``: a figure a planner adds to a report initiative;
- ``import``: a column of an import file;
- ``export``: a column of the planner's data as exported (it re-imports unchanged).

A table lists its fields in the order of :data:`FIELDS`. The code lists below (categories,
location precisions, statuses, record kinds) give each code its words in both languages and,
for the importer, the other words that mean it. The store, importer, exports, schema, explorer,
Data page and the interface's labels all read these; tests check that none keeps a list of its
own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# --------------------------------------------------------------------------- codes


@dataclass(frozen=True)
class Code:
    """One value of a coded field: its code, its words, and other words an import may use."""

    code: str
    zh: str
    en: str
    synonyms: tuple[str, ...] = ()


CATEGORY_CODES: tuple[Code, ...] = (
    Code(
        "infrastructure",
        "基础设施",
        "Infrastructure",
        ("交通", "基建", "基础设施建设", "水利", "能源"),
    ),
    Code(
        "industrial_project",
        "产业项目",
        "Industrial projects",
        ("工业", "工业项目", "产业", "制造业"),
    ),
    Code("industry_cluster", "产业集群", "Industry clusters"),
    Code("enterprise", "企业", "Enterprises"),
    # 消费活动 was the importer's own word before the labels were unified: still read.
    Code(
        "consumption_event",
        "消费与节会",
        "Consumption & events",
        ("消费活动", "消费", "会展", "活动"),
    ),
    Code("tourism", "文化旅游", "Tourism", ("文旅", "旅游", "文旅项目")),
    Code("agriculture", "农业农村", "Agriculture & rural", ("农业", "乡村振兴", "现代农业")),
    Code(
        "urban_renewal", "城市更新", "Urban renewal", ("城建", "城市建设", "老旧小区改造", "棚改")
    ),
    Code("ecology", "生态环保", "Ecology", ("生态", "环保", "生态环境")),
    Code("innovation", "科技创新", "Innovation", ("创新", "科技")),
    Code("reform_opening", "改革开放", "Reform & opening-up"),
    Code("county_positioning", "县域定位", "County positioning"),
    Code(
        "public_service",
        "公共服务",
        "Public services",
        ("民生", "社会事业", "教育", "医疗", "卫生"),
    ),
)

PRECISION_CODES: tuple[Code, ...] = (
    Code("site", "精确地点", "Exact site"),
    Code("town", "乡镇/大致位置", "Town / approximate point"),
    Code("county", "县域（只知道所在县）", "County level (the county only)"),
    Code("schematic", "示意线路", "Schematic line"),
    Code("citywide", "全市性", "City-wide"),
)
# A planner's project is located by a point, a town, a county or not at all: never a route.
PROJECT_PRECISIONS = ("site", "town", "county", "citywide")

STATUS_CODES: tuple[Code, ...] = (
    Code(
        "planned", "谋划", "planned", ("plan", "planning", "规划", "拟建", "前期", "储备", "计划")
    ),
    Code(
        "under_construction",
        "在建",
        "under construction",
        (
            "construction",
            "ongoing",
            "in progress",
            "续建",
            "新开工",
            "开工",
            "施工",
            "建设中",
            "实施中",
        ),
    ),
    Code(
        "completed",
        "建成",
        "completed",
        ("complete", "done", "finished", "竣工", "完工", "已完成", "已建成", "投产", "建成投产"),
    ),
)

KIND_CODES: tuple[Code, ...] = (
    Code("project", "自己的项目", "my project"),
    Code("annotation", "报告条目补充", "report item"),
)

CODES: dict[str, tuple[Code, ...]] = {
    "category": CATEGORY_CODES,
    "precision": PRECISION_CODES,
    "status": STATUS_CODES,
    "kind": KIND_CODES,
}
CATEGORIES = tuple(c.code for c in CATEGORY_CODES)
PRECISIONS = tuple(c.code for c in PRECISION_CODES)
STATUSES = tuple(c.code for c in STATUS_CODES)


def code_label(codes: str, code: str, lang: str) -> str:
    """The words for `code` of the code list `codes` in `lang` (the code itself if unknown)."""
    for entry in CODES[codes]:
        if entry.code == code:
            return entry.en if lang == "en" else entry.zh
    return code


def _legend(codes: tuple[Code, ...], lang: str) -> str:
    return " / ".join(f"{c.code} {c.zh}" if lang == "zh" else c.code for c in codes)


# --------------------------------------------------------------------------- fields


@dataclass(frozen=True)
class Column:
    """One column of a table as a column dictionary explains it."""

    name: str
    label_zh: str
    label_en: str
    description_zh: str = ""
    description_en: str = ""
    unit: str = ""


REPORT = "report"
PROJECT = "project"
EDIT = "edit"
ANNOTATION = "annotation"
IMPORT = "import"
EXPORT = "export"
TABLES = (REPORT, PROJECT, EDIT, ANNOTATION, IMPORT, EXPORT)

TYPES = ("slug", "text", "long_text", "code", "adcodes", "degrees", "amount", "date",
         "timestamp", "offset", "quantities")  # fmt: skip


@dataclass(frozen=True)
class Field(Column):
    """One field: a :class:`Column` (key and labels) plus its type, tables and import words.

    A coded field (``codes`` set) is labelled by its words (类别, 状态); the column of its codes
    is called ``code_zh``/``code_en`` (类别代码, status code) unless told otherwise.
    """

    type: str = "text"
    tables: frozenset[str] = frozenset()
    aliases: tuple[str, ...] = ()  # the import headings that mean it (besides key and labels)
    codes: str | None = None  # the key of CODES whose values it holds
    code_zh: str = ""
    code_en: str = ""
    max_chars: int | None = None  # the longest text an import or edit may give
    dbf: str = ""  # the Shapefile field name when the key is longer than ten characters
    required: bool = False  # a report property every initiative must have
    default: Any = None  # an optional report property's value when a file leaves it out

    @property
    def coded(self) -> bool:
        """Whether the stored values are codes that people read as words (counties too)."""
        return bool(self.codes or self.code_zh)

    def code_column(self) -> Column:
        """The column of the stored values (the codes, for a coded field)."""
        if not self.coded:
            return Column(*self._column_values())
        zh = self.code_zh or f"{self.label_zh}代码"
        en = self.code_en or f"{self.label_en} code"
        return Column(self.name, zh, en, self.description_zh, self.description_en, self.unit)

    def _column_values(self) -> tuple[str, str, str, str, str, str]:
        return (
            self.name,
            self.label_zh,
            self.label_en,
            self.description_zh,
            self.description_en,
            self.unit,
        )


def _tables(*names: str) -> frozenset[str]:
    unknown = set(names) - set(TABLES)
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}")
    return frozenset(names)


_PLANNER = (PROJECT, EXPORT, IMPORT)
_FIGURE = (PROJECT, EDIT, ANNOTATION, EXPORT, IMPORT)  # a figure of a project or an annotation
_CHARS = "字符 chars"

# The table itself: its order is every table's order.
FIELDS: tuple[Field, ...] = (
    Field(
        "kind", "记录类型", "record kind",  # 类型 alone would re-import as the category
        "project = 自己的项目；annotation = 对报告条目的补充",
        "project = your own project; annotation = figures added to a report initiative",
        type="code", codes="kind", tables=_tables(EXPORT),
    ),
    Field("id", "编号", "id", "稳定的可读编号", "stable readable slug", type="slug",
          tables=_tables(REPORT), required=True),
    Field(
        "project_id", "项目编号", "project id",
        "保留此列再导入即更新该项目", "keep it when re-importing to update the project",
        type="slug", tables=_tables(EXPORT, IMPORT), max_chars=80,
        aliases=("项目编号", "项目id", "记录编号", "project id"),
    ),
    Field(
        "initiative_id", "报告条目编号", "report initiative id",
        "报告条目的编号（只读的报告数据）", "id of the report initiative (read-only report data)",
        type="slug", tables=_tables(EXPORT, IMPORT), max_chars=80, dbf="init_id",
        aliases=("报告条目", "报告条目id", "initiative", "initiative id", "report id"),
    ),
    Field(
        "name_zh", "项目名称", "project name", "保留报告用词", "the report's wording",
        tables=_tables(REPORT, *_PLANNER, EDIT), max_chars=300, required=True,
        aliases=("名称", "项目", "name", "project", "名称(中文)", "name (chinese)"),
    ),
    Field(
        "name_en", "英文名称", "English name", tables=_tables(REPORT, *_PLANNER, EDIT),
        max_chars=300, required=True, aliases=("英文名", "name (english)"),
    ),
    Field(
        "category", "类别", "category", _legend(CATEGORY_CODES, "zh"),
        _legend(CATEGORY_CODES, "en"), type="code", codes="category",
        tables=_tables(REPORT, *_PLANNER, EDIT), required=True,
        aliases=("项目类别", "项目类型", "类型", "领域", "type"),
    ),
    Field(
        "top_ten", "十大项目", "top ten",
        "infrastructure 十大基础设施项目 / industrial 十大产业项目 / consumer_brand 十大消费品牌项目；空 = 不在其中",
        "which of the report's three lists of ten; empty = none", type="code",
        tables=_tables(REPORT),
    ),
    Field(
        "section", "报告章节", "report section",
        "targets = 主要预期目标；一 至 八 = 2024年工作安排各部分",
        "targets = the 2024 targets; 一 to 八 = the parts of the 2024 work plan",
        type="code", tables=_tables(REPORT), required=True,
    ),
    Field(
        "counties", "县市区", "counties",
        "6位行政区划代码，多个用逗号分隔；空 = 全市",
        "6-digit adcodes, comma-separated; empty = city-wide",
        type="adcodes", codes=None, code_zh="县市区代码", code_en="county adcodes",
        tables=_tables(REPORT, *_PLANNER), required=True,
        aliases=("县市区", "县(市、区)", "县市区名称", "区县", "县区", "所在县市区", "所在地",
                 "行政区", "行政区划代码", "adcode", "county", "district"),
    ),
    Field("town", "乡镇", "town", type="text", tables=_tables(*_PLANNER), max_chars=100,
          aliases=("乡镇(街道)", "乡镇街道", "所在乡镇", "township")),
    Field("lon", "经度", "longitude", "WGS-84", "WGS-84", "°", type="degrees",
          tables=_tables(*_PLANNER), aliases=("lng", "long", "x")),
    Field("lat", "纬度", "latitude", "WGS-84", "WGS-84", "°", type="degrees",
          tables=_tables(*_PLANNER), aliases=("y",)),
    Field(
        "datum", "坐标系", "datum", "导出坐标一律为 WGS-84", "exported coordinates are always WGS-84",
        type="code", tables=_tables(EXPORT, IMPORT),
        aliases=("坐标系统", "坐标类型", "crs", "coordinate system"),
    ),
    Field("source_start", "原文起点", "source start", "data/report/report.txt 中的字符位置",
          "character offset in data/report/report.txt", _CHARS, type="offset",
          tables=_tables(REPORT), dbf="src_start", required=True),
    Field("source_end", "原文终点", "source end", "同上（不含）", "as above (exclusive)", _CHARS,
          type="offset", tables=_tables(REPORT), dbf="src_end", required=True),
    Field("source_text", "报告原文", "report text", "该条目所在的报告原文片段",
          "the passage of the report the item comes from", type="long_text",
          tables=_tables(REPORT), dbf="src_text", default=""),
    Field(
        "precision", "定位精度", "location precision", _legend(PRECISION_CODES, "zh"),
        _legend(PRECISION_CODES, "en"), type="code", codes="precision",
        tables=_tables(REPORT, PROJECT, EXPORT), required=True,
    ),
    Field("commitment", "承诺力度", "commitment",
          "建成 开工 推进 运营 举办 打造 创建 培育 支持 争取 谋划", "from firmest (建成 complete) to 谋划 plan",
          type="code", tables=_tables(REPORT), required=True),
    Field("commitment_verb", "原文用词", "the report's verb", tables=_tables(REPORT),
          dbf="commit_vrb", default=""),
    Field("quantities", "报告给出的数量", "quantities stated",
          "原文数字（说明），多个用；分隔；空 = 报告未给出（不是零）",
          "the figure as printed (what it counts), separated by ；; empty = none stated (not zero)",
          type="quantities", tables=_tables(REPORT), default=()),
    Field("location_source", "定位来源", "location source", "定位所依据的来源",
          "where the location comes from", type="long_text",
          tables=_tables(REPORT, PROJECT, EXPORT), dbf="loc_source", default=""),
    Field("location_note", "位置说明", "location note", type="long_text", tables=_tables(REPORT),
          dbf="loc_note"),
    Field("cluster", "所属集群", "cluster", "企业所属集群的编号", "id of the cluster it anchors",
          type="slug", tables=_tables(REPORT)),
    Field("route_kind", "线路类型", "route kind",
          "hsr 高铁 / railway 铁路 / expressway 高速 / road 公路 / rail_service 班列 / corridor 产业走廊",
          "hsr / railway / expressway / road / rail_service / corridor", type="code",
          tables=_tables(REPORT)),
    Field("route_status", "线路状态", "route status",
          "planned / under_construction / open / unknown",
          "planned / under_construction / open / unknown", type="code", tables=_tables(REPORT),
          dbf="route_stat"),
    Field("route_status_note", "线路状态说明", "route status note", type="long_text",
          tables=_tables(REPORT), dbf="rt_st_note"),
    Field("counties_beyond_geometry", "线外县市区", "counties beyond the line",
          "来源提到但示意线未经过的县市区", "counties the source names that the drawn line does not reach",
          type="adcodes", tables=_tables(REPORT), dbf="cnty_beyon", default=()),
    Field(
        "status", "状态", "status", _legend(STATUS_CODES, "zh"), _legend(STATUS_CODES, "en"),
        type="code", codes="status", tables=_tables(*_FIGURE),
        aliases=("项目状态", "建设状态", "进度"),
    ),
    Field(
        "investment", "总投资", "total investment", "金额须带单位（亿元或万元）",
        "amounts need their unit (亿元 or 万元)", type="amount", tables=_tables(IMPORT),
        aliases=("投资", "投资额", "总投资额", "计划总投资", "amount"),
    ),
    Field(
        "investment_yi", "总投资(亿元)", "total investment (100 million CNY)", unit="亿元",
        type="amount", tables=_tables(*_FIGURE), dbf="invest_yi",
        aliases=("investment (亿元)", "amount_yi"),
    ),
    Field("investment_wan", "总投资(万元)", "total investment (10,000 CNY)", unit="万元",
          type="amount", tables=_tables(IMPORT), aliases=("investment (万元)", "amount_wan")),
    Field(
        "start_date", "开工时间", "start date", unit="YYYY-MM-DD", type="date",
        tables=_tables(*_FIGURE),
        aliases=("开工日期", "开始时间", "开始日期", "起始时间", "start"),
    ),
    Field(
        "end_date", "竣工时间", "end date", unit="YYYY-MM-DD", type="date",
        tables=_tables(*_FIGURE),
        aliases=("竣工日期", "完工时间", "完工日期", "结束时间", "结束日期", "end"),
    ),
    Field(
        "responsible_unit", "责任单位", "responsible unit", tables=_tables(*_FIGURE),
        max_chars=300, dbf="resp_unit",
        aliases=("牵头单位", "建设单位", "业主单位", "responsible"),
    ),
    Field(
        "note", "备注", "note", type="long_text", tables=_tables(REPORT, *_FIGURE),
        max_chars=5000, aliases=("说明", "notes", "remark", "remarks", "comment"),
    ),
    Field("updated_at", "最后修改时间", "last changed", "UTC", "UTC", type="timestamp",
          tables=_tables(EXPORT)),
    Field("updated_by", "最后修改人", "last changed by", tables=_tables(EXPORT)),
)  # fmt: skip
FIELD_BY_KEY: dict[str, Field] = {f.name: f for f in FIELDS}


def table(name: str) -> tuple[Field, ...]:
    """The fields of one table (see the module's docstring), in order."""
    if name not in TABLES:
        raise ValueError(f"unknown table {name!r}")
    return tuple(f for f in FIELDS if name in f.tables)


def keys(name: str) -> tuple[str, ...]:
    """The field keys of one table, in order."""
    return tuple(f.name for f in table(name))


REPORT_FIELDS = keys(REPORT)
PROJECT_FIELDS = keys(PROJECT)
EDITABLE_PROJECT_FIELDS = keys(EDIT)
ANNOTATION_FIELDS = keys(ANNOTATION)
IMPORT_FIELDS = keys(IMPORT)
EXPORT_FIELDS = keys(EXPORT)


def dictionary(name: str) -> tuple[Column, ...]:
    """The column dictionary of one table: coded fields under their code headings."""
    return tuple(f.code_column() for f in table(name))


def dbf_names() -> dict[str, str]:
    """{key: Shapefile field name} for the fields whose key is too long for a DBF."""
    return {f.name: f.dbf for f in FIELDS if f.dbf}
