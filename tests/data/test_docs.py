"""data/README.md documents every dataset file and every initiative field (habit 7)."""

from __future__ import annotations

from pathlib import Path

from data.schema import InitiativeProperties

DATA = Path(__file__).resolve().parents[2] / "data"
README = (DATA / "README.md").read_text(encoding="utf-8")


def test_every_initiative_field_is_documented():
    missing = [name for name in InitiativeProperties.model_fields if f"`{name}`" not in README]
    assert missing == []


def test_every_dataset_file_is_documented():
    datasets = [
        p.relative_to(DATA).as_posix()
        for p in DATA.rglob("*")
        if p.is_file()
        and p.suffix in {".csv", ".geojson", ".txt", ".yaml"}
        and "templates" not in p.parts
    ]
    assert datasets
    missing = [name for name in datasets if f"`{name}`" not in README]
    assert missing == []
