"""The administrator's tools. They run with the server's environment (its edit password and
read-only switch included) and sit above the store and the importer, which never import them.

    python -m data.admin import FILE [--dry-run] [--datum gcj02] [--user NAME]
                                     [--lang zh|en|both] [--skip-invalid [--skipped-csv FILE]]
    python -m data.admin postgis

``import`` validates a planner's file and writes it to the store in one transaction (exit 1
and nothing written if a row is invalid, unless --skip-invalid); ``postgis`` sets up PostGIS on
the store at ``$DATABASE_URL`` and says what the QGIS view holds.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa

from data import postgis
from data.importer.plan import plan_import
from data.importer.problems import FileProblem
from data.importer.readers import read_file_bounded
from data.store import ProjectStore, ReadOnlyError, StoreError, database_url, open_store


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m data.admin", description=__doc__.split("\n\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser(
        "import",
        description="Import planners' project data (CSV in UTF-8 or GBK, XLSX, GeoJSON, "
        "GeoPackage, zipped Shapefile) into the store. "
        "One line per problem; exit 1 if any row is invalid (nothing is written then, unless "
        "--skip-invalid). The administrator's tool: it writes with the server's own "
        "SHAOYANG_EDIT_PASSWORD and honours SHAOYANG_READ_ONLY.",
    )
    importing.add_argument("file", type=Path)
    importing.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    importing.add_argument(
        "--datum",
        default="wgs84",
        help="datum of coordinates without a datum cell: wgs84, gcj02 or bd09 (default wgs84); "
        "a GeoPackage or a Shapefile with a .prj declares its own CRS, which is used instead",
    )
    importing.add_argument(
        "--user", default=None, help="name recorded in the change log (default: $USER)"
    )
    importing.add_argument(
        "--lang", choices=("zh", "en", "both"), default="both", help="language of the messages"
    )
    importing.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the valid rows (one transaction) and skip the rows with problems, which are "
        "written with their messages to --skipped-csv",
    )
    importing.add_argument(
        "--skipped-csv",
        type=Path,
        default=None,
        help="where --skip-invalid writes the skipped rows (default: FILE_STEM.skipped.csv in "
        "the current directory)",
    )
    commands.add_parser("postgis", help="set up PostGIS on $DATABASE_URL and report the view")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "postgis":
        return postgis_check()
    return import_file(args)


def import_file(args: argparse.Namespace) -> int:
    """Validate args.file and apply it to the store; print one line per problem."""
    lang = args.lang
    try:
        content = read_file_bounded(args.file)
    except OSError as exc:
        print(f"cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    except FileProblem as exc:
        print(exc.problem.line(lang))
        return 1
    try:
        store = open_store()
        existing = store.existing()
    except StoreError as exc:
        print(f"{exc}; nothing imported", file=sys.stderr)
        return 2
    plan = plan_import(content, args.file.name, datum=args.datum, existing=existing, isolated=True)
    for notice in plan.notices:
        print("note: " + notice.line(lang), file=sys.stderr)
    for problem in plan.problems:
        print(problem.line(lang))
    skipped_to: Path | None = None
    if not plan.ok and args.skip_invalid and plan.can_skip:
        skipped_to = args.skipped_csv or Path(f"{args.file.stem}.skipped.csv")
        if not args.dry_run:
            skipped_to.write_bytes(plan.skipped_rows_csv(lang))
        plan = plan.skipping_problems()
    if not plan.ok:
        count = len(plan.problems)
        print(
            {
                "zh": f"{count} 个问题，未导入任何数据",
                "en": f"{count} problem(s); nothing imported",
                "both": f"{count} 个问题，未导入任何数据 | {count} problem(s); nothing imported",
            }[lang],
            file=sys.stderr,
        )
        return 1
    actor = args.user or os.environ.get("USER") or "cli"
    try:
        # The administrator's tool: whoever runs it has the server's environment, edit
        # password included, so it unlocks with that (and is refused like the page without it).
        auth = store.unlock(os.environ.get("SHAOYANG_EDIT_PASSWORD"), client="cli")
        result = store.apply_import(plan, actor=f"cli:{actor}", dry_run=args.dry_run, auth=auth)
    except ReadOnlyError:
        print(
            "the store is read-only (SHAOYANG_READ_ONLY is set); nothing imported", file=sys.stderr
        )
        return 2
    except StoreError as exc:
        print(f"{exc}; nothing imported", file=sys.stderr)
        return 1
    prefix = "dry run, nothing written: would be " if args.dry_run else ""
    print(f"{prefix}{result.added} added, {result.updated} updated, {result.unchanged} unchanged")
    if skipped_to is not None:
        where = "" if args.dry_run else f"; they are in {skipped_to} with their messages"
        print(f"{plan.skipped_row_count} row(s) with problems skipped{where}")
    return 0


def postgis_check() -> int:
    """Open the store at $DATABASE_URL with PostGIS and say how many rows the view has."""
    url = database_url()
    if not url.startswith("postgresql"):
        print("DATABASE_URL does not name a PostgreSQL database; nothing to do", file=sys.stderr)
        return 2
    store = ProjectStore(url)
    if not store.postgis:
        print("PostGIS is not available on this server (or SHAOYANG_POSTGIS=0)", file=sys.stderr)
        return 1
    with store.engine.connect() as connection:
        count = connection.scalar(sa.text("SELECT count(*) FROM planning_items"))
    print(f"PostGIS ready: view {postgis.VIEW} has {count} rows; add it in QGIS as a PostGIS layer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
