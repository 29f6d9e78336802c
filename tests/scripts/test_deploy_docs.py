"""docs/deploy.md documents every setting the cluster launcher and the PostGIS module read."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented():
    docs = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    code = (ROOT / "scripts" / "serve_cluster.sh").read_text() + (
        ROOT / "data" / "postgis.py"
    ).read_text(encoding="utf-8")
    settings = set(re.findall(r"\b(SHAOYANG_[A-Z_]+|DATABASE_URL)\b", code))
    # The throwaway PostgreSQL's own knobs belong to scripts/start_postgres.sh.
    settings -= {"SHAOYANG_PG_DIR", "SHAOYANG_PG_DB"}
    assert {"DATABASE_URL", "SHAOYANG_POSTGIS", "SHAOYANG_CLUSTER_DIR"} <= settings
    missing = sorted(s for s in settings if f"`{s}" not in docs)
    assert missing == []
