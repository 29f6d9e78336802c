"""Small files that once cost the importer gigabytes or minutes, generated on the fly.

Shared by tests/data/test_importer_bounds.py and bench/import_probes.py.
"""

from __future__ import annotations

import io
import json
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{shared}"
    "</Types>"
)
_SHARED_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>{shared}</Relationships>'
)
_SHARED_REL = (
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/>'
)
_SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "{dimension}<sheetData>{rows}</sheetData></worksheet>"
)


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx_from_sheet(
    sheet_rows: str, *, dimension: str = "", shared_strings: int | None = None
) -> bytes:
    """A minimal XLSX whose first sheet's <sheetData> is `sheet_rows` (raw XML); with
    `shared_strings`, a shared-string table of that many empty entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        shared = shared_strings is not None
        archive.writestr(
            "[Content_Types].xml", _CONTENT_TYPES.format(shared=_SHARED_TYPE if shared else "")
        )
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            _WORKBOOK_RELS.format(shared=_SHARED_REL if shared else ""),
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            _SHEET.format(
                dimension=f'<dimension ref="{dimension}"/>' if dimension else "", rows=sheet_rows
            ),
        )
        if shared:
            with archive.open("xl/sharedStrings.xml", "w") as part:
                part.write(
                    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                )
                chunk = b"<si><t/></si>" * 100_000
                for _ in range(shared_strings // 100_000):
                    part.write(chunk)
                part.write(b"<si><t/></si>" * (shared_strings % 100_000))
                part.write(b"</sst>")
    return buffer.getvalue()


def xlsx_dimension_bomb() -> bytes:
    """Declares A1:XFD50005 (16,384 columns by 50,005 rows) and holds a heading and one row at
    50005: openpyxl's read-only reader padded every row to the declared width."""
    rows = (
        '<row r="1">' + _inline("A1", "项目名称") + _inline("B1", "县市区") + "</row>"
        '<row r="50005">' + _inline("A50005", "产业园") + _inline("B50005", "邵东") + "</row>"
    )
    return xlsx_from_sheet(rows, dimension="A1:XFD50005")


def xlsx_wide_rows(count: int = 50_000) -> bytes:
    """`count` rows, each with one value in the last column (XFD): 16,384 cells a row if padded."""
    head = '<row r="1">' + _inline("A1", "项目名称") + _inline("B1", "县市区") + "</row>"
    body = "".join(f'<row r="{i}"><c r="XFD{i}"><v>1</v></c></row>' for i in range(2, count + 2))
    return xlsx_from_sheet(head + body)


def xlsx_shared_strings_bomb(count: int = 11_000_000) -> bytes:
    """A shared-string table of `count` empty strings (448 KB zipped for 11 million)."""
    rows = '<row r="1">' + _inline("A1", "项目名称") + _inline("B1", "县市区") + "</row>"
    return xlsx_from_sheet(rows, shared_strings=count)


def xlsx_formula_without_value() -> bytes:
    """A project name computed by a formula whose result the file does not hold."""
    rows = (
        '<row r="1">' + _inline("A1", "项目名称") + _inline("B1", "县市区") + "</row>"
        '<row r="2"><c r="A2" t="str"><f>CONCATENATE("产业","园")</f></c>'
        + _inline("B2", "邵东")
        + "</row>"
    )
    return xlsx_from_sheet(rows)


def geojson_many_names(count: int = 100_000, per_feature: int = 100) -> bytes:
    """`count` distinct property names, `per_feature` of them on each feature (2.7 MB for
    100,000): collecting names in a list made this quadratic."""
    features = [
        {
            "type": "Feature",
            "geometry": None,
            "properties": {f"p{i}": 0 for i in range(start, min(start + per_feature, count))},
        }
        for start in range(0, count, per_feature)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()
