"""The report parser: every section, paragraph, sentence and span points into the raw text."""

import ast
import re
from pathlib import Path

import pytest

from data import report as report_module
from data.report import (
    REPORT_PATH,
    ReportFormatError,
    SpanNotFound,
    count_occurrences,
    find_span,
    load_report,
    load_report_text,
    normalise,
    parse_report,
    section_at,
    sentence_at,
)

# From the report's README (Python string offsets of the raw UTF-8 text).
HEADING_OFFSETS = {
    "一": 642,
    "二": 1614,
    "三": 3068,
    "四": 3726,
    "五": 4659,
    "六": 5461,
    "七": 6318,
    "八": 6898,
}
SECTION_KEYS = ["review", "targets", *HEADING_OFFSETS]
# The three page-break artefacts the README names: (before the gap, after the gap).
ARTEFACTS = [("千百", "十”工程"), ("研", "发等科创项目"), ("“四个不摘”", "要求")]


@pytest.fixture(scope="module")
def raw():
    """The project's copy of the report, as stored."""
    return load_report_text()


@pytest.fixture(scope="module")
def report(raw):
    """The parsed report."""
    return parse_report(raw)


def without_gaps(raw_slice):
    """The raw slice with newspaper blank lines taken out (independent of the mapping code)."""
    return "".join(raw_slice.split("\n\n"))


def test_report_path_is_repo_relative():
    assert REPORT_PATH.is_file()
    assert REPORT_PATH.parts[-3:] == ("data", "report", "report.txt")
    assert REPORT_PATH == Path(report_module.__file__).resolve().parent / "report" / "report.txt"


def test_raw_text_is_the_newspaper_fragment(raw):
    assert raw.startswith("\n\n政府工作报告\n\n(上接1版)")
    assert raw.endswith("(下转3版)")
    assert "\r" not in raw


def test_load_report_text_is_strict_and_keeps_newlines(tmp_path):
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes("一\r\n二".encode())
    assert load_report_text(crlf) == "一\r\n二"
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"\xe4\xb8")
    with pytest.raises(UnicodeDecodeError):
        load_report_text(broken)


def test_heading_offsets_match_the_readme(raw, report):
    for key, offset in HEADING_OFFSETS.items():
        assert raw[offset : offset + 3] == f"({key})"
        assert raw[offset - 1] == "\n"
        assert report.section(key).start == offset
        assert report.section(key).title.startswith(f"({key})坚持")


def test_targets_and_review_sections(raw, report):
    targets = report.section("targets")
    assert targets.start == raw.index("二、2024年工作安排")
    assert targets.title == "二、2024年工作安排"
    assert "主要预期目标是" in raw[targets.start : targets.end]
    review = report.section("review")
    assert (review.start, review.end) == (0, targets.start)
    assert "采取有效措施认真解决" in raw[review.start : review.end]


def test_sections_cover_the_text_in_order_without_gaps(raw, report):
    assert [s.key for s in report.sections] == SECTION_KEYS
    assert report.sections[0].start == 0
    assert report.sections[-1].end == len(raw)
    for before, after in zip(report.sections, report.sections[1:], strict=False):
        assert before.end == after.start
        assert before.start < before.end


def test_section_eight_is_truncated_at_the_end(raw, report):
    eight = report.section("八")
    assert eight.end == len(raw)
    assert raw[eight.start : eight.end].rstrip().endswith("(下转3版)")


def test_paragraph_slices_are_raw(raw, report):
    for paragraph in report.paragraphs:
        raw_slice = raw[paragraph.start : paragraph.end]
        assert without_gaps(raw_slice) == paragraph.text
        assert paragraph.text == paragraph.text.strip()
        if "\n" not in raw_slice:
            assert raw_slice == paragraph.text
        section = report.section(paragraph.section_key)
        assert section.start <= paragraph.start < paragraph.end <= section.end


def test_sentence_slices_are_raw(raw, report):
    for sentence in report.sentences:
        raw_slice = raw[sentence.start : sentence.end]
        assert without_gaps(raw_slice) == sentence.text
        assert sentence.text and sentence.text == sentence.text.strip()
        paragraph = report.paragraphs[sentence.paragraph_index]
        assert paragraph.start <= sentence.start < sentence.end <= paragraph.end
        assert sentence.section_key == paragraph.section_key


def test_indices_and_order(report):
    assert [p.index for p in report.paragraphs] == list(range(len(report.paragraphs)))
    assert [s.index for s in report.sentences] == list(range(len(report.sentences)))
    for elements in (report.paragraphs, report.sentences):
        for before, after in zip(elements, elements[1:], strict=False):
            assert before.end <= after.start


