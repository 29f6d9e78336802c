"""The field vocabulary (data/fields.py) is the only list of fields: every consumer in data/
has exactly its columns, and the importer reads and prints the same words for the codes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from data import export, fields, gis_export, schema, store
from data.importer import cells, columns, plan
from data.importer.problems import CellError


def test_every_field_has_a_known_type_tables_and_both_labels():
    for spec in fields.FIELDS:
        assert spec.type in fields.TYPES, spec.name
        assert spec.tables and spec.tables <= set(fields.TABLES), spec.name
        assert spec.label_zh and spec.label_en, spec.name
        assert spec.codes is None or spec.codes in fields.CODES
    assert len(fields.FIELD_BY_KEY) == len(fields.FIELDS), "a key is listed twice"


def test_the_store_holds_the_project_and_annotation_fields():
    assert store.PROJECT_FIELDS == fields.keys(fields.PROJECT)
    assert store.EDITABLE_PROJECT_FIELDS == fields.keys(fields.EDIT)
    assert store.ANNOTATION_FIELDS == fields.keys(fields.ANNOTATION)
    assert store.EXPORT_COLUMNS == fields.keys(fields.EXPORT)
    bookkeeping = {"deleted", "dedupe_key", "version", "created_at", "created_by",
                   "updated_at", "updated_by"}  # fmt: skip
    project_columns = {c.name for c in store.Project.__table__.columns}
    assert project_columns == {"id", *fields.keys(fields.PROJECT), *bookkeeping}
    annotation_columns = {c.name for c in store.Annotation.__table__.columns}
    assert annotation_columns == {
        "initiative_id",
        *fields.keys(fields.ANNOTATION),
        "version",
        "updated_at",
        "updated_by",
    }


def test_the_importer_reads_the_import_fields_into_records_of_the_store_fields():
    assert tuple(spec.name for spec in columns.FIELDS) == fields.keys(fields.IMPORT)
    for spec in columns.FIELDS:
        for heading in (spec.name, spec.label_zh, spec.label_en, *spec.aliases):
            assert columns.field_for_header(heading) == spec.name, heading
    project = {f.name for f in dataclasses.fields(plan.ProjectRecord)} - {"row", "project_id"}
    assert project == set(fields.keys(fields.PROJECT))
    annotation = {f.name for f in dataclasses.fields(plan.AnnotationRecord)}
    assert annotation - {"row", "initiative_id"} == set(fields.keys(fields.ANNOTATION))


@pytest.mark.parametrize("name", ["projects_template_zh.csv", "projects_template_en.csv"])
def test_every_template_heading_is_an_import_field(name):
    path = Path(fields.__file__).parent / "templates" / name
    headings = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    mapping = columns.guess_mapping(headings)
    assert list(mapping) == headings
    assert set(mapping.values()) <= set(fields.keys(fields.IMPORT))


def test_the_exports_describe_the_vocabulary_columns():
    assert export.USER_DATA_COLUMNS == fields.dictionary(fields.EXPORT)
    assert [c.name for c in export.USER_DATA_COLUMNS] == list(fields.keys(fields.EXPORT))
    assert [c.name for c in gis_export.INITIATIVE_COLUMNS] == list(fields.keys(fields.REPORT))


def test_every_field_a_shapefile_holds_has_a_short_name():
    stored = [f for f in fields.FIELDS if f.tables & {fields.REPORT, fields.PROJECT, fields.EXPORT}]
    shp = gis_export.short_field_names([f.name for f in stored])
    for spec in stored:
        assert len(shp[spec.name]) <= gis_export.SHP_NAME_CHARS
        if len(spec.name) > gis_export.SHP_NAME_CHARS:
            assert spec.dbf, f"{spec.name} needs a dbf name in data/fields.py"
    assert len(set(shp.values())) == len(shp)


def test_the_schema_of_the_report_file_has_the_report_fields():
    assert tuple(schema.InitiativeProperties.model_fields) == fields.keys(fields.REPORT)
    assert schema.CATEGORIES == fields.CATEGORIES
    assert schema.PRECISIONS == fields.PRECISIONS


def test_a_project_is_never_a_route():
    assert set(fields.PROJECT_PRECISIONS) == set(fields.PRECISIONS) - {"schematic"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_importer_accepts_the_words_it_and_the_exports_print(lang):
    for code in fields.CATEGORY_CODES:
        words = code.zh if lang == "zh" else code.en
        assert cells.parse_category(words) == code.code
        assert export._coded_label("category", code.code, lang, {}) == words
    for code in fields.STATUS_CODES:
        words = code.zh if lang == "zh" else code.en
        assert cells.parse_status(words) == code.code
        assert export._coded_label("status", code.code, lang, {}) == words
    for code in fields.PRECISION_CODES:
        assert export._coded_label("precision", code.code, lang, {}) == (
            code.zh if lang == "zh" else code.en
        )


def test_the_unknown_category_message_lists_the_labels():
    with pytest.raises(CellError) as caught:
        cells.parse_category("不存在的类别")
    assert caught.value.zh.endswith("、".join(c.zh for c in fields.CATEGORY_CODES))
    assert caught.value.en.endswith(", ".join(fields.CATEGORIES))


def test_older_category_words_still_import():
    """Files written with the importer's words before the labels were unified still read."""
    assert cells.parse_category("消费活动") == "consumption_event"
    assert cells.parse_category("文旅") == "tourism"
    assert cells.parse_category("农业") == "agriculture"
