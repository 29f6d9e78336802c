"""Planners' own project data: read a CSV, XLSX, GeoJSON, GeoPackage or zipped Shapefile and
validate it row by row.

Pure: reading and validating never touch the store. ``plan_import`` returns an
:class:`ImportPlan` (the valid records and every problem, each in Chinese and English with the
spreadsheet row number: the header is row 1, the first data row is row 2); the store applies a
plan in one transaction, all or nothing — or, on request, the valid rows only, the problem rows
handed back as a CSV with their messages (:meth:`ImportPlan.skipping_problems`).

``python -m data.admin import FILE [--dry-run] [--skip-invalid]`` runs both (data/admin.py:
the administrator's tool, above the store, runs with the server's environment and so with
its edit password).
Files from outside are read in a child process limited in memory and time
(:func:`read_table_isolated`); every reader stops at the size, row and column limits as it
reads, whatever the file declares.

A row is one of
- a project of the user's own (no ``initiative_id``); with a ``project_id`` it replaces that
  stored project (the round trip of an export), without one it is added;
- an annotation of a report initiative (``initiative_id`` set): status, investment, dates,
  responsible unit and note for an item the report names. The report keeps its location.

Coordinates are stored in WGS-84: ``gcj02`` is converted with ``geo.datum``, ``bd09`` (Baidu)
first to GCJ-02 with the public Baidu formula (also in ``geo.datum``), then to WGS-84.

The package, by what a reader looks for:

- ``problems``: :class:`Problem`, :class:`FileProblem`, :class:`CellError`, :func:`show`
- ``columns``: which field a column heading means
- ``readers``: files to cells, bounded as they read (no numpy: the child process imports it)
- ``sandbox``: :func:`read_table_isolated`, a read in a limited child process, cached by hash
- ``cells``: amounts, dates, statuses, categories, datums, coordinates, text
- ``places``: datums to WGS-84, points into counties, county and town names
- ``plan``: :func:`validate`, :func:`plan_import` and the :class:`ImportPlan`

Every name is also reachable as ``data.importer.NAME``; the submodule is imported on first use,
so a process that only reads files never loads numpy or shapely.
"""

from __future__ import annotations

import importlib
from typing import Any

# Searched in this order, the light ones first.
_SUBMODULES = ("problems", "columns", "readers", "sandbox", "cells", "places", "plan")


def __getattr__(name: str) -> Any:
    for submodule in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{submodule}")
        if name in vars(module):
            return vars(module)[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    names: set[str] = set(globals())
    for submodule in _SUBMODULES:
        names |= set(vars(importlib.import_module(f"{__name__}.{submodule}")))
    return sorted(names)