def test_every_visible_character_is_in_one_paragraph_and_one_sentence(raw, report):
    for elements in (report.paragraphs, report.sentences):
        owners = [0] * len(raw)
        for element in elements:
            for i in range(element.start, element.end):
                owners[i] += 1
        for i, char in enumerate(raw):
            assert owners[i] == 1 or (char.isspace() and owners[i] == 0), (i, char)


def test_sentences_concatenate_to_their_paragraph(report):
    for paragraph in report.paragraphs:
        sentences = [s for s in report.sentences if s.paragraph_index == paragraph.index]
        assert sentences, paragraph
        joined = "".join(s.text for s in sentences)
        assert re.sub(r"\s", "", joined) == re.sub(r"\s", "", paragraph.text)


def test_body_sentences_end_at_a_delimiter(report):
    for sentence in report.sentences:
        paragraph = report.paragraphs[sentence.paragraph_index]
        if paragraph.kind == "body" and sentence.text not in {"(上接1版)", "重点抓好以下工作:"}:
            assert sentence.text[-1] in "。;", sentence.text


def test_ascii_semicolons_split_sentences(raw, report):
    # The text prints its semicolons (and commas, colons) as ASCII, not full width.
    assert "\uff1b" not in raw and "\uff0c" not in raw and "\uff1a" not in raw
    assert raw.count(";") == 8
    sentence = sentence_at(raw.index("新兴产业方面"), report)
    assert sentence.text.startswith("新兴产业方面") and sentence.text.endswith(";")


def test_headings_are_sentences_of_their_own(report):
    for section in report.sections[1:]:
        sentence = report.sentence_at(section.start)
        assert sentence.text == section.title
        assert (sentence.start, sentence.end) == (section.start, section.start + len(section.title))
    heading = report.sentence_at(HEADING_OFFSETS["一"])
    assert heading.text == "(一)坚持项目为王、扩大内需,着力推动经济稳健增长"


def test_page_markers_and_masthead(report):
    kinds = {p.text: p.kind for p in report.paragraphs if p.kind != "body"}
    assert kinds["政府工作报告"] == "masthead"
    assert kinds["(下转3版)"] == "page_marker"
    assert kinds["二、2024年工作安排"] == "part_heading"
    assert report.sentences[1].text == "(上接1版)"
    assert report.sentences[2].text.startswith("统筹发展和安全任务繁重")


def test_no_quotation_in_this_text_holds_a_full_stop(raw):
    # So the quote rule below is exercised on a synthetic text only.
    quotes = re.findall(r"“[^”]*”", raw)
    assert len(quotes) == raw.count("“") == raw.count("”")
    assert not [q for q in quotes if re.search("[。!?;!?;]", q)]


def test_a_full_stop_inside_quotes_does_not_split():
    sample = "二、计划\n\n(一)标题\n\n他说:“好。走吧。”然后走了;随后“再见。”到家。\n"
    texts = [s.text for s in parse_report(sample).sentences]
    assert texts == [
        "二、计划",
        "(一)标题",
        "他说:“好。走吧。”",
        "然后走了;",
        "随后“再见。”",
        "到家。",
    ]


def test_full_width_stops_split_too():
    sample = "二、计划\n\n(一)标题\n\n甲\uff1b乙\uff01丙\uff1f丁。\n"
    texts = [s.text for s in parse_report(sample).sentences]
    assert texts == ["二、计划", "(一)标题", "甲\uff1b", "乙\uff01", "丙\uff1f", "丁。"]


def test_three_known_artefacts_are_repaired(raw, report):
    norm = normalise(raw)
    assert len(norm.gaps) == len(ARTEFACTS) == len(report.page_breaks)
    for before, after in ARTEFACTS:
        assert f"{before}\n\n{after}" in raw
        assert before + after in norm.text
        assert f"{before}\n\n{after}" not in norm.text
        assert any(before + after in p.text for p in report.paragraphs)
    assert "千百十”工程" in norm.text
    assert "研发等科创项目" in norm.text
    assert "“四个不摘”要求" in norm.text
    for gap_start, gap_end in norm.gaps:
        assert raw[gap_start:gap_end] == "\n\n"
    assert norm.text == without_gaps_at(raw, norm.gaps)


def without_gaps_at(raw, gaps):
    """``raw`` with the given spans cut out."""
    kept, previous = [], 0
    for start, end in gaps:
        kept.append(raw[previous:start])
        previous = end
    return "".join(kept) + raw[previous:]


def test_artefact_paragraphs_are_joined(raw, report):
    for before, after in ARTEFACTS:
        paragraph = report.paragraph_at(raw.index(f"{before}\n\n{after}"))
        assert before + after in paragraph.text
        assert f"{before}\n\n{after}" in raw[paragraph.start : paragraph.end]
        sentence = report.sentence_at(raw.index(after, raw.index(f"{before}\n\n{after}")))
        assert before + after in sentence.text
    blocks = [block for block in raw.split("\n\n") if block.strip()]
    assert len(report.paragraphs) == len(blocks) - len(ARTEFACTS)


