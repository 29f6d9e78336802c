"""data/search_synonyms.csv: groups of words that stand for one another in the search box.

Pure loader: one row per word, ``group`` names the group, ``note`` says where the word comes
from (the report's own word, an everyday one, the one our English names use).
"""

from __future__ import annotations

import csv
from pathlib import Path

SYNONYMS_CSV = Path(__file__).resolve().parent / "search_synonyms.csv"
COLUMNS = ("group", "term", "note")


def read_search_synonyms(path: Path = SYNONYMS_CSV) -> tuple[tuple[str, ...], ...]:
    """The groups in file order, each a tuple of its words (blank words skipped)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path.name}: columns must be {', '.join(COLUMNS)}")
        groups: dict[str, list[str]] = {}
        for row in reader:
            term = (row["term"] or "").strip()
            if term:
                groups.setdefault(row["group"].strip(), []).append(term)
    return tuple(tuple(words) for words in groups.values())
