"""The interface names fields and codes as the field vocabulary (data/fields.py) does."""

from __future__ import annotations

import pytest

from components.i18n import STRINGS, t
from components.views import explorer as explorer_view
from data import fields


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_interface_words_for_codes_are_the_vocabulary_words(lang):
    for kind, codes in (
        ("category", fields.CATEGORY_CODES),
        ("precision", fields.PRECISION_CODES),
        ("data.status", fields.STATUS_CODES),
    ):
        for code in codes:
            assert t(f"{kind}.{code.code}", lang) == (code.zh if lang == "zh" else code.en)


def test_every_field_the_data_page_edits_has_a_label():
    for name in (*fields.EDITABLE_PROJECT_FIELDS, *fields.ANNOTATION_FIELDS):
        assert set(STRINGS[f"data.field.{name}"]) == {"zh", "en"}, name


def test_the_explorer_describes_vocabulary_columns_as_the_vocabulary_does():
    own = {"source", "id", "category_label", "county_names", "route_km"}
    for column in explorer_view.explorer_columns(mine=True):
        if column.name in fields.FIELD_BY_KEY and column.name not in own:
            assert column == fields.FIELD_BY_KEY[column.name].code_column(), column.name
    user = tuple(f"user_{name}" for name in fields.ANNOTATION_FIELDS)
    assert explorer_view.USER_COLUMNS == user
    assert explorer_view.MINE_COLUMNS[-len(user) :] == user
    report_keys = set(fields.keys(fields.REPORT)) | {"lon", "lat"}
    assert set(explorer_view.REPORT_COLUMNS) - own <= report_keys
