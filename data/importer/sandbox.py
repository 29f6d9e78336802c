"""Reading a file from outside in a child process with memory and time limits, remembered by hash."""

from __future__ import annotations

import math
import sys
from collections import OrderedDict
from pathlib import Path
from typing import Any

from data.importer.problems import FileProblem
from data.importer.readers import MAX_BYTES, MAX_ZIP_UNPACKED, Table, _too_large, read_table

REPO = Path(__file__).resolve().parents[2]

# A parse gets this much address space and CPU time in its own process; the app's process is
# never at risk from one file. The child imports only the readers (no numpy, no shapely): it maps
# about 0.12 GB before reading anything (0.43 GB once a GIS file loads GDAL and geopandas).
PARSE_MEMORY_BYTES = 1024 * 1024 * 1024
PARSE_SECONDS = 30
# What the child may write into its scratch folder (an unpacked Shapefile, a GeoPackage).
PARSE_FILE_BYTES = MAX_ZIP_UNPACKED + 1024 * 1024
_PARSED: OrderedDict[str, Table | FileProblem] = OrderedDict()
_PARSED_KEEP = 4


# The child limits itself before importing anything (a preexec_fn is unsafe in a threaded
# server such as Streamlit's).
_CHILD_CODE = (
    "import resource; "
    "resource.setrlimit(resource.RLIMIT_AS, ({0}, {0})); "
    "resource.setrlimit(resource.RLIMIT_CPU, ({1}, {1} + 5)); "
    "resource.setrlimit(resource.RLIMIT_FSIZE, ({2}, {2})); "
    "from data.importer.sandbox import _parse_child; _parse_child()"
)


def _parse_child() -> None:
    """The child's side: the file's bytes on stdin, its name and a scratch folder in argv;
    ("table"|"problem", value) pickled on stdout."""
    import pickle

    content, filename, workdir = sys.stdin.buffer.read(), sys.argv[1], Path(sys.argv[2])
    try:
        out: tuple[str, Any] = ("table", read_table(content, filename, workdir=workdir))
    except FileProblem as exc:
        out = ("problem", exc.problem)
    except MemoryError:
        sys.exit(3)
    sys.stdout.buffer.write(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))


def _too_complex(suffix: str = "") -> FileProblem:
    if suffix in (".gpkg", ".zip"):
        return FileProblem(
            "too_complex",
            f"读取此文件需要超过 {PARSE_MEMORY_BYTES // 1024 // 1024} MB 内存（或已损坏），已停止："
            "请在 QGIS 或 ArcGIS 中重新导出",
            f"reading this file needs more than {PARSE_MEMORY_BYTES // 1024 // 1024} MB of memory "
            "(or it is damaged), so it was stopped: export it again from QGIS or ArcGIS",
        )
    return FileProblem(
        "too_complex",
        f"读取此文件需要超过 {PARSE_MEMORY_BYTES // 1024 // 1024} MB 内存，已停止：文件声明的内容远多于实际数据，"
        "请在 Excel 中另存为新的 XLSX 或 CSV",
        f"reading this file needs more than {PARSE_MEMORY_BYTES // 1024 // 1024} MB of memory, so "
        "it was stopped: it declares far more than it holds; save it again from Excel as XLSX or CSV",
    )


def _too_slow(suffix: str = "") -> FileProblem:
    if suffix in (".gpkg", ".zip"):
        return FileProblem(
            "too_slow",
            f"读取此文件超过 {PARSE_SECONDS} 秒，已停止：请拆分图层，或在 QGIS 或 ArcGIS 中只导出点图层",
            f"reading this file took over {PARSE_SECONDS} seconds, so it was stopped: split the "
            "layer, or export only the point layer from QGIS or ArcGIS",
        )
    return FileProblem(
        "too_slow",
        f"读取此文件超过 {PARSE_SECONDS} 秒，已停止：请拆分文件或另存为 CSV",
        f"reading this file took over {PARSE_SECONDS} seconds, so it was stopped: split it, or "
        "save it as CSV",
    )


def read_table_isolated(content: bytes, filename: str = "") -> Table:
    """:func:`read_table` in a child process limited to PARSE_MEMORY_BYTES and PARSE_SECONDS,
    remembered by the file's hash (a rerun with the same file does not parse it again)."""
    import hashlib
    import os
    import pickle
    import subprocess
    import tempfile

    if len(content) > MAX_BYTES:
        raise _too_large(f"{len(content) / 1024 / 1024:.1f} MB")
    suffix = Path(filename).suffix.lower()
    key = hashlib.sha256(content).hexdigest() + "|" + suffix
    if key not in _PARSED:
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        memory, seconds = int(PARSE_MEMORY_BYTES), max(1, math.ceil(PARSE_SECONDS))
        code = _CHILD_CODE.format(memory, seconds, int(PARSE_FILE_BYTES))
        try:
            # The scratch folder is the parent's: removed even when the child is killed.
            with tempfile.TemporaryDirectory(prefix="shaoyang-import-") as scratch:
                done = subprocess.run(
                    [sys.executable, "-c", code, filename, scratch],
                    input=content,
                    capture_output=True,
                    timeout=PARSE_SECONDS,
                    cwd=REPO,
                    env=env,
                    check=False,
                )
        except subprocess.TimeoutExpired:
            outcome: Table | FileProblem = _too_slow(suffix)
        else:
            if done.returncode == 0 and done.stdout:
                # Written by our own child process from the parsed cells, never the file's bytes.
                kind, value = pickle.loads(done.stdout)  # noqa: S301
                outcome = (
                    value
                    if kind == "table"
                    else FileProblem(value.code, value.zh, value.en, row=value.row)
                )
            elif done.returncode in (-9, -24, 128 + 24) or b"CPU" in done.stderr:
                outcome = _too_slow(suffix)
            else:
                outcome = _too_complex(suffix)
        _PARSED[key] = outcome
        while len(_PARSED) > _PARSED_KEEP:
            _PARSED.popitem(last=False)
    _PARSED.move_to_end(key)
    outcome = _PARSED[key]
    if isinstance(outcome, FileProblem):
        raise outcome
    return outcome
