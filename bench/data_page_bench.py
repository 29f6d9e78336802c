"""The Data page with many stored projects: time and memory per interaction (AppTest).

    python bench/data_page_bench.py [--projects 50000] [--page PATH]

Seeds a fresh SQLite store with N projects (one import), then runs the page as a visitor
would: the first load, a switch of tab-independent widget (the coordinate system select) and
a second one, and prints the wall time of each run and the process's peak RSS. --page runs
another version of the page file (e.g. an older one from `git show REV:pages/my_data.py`)
against this checkout's store.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

COUNTIES = ["邵东市", "新宁县", "隆回县", "武冈市", "城步", "双清区", "大祥区", "北塔区"]


def seed(count: int) -> None:
    from data import importer
    from data.store import open_store

    lines = ["项目名称,县市区,状态,总投资,类别"]
    lines += [
        f"项目{i:06d},{COUNTIES[i % len(COUNTIES)]},在建,{i % 97 + 1}亿元,基础设施"
        for i in range(count)
    ]
    plan = importer.plan_import("\n".join(lines).encode(), "seed.csv")
    assert plan.ok, plan.problems[:3]
    open_store().apply_import(plan, actor="bench")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=50_000)
    parser.add_argument("--page", type=Path, default=REPO / "pages" / "my_data.py")
    args = parser.parse_args()
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SHAOYANG_DATA_DIR"] = tmp
        for name in ("DATABASE_URL", "SHAOYANG_READ_ONLY", "SHAOYANG_EDIT_PASSWORD"):
            os.environ.pop(name, None)
        start = time.perf_counter()
        seed(args.projects)
        print(f"seeded {args.projects:,} projects in {time.perf_counter() - start:.1f} s")
        before = peak_mb()
        print(f"page: {args.page}")
        print(f"peak RSS before the page: {before:,.0f} MB")
        at = AppTest.from_file(str(args.page), default_timeout=600)
        at.query_params["lang"] = "zh"
        start = time.perf_counter()
        at.run()
        print(f"first load        {time.perf_counter() - start:6.2f} s  peak {peak_mb():,.0f} MB")
        assert not at.exception, at.exception
        for datum in ("gcj02", "bd09"):
            start = time.perf_counter()
            at.selectbox(key="data_datum").set_value(datum).run()
            elapsed = time.perf_counter() - start
            print(f"interaction       {elapsed:6.2f} s  peak {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
