"""Peak memory and time of `python -m data.admin import FILE --dry-run` on hostile files.

    python bench/import_probes.py                 # this checkout
    python bench/import_probes.py --repo DIR      # another tree (e.g. an older commit, unpacked
                                                  # with `git archive REV data geo | tar -x -C DIR`)

Each probe runs in a child process capped at --cap-gb of address space and --timeout seconds
(so an unbounded importer cannot take the machine down while being measured). Prints one line
per probe: peak RSS of the child and its own children, wall time, exit status and the last
line the importer printed.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.data import hostile_files, hostile_gis_files  # noqa: E402

PROBES = {
    "xlsx dimension A1:XFD50005, row 50005": ("bomb.xlsx", hostile_files.xlsx_dimension_bomb),
    "xlsx 50,000 rows with a cell at XFD": ("wide.xlsx", hostile_files.xlsx_wide_rows),
    "xlsx 11 M shared strings": ("strings.xlsx", hostile_files.xlsx_shared_strings_bomb),
    "geojson 100k distinct property names": ("names.geojson", hostile_files.geojson_many_names),
    "/dev/zero": (None, None),
    "zip: .cpg of 300 MB of zeros": ("bomb.zip", hostile_gis_files.zip_bomb),
    "zip: .dbf lying about its size": ("lying.zip", hostile_gis_files.zip_lying_size),
    "gpkg: 50,000 points in EPSG:4546": ("many.gpkg", hostile_gis_files.gpkg_many_points),
    "gpkg: endless recursive view": ("endless.gpkg", hostile_gis_files.gpkg_endless_view),
}


def run(repo: Path, path: str, cap_bytes: int, timeout: float, store: str) -> tuple:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap_bytes, cap_bytes))

    env = {**os.environ, "SHAOYANG_DATA_DIR": store, "PYTHONPATH": str(repo)}
    env.pop("DATABASE_URL", None)
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "data.admin", "import", path, "--dry-run", "--lang", "en"],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=limit,
    )
    try:
        out, _ = child.communicate(timeout=timeout)
        status = child.returncode
    except subprocess.TimeoutExpired:
        child.kill()
        out, _ = child.communicate()
        status = "timeout"
    # wait4 already reaped it inside communicate(); the children's peak is in RUSAGE_CHILDREN,
    # which is a running maximum, so each probe runs from a fresh bench process (see main).
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    lines = [line for line in out.decode("utf-8", "replace").splitlines() if line.strip()]
    return peak_kb / 1024, elapsed, status, (lines[-1] if lines else "")[:110]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=REPO)
    parser.add_argument("--cap-gb", type=float, default=3.0)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--probe", help="run only this probe (used internally)")
    args = parser.parse_args()
    cap = int(args.cap_gb * 1024**3)
    if args.probe is None:
        print(f"importer at {args.repo}; cap {args.cap_gb} GB address space, {args.timeout:.0f} s")
        print(f"{'probe':42} {'peak RSS':>9} {'time':>8}  exit  last line")
        for name in PROBES:
            # A fresh process per probe: RUSAGE_CHILDREN keeps the maximum over all children.
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--repo",
                    str(args.repo),
                    "--cap-gb",
                    str(args.cap_gb),
                    "--timeout",
                    str(args.timeout),
                    "--probe",
                    name,
                ],
                check=False,
            )
        return
    filename, make = PROBES[args.probe]
    with tempfile.TemporaryDirectory() as tmp:
        if filename is None:
            path = "/dev/zero"
        else:
            path = str(Path(tmp) / filename)
            Path(path).write_bytes(make())
        rss, elapsed, status, last = run(args.repo, path, cap, args.timeout, tmp + "/store")
    print(f"{args.probe:42} {rss:7.0f} MB {elapsed:7.1f} s  {status!s:>4}  {last}")


if __name__ == "__main__":
    main()