def test_artefacts_are_detected_generically():
    sample = (
        "二、计划\n\n(一)标题\n\n开展试点工\n\n作。第二句。\n\n"
        "落实“三保”\n\n要求。\n\n他说:“完成。”\n\n下一段。"
    )
    parsed = parse_report(sample)
    body = [p.text for p in parsed.paragraphs if p.kind == "body"]
    assert body == ["开展试点工作。第二句。", "落实“三保”要求。", "他说:“完成。”", "下一段。"]
    assert len(parsed.page_breaks) == 2


def test_mapping_round_trips(raw):
    norm = normalise(raw)
    positions = [norm.to_raw(i) for i in range(len(norm.text) + 1)]
    assert positions == sorted(positions)
    assert positions[-1] == len(raw)
    for i, r in enumerate(positions[:-1]):
        assert norm.text[i] == raw[r]
    for i, r in enumerate(positions):
        assert norm.from_raw(r) == i
    for gap_start, gap_end in norm.gaps:
        junction = norm.from_raw(gap_end)
        for r in range(gap_start, gap_end + 1):
            assert norm.from_raw(r) == junction
    with pytest.raises(IndexError):
        norm.to_raw(len(norm.text) + 1)
    with pytest.raises(IndexError):
        norm.from_raw(-1)


def test_span_to_raw_includes_the_blank_line(raw):
    norm = normalise(raw)
    for before, after in ARTEFACTS:
        start = norm.text.index(before + after)
        raw_start, raw_end = norm.span_to_raw(start, start + len(before + after))
        assert raw[raw_start:raw_end] == f"{before}\n\n{after}"
        # A span that ends at the join stops before the gap.
        raw_start, raw_end = norm.span_to_raw(start, start + len(before))
        assert raw[raw_start:raw_end] == before


def test_find_span_across_an_artefact(raw):
    start, end = find_span(raw, "千百十”工程")
    assert raw[start:end] == "千百\n\n十”工程"
    start, end = find_span(raw, "关键技术研发等科创项目取得重大突破")
    assert raw[start:end] == "关键技术研\n\n发等科创项目取得重大突破"
    start, end = find_span(raw, "严格落实“四个不摘”要求")
    assert raw[start:end] == "严格落实“四个不摘”\n\n要求"


def test_find_span_plain_and_by_occurrence(raw):
    start, end = find_span(raw, "地区生产总值增长6.5%")
    assert raw[start:end] == "地区生产总值增长6.5%"
    assert count_occurrences(raw, "崑山") == 2
    first, second = find_span(raw, "崑山", 0), find_span(raw, "崑山", 1)
    assert first[0] < second[0]
    assert raw[second[0] : second[1]] == "崑山"
    assert count_occurrences(raw, "“") == raw.count("“")


def test_span_not_found(raw):
    with pytest.raises(SpanNotFound, match="上海"):
        find_span(raw, "上海")
    with pytest.raises(SpanNotFound) as caught:
        find_span(raw, "崑山", occurrence=2)
    assert caught.value.found == 2
    assert isinstance(caught.value, ValueError)
    assert count_occurrences(raw, "上海") == 0
    with pytest.raises(ValueError):
        find_span(raw, "")
    with pytest.raises(ValueError):
        find_span(raw, "邵阳", occurrence=-1)


def test_sentence_and_section_at(raw, report):
    offset = raw.index("争取国、省资金120亿元以上")
    assert "争取国、省资金120亿元以上" in sentence_at(offset).text
    assert section_at(offset) == "一"
    assert section_at(0) == "review"
    assert section_at(len(raw) - 1) == "八"
    assert section_at(raw.index("主要预期目标是")) == "targets"
    # Inside the blank line of an artefact: still the joined sentence.
    gap_start, _ = report.page_breaks[0]
    assert "千百十”工程" in sentence_at(gap_start).text
    with pytest.raises(ValueError):
        sentence_at(raw.index("\n\n", 200))
    with pytest.raises(ValueError):
        section_at(len(raw))


def test_parse_is_cached_on_the_default_path():
    assert load_report() is load_report()
    assert load_report().raw == load_report_text()


def test_headings_out_of_order_are_an_error():
    with pytest.raises(ReportFormatError):
        parse_report("二、计划\n\n(二)乙\n\n(一)甲\n")
    with pytest.raises(ReportFormatError):
        parse_report("没有标题。\n")


def test_report_module_does_not_import_streamlit():
    tree = ast.parse(Path(report_module.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert not [name for name in imported if name.split(".")[0] == "streamlit"]
