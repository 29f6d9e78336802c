"""数据 · Data: import planners' spreadsheets, add figures to report items, undo, export.

Thin: widgets in, data.importer / data.store / data.export do the work. User text is only ever
shown through st.dataframe, st.text or widget options, which render it as plain text (never as
Markdown or HTML). Every write passes this session's unlock token; the store checks it again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from decimal import Decimal
from pathlib import Path

import pandas as pd
import streamlit as st

from components import cache as cached
from components.frame import sidebar
from components.i18n import t
from components.views import gis_downloads
from data import export, fields, importer
from data.store import (
    ConflictError,
    NotAllowedError,
    ReadOnlyError,
    StoreError,
    StoreUnavailableError,
    open_store,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"
# The forms edit what the store lets a planner change (data/fields.py).
PROJECT_FORM_FIELDS = fields.EDITABLE_PROJECT_FIELDS
NOTE_FORM_FIELDS = fields.ANNOTATION_FIELDS
CODE_OPTIONS = {
    name: (None, *(c.code for c in fields.CODES[name])) for name in ("status", "category")
}
PAGE_ROWS = 200
PREVIEW_ROWS = 1000

lang = sidebar.language_switch()

if "data_session" not in st.session_state:
    st.session_state.data_session = "session-" + secrets.token_hex(3)
session_id = st.session_state.data_session

st.title(t("data.title", lang))
st.caption(t("data.intro", lang))


def flash(kind: str, key: str, **values) -> None:
    """A message for the next run (our own strings and numbers only: never user text)."""
    st.session_state.data_flash = (kind, key, values)


def code_label(name: str, code: str | None) -> str:
    """The words for a status or category code (未知 for none)."""
    if code is None:
        return t("data.status.none", lang)
    return t(f"data.status.{code}" if name == "status" else f"{name}.{code}", lang)


def show_error(exc: Exception) -> None:
    """A store refusal: our message, then the technical detail as plain text."""
    if isinstance(exc, ConflictError):
        st.error(t("data.conflict", lang))
    elif isinstance(exc, NotAllowedError | ReadOnlyError):
        st.error(t("data.not_allowed", lang))
    elif isinstance(exc, StoreUnavailableError):
        st.error(t("data.store_unavailable", lang))
        return
    else:
        st.error(t("data.invalid", lang))
    st.text(str(exc))


def people_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The user-data export frame with headings and values in the UI language."""
    shown = export.user_data_for_people(frame, lang, importer.county_names())
    empty = [c for c in shown.columns if shown[c].isna().all()]
    return export.spreadsheet_frame(shown.drop(columns=empty), neutralise_cells=False)


def pager(total: int, key: str) -> tuple[int, int]:
    """(offset, limit) of the page of rows the user chose; tables never hold every row."""
    pages = max(1, -(-total // PAGE_ROWS))
    if pages == 1:
        return 0, PAGE_ROWS
    number = st.number_input(
        t("data.page_number", lang, pages=pages, total=total),
        min_value=1,
        max_value=pages,
        value=1,
        step=1,
        key=key,
    )
    return (int(number) - 1) * PAGE_ROWS, PAGE_ROWS


# ---------------------------------------------------------------- who may edit


def write_gate(store) -> tuple[bool, str | None, str]:
    """(may this session write, its unlock token, the name its changes are recorded under)."""
    if store.read_only:
        st.info(t("data.read_only", lang))
        return False, None, session_id
    if not store.password_required:
        editor = st.text_input(
            t("data.editor", lang),
            key="data_editor",
            max_chars=60,
            help=t("data.editor_help", lang, session=session_id),
        ).strip()
        # The session id makes "undo my last change" this session's, whatever name is typed.
        return True, None, f"{editor} · {session_id}" if editor else session_id
    token = st.session_state.get("data_auth")
    if token and store.may_write(token):
        name = st.session_state.get("data_editor_name") or session_id
        left, right = st.columns([3, 1])
        left.caption(t("data.unlocked_as", lang, session=session_id))
        left.text(name)
        if right.button(t("data.lock", lang), key="data_lock"):
            st.session_state.pop("data_auth", None)
            st.rerun()
        return True, token, f"{name} · {session_id}"
    with st.form("data_unlock"):
        left, right = st.columns(2)
        name = left.text_input(t("data.editor", lang), max_chars=60, key="data_editor")
        password = right.text_input(t("data.password", lang), type="password", key="data_password")
        submitted = st.form_submit_button(t("data.unlock", lang))
    wait = store.unlock_wait(session_id)
    if submitted:
        if wait > 0:
            st.error(t("data.locked_out", lang, minutes=max(1, round(wait / 60))))
        else:
            token = store.unlock(password, session_id)
            if token:
                st.session_state.data_auth = token
                st.session_state.data_editor_name = name.strip()
                st.rerun()
            st.error(t("data.password_wrong", lang))
    else:
        st.caption(t("data.password_needed", lang))
    return False, None, session_id


# ---------------------------------------------------------------- editing with conflicts


def _same_amount(old: Decimal, new: str) -> bool:
    try:
        return importer.parse_amount(new, "亿元") == old
    except importer.CellError:
        return False


def figures_form(key: str, seen: dict, fields: tuple[str, ...], can_edit: bool) -> dict | None:
    """The edit form over the values the editor saw (`seen`); returns the changed fields.

    Keyed by the record, not its version: a save by someone else meanwhile does not swap the
    form away (and the user's input with it); the store then merges or reports the conflict.
    """
    with st.form(key):
        values: dict = {}
        for name in fields:
            label = t(f"data.field.{name}", lang)
            current = seen.get(name)
            if name in CODE_OPTIONS:
                options = CODE_OPTIONS[name]
                values[name] = st.selectbox(
                    label,
                    options,
                    index=options.index(current) if current in options else 0,
                    format_func=lambda code, name=name: code_label(name, code),
                )
            elif name == "investment_yi":
                values[name] = st.text_input(
                    label, value="" if current is None else format(current, "f")
                )
            elif name in ("start_date", "end_date"):
                values[name] = st.date_input(
                    label,
                    value=current,
                    min_value=dt.date(1900, 1, 1),
                    max_value=dt.date(2100, 12, 31),
                )
            elif name == "note":
                values[name] = st.text_area(label, value=current or "")
            else:
                values[name] = st.text_input(label, value=current or "")
        submitted = st.form_submit_button(t("data.save", lang), disabled=not can_edit)
    if not submitted:
        return None
    changed = {}
    for name, value in values.items():
        old = seen.get(name)
        new = value.strip() if isinstance(value, str) else value
        if name == "investment_yi":
            same = (old is None and new == "") or (
                old is not None and new != "" and _same_amount(old, new)
            )
        else:
            same = (old or None) == (new or None)
        if not same:
            changed[name] = new if new != "" else None
    return changed


def edit_record(kind: str, record_id: str, current: dict, gate: tuple) -> None:
    """The form for one project or annotation, with what the editor saw kept in the session."""
    can_edit, auth, actor = gate
    fields = PROJECT_FORM_FIELDS if kind == "project" else NOTE_FORM_FIELDS
    seen_key = f"data_seen_{kind}_{record_id}"
    if seen_key not in st.session_state:
        st.session_state[seen_key] = {
            **{name: current.get(name) for name in fields},
            "version": current.get("version", 0),
        }
    seen = st.session_state[seen_key]
    if current.get("version", 0) != seen["version"]:
        st.warning(t("data.changed_meanwhile", lang))
        st.dataframe(
            pd.DataFrame(
                {
                    t("data.col_field", lang): [t("data.field.updated_by", lang)],
                    t("data.col_now", lang): [current.get("updated_by")],
                }
            ),
            hide_index=True,
            key=f"data_meanwhile_{kind}_{record_id}",
        )
        if st.button(t("data.reload", lang), key=f"data_reload_{kind}_{record_id}"):
            del st.session_state[seen_key]
            st.rerun()
    changed = figures_form(f"data_form_{kind}_{record_id}", seen, fields, can_edit)
    if changed is None:
        return
    if not changed:
        st.info(t("data.unchanged", lang))
        return
    if not can_edit:
        st.error(t("data.not_allowed", lang))
        return
    base = {name: seen.get(name) for name in changed}
    try:
        if kind == "project":
            store.update_project(record_id, changed, actor=actor, base=base, auth=auth)
        else:
            store.annotate(record_id, changed, actor=actor, base=base, auth=auth)
    except ConflictError:
        latest = (
            store.get_project(record_id) if kind == "project" else store.get_annotation(record_id)
        ) or {}
        clashing = [n for n in changed if latest.get(n) != seen.get(n)]
        st.error(t("data.edit_conflict", lang))
        st.dataframe(
            pd.DataFrame(
                {
                    t("data.col_field", lang): [t(f"data.field.{n}", lang) for n in clashing],
                    t("data.col_seen", lang): [_shown(n, seen.get(n)) for n in clashing],
                    t("data.col_now", lang): [_shown(n, latest.get(n)) for n in clashing],
                    t("data.col_yours", lang): [_shown(n, changed.get(n)) for n in clashing],
                }
            ),
            hide_index=True,
            key=f"data_conflict_{kind}_{record_id}",
        )
    except (StoreError, ValueError) as exc:
        show_error(exc)
    else:
        del st.session_state[seen_key]
        flash("success", "data.saved")
        st.rerun()


def _shown(name: str, value) -> str:
    if name in CODE_OPTIONS:
        return code_label(name, value)
    if value is None:
        return t("data.empty_value", lang)
    return format(value, "f") if isinstance(value, Decimal) else str(value)


# ---------------------------------------------------------------- the tabs


def import_tab(gate: tuple) -> None:
    can_edit, auth, actor = gate
    round_ = st.session_state.setdefault("data_upload_round", 0)
    uploaded = st.file_uploader(
        t("data.upload", lang),
        type=["csv", "txt", "tsv", "xlsx", "geojson", "json", "gpkg", "zip"],
        key=f"data_upload_{round_}",
        help=t("data.upload_help", lang),
    )
    pasted = st.text_area(t("data.paste", lang), key=f"data_paste_{round_}", height=120)
    c1, c2, c3 = st.columns([2, 1, 1])
    c1.caption(t("data.templates", lang))
    for column, name in ((c2, "zh"), (c3, "en")):
        path = TEMPLATES / f"projects_template_{name}.csv"
        column.download_button(
            t(f"data.template_{name}", lang),
            data=path.read_bytes(),
            file_name=path.name,
            mime="text/csv",
            key=f"data_template_{name}",
        )
    content, filename = None, ""
    if uploaded is not None:
        content, filename = uploaded.getvalue(), uploaded.name
    elif pasted.strip():
        content, filename = pasted.encode("utf-8"), "pasted.tsv"
    table = None
    if content is not None:
        digest = hashlib.sha256(content).hexdigest()[:12]
        try:
            # In a child process with memory and time limits; remembered by the file's hash.
            table = importer.read_table_isolated(content, filename)
        except importer.FileProblem as exc:
            plan = importer.failed_plan(filename, exc.problem)
    # A GeoPackage or a Shapefile with a .prj says its own CRS: then the choice does not apply.
    declared = table.declared_crs if table is not None else None
    datum = st.selectbox(
        t("data.datum", lang),
        importer.DATUMS,
        format_func=lambda d: t(f"data.datum.{d}", lang),
        key="data_datum",
        disabled=declared is not None,
        help=t("data.datum_help", lang),
    )
    if declared is not None:
        st.caption(t("data.datum_declared", lang))
        st.text(declared)  # the file's own words: plain text
    if content is None:
        return

    if table is not None:
        st.caption(t("data.file_read", lang, rows=len(table.rows), cols=len(table.headers)))
        guessed = importer.guess_mapping(table.headers)
        by_field = {name: header for header, name in guessed.items()}
        choices = ["", *[h for h in table.headers if h]]
        mapping: dict[str, str] = {}
        with st.expander(t("data.mapping", lang), expanded=not guessed):
            st.caption(t("data.mapping_help", lang))
            cols = st.columns(3)
            for i, spec in enumerate(importer.FIELDS):
                default = by_field.get(spec.name, "")
                header = cols[i % 3].selectbox(
                    spec.label_zh if lang == "zh" else spec.label_en,
                    choices,
                    index=choices.index(default) if default in choices else 0,
                    format_func=lambda h: h or t("data.mapping_none", lang),
                    key=f"data_map_{digest}_{spec.name}",
                )
                if header:
                    mapping[header] = spec.name if header not in mapping else mapping[header]
        # Validated once per file, mapping, datum and store revision: the reruns every click
        # makes reuse the plan (a 50,000-row file takes seconds to check).
        revision = (store.change_log(limit=1) or [{"id": 0}])[0]["id"]
        plan_key = (digest, filename, tuple(sorted(mapping.items())), datum, revision)
        cached = st.session_state.get("data_plan")
        if cached is not None and cached[0] == plan_key:
            plan = cached[1]
        else:
            plan = importer.validate(
                table, mapping=mapping, datum=datum, existing=store.existing(), source=filename
            )
            st.session_state.data_plan = (plan_key, plan)

    if plan.problems:
        st.error(t("data.problems", lang, n=len(plan.problems)))
        st.dataframe(
            pd.DataFrame(
                {
                    t("data.col_row", lang): [p.row for p in plan.problems],
                    t("data.col_column", lang): [p.column for p in plan.problems],
                    t("data.col_problem", lang): [p.text(lang) for p in plan.problems],
                }
            ),
            hide_index=True,
            width="stretch",
            key="data_problems",
        )
    else:
        st.success(
            t(
                "data.no_problems",
                lang,
                projects=len(plan.projects),
                annotations=len(plan.annotations),
            )
        )
    if plan.notices:
        st.caption(t("data.notices", lang))
        st.dataframe(
            pd.DataFrame(
                {
                    t("data.col_row", lang): [p.row for p in plan.notices],
                    t("data.col_problem", lang): [p.text(lang) for p in plan.notices],
                }
            ),
            hide_index=True,
            width="stretch",
            key="data_notices",
        )
    records = plan if plan.ok else None
    if plan.can_skip:
        valid = len(plan.valid_projects) + len(plan.valid_annotations)
        st.info(t("data.partial_offer", lang, valid=valid, skipped=plan.skipped_row_count))
        records = plan.skipping_problems()
    if records is not None:
        st.caption(t("data.preview", lang))
        preview = [
            {
                "kind": "project",
                "project_id": r.project_id,
                **r.fields(),
                "counties": ",".join(r.counties),
                "datum": "wgs84",
            }
            for r in records.projects
        ]
        preview += [
            {"kind": "annotation", "initiative_id": a.initiative_id, **a.fields()}
            for a in records.annotations
        ]
        rows = [r.row for r in records.projects] + [a.row for a in records.annotations]
        if len(preview) > PREVIEW_ROWS:
            st.caption(t("data.preview_first", lang, n=PREVIEW_ROWS, total=len(preview)))
        shown = people_table(pd.DataFrame(preview[:PREVIEW_ROWS]))
        shown.insert(0, t("data.col_row", lang), rows[:PREVIEW_ROWS])
        st.dataframe(shown, hide_index=True, width="stretch", key="data_preview")

    def apply(chosen: importer.ImportPlan) -> None:
        if not store.may_write(auth):  # the button may be stale: ask again
            st.error(t("data.not_allowed", lang))
            return
        try:
            result = store.apply_import(chosen, actor=actor, auth=auth)
        except (StoreError, ValueError) as exc:
            show_error(exc)
            return
        flash(
            "success",
            "data.imported" if chosen.ok and not chosen.skipped else "data.imported_partial",
            added=result.added,
            updated=result.updated,
            unchanged=result.unchanged,
            skipped=chosen.skipped_row_count,
        )
        if chosen.skipped:
            st.session_state.data_skipped_csv = chosen.skipped_rows_csv(lang)
        # A fresh uploader: after an import the page shows the result, not the file again.
        st.session_state.data_upload_round = round_ + 1
        st.rerun()

    if st.button(
        t("data.import", lang),
        type="primary",
        disabled=not (can_edit and plan.ok),
        key="data_import",
    ):
        apply(plan)
    if plan.can_skip:
        left, right = st.columns(2)
        if left.button(
            t(
                "data.import_partial",
                lang,
                valid=len(plan.valid_projects) + len(plan.valid_annotations),
                skipped=plan.skipped_row_count,
            ),
            disabled=not can_edit,
            key="data_import_partial",
        ):
            apply(plan.skipping_problems())
        right.download_button(
            t("data.skipped_csv", lang),
            data=plan.skipped_rows_csv(lang),
            file_name=f"{Path(filename).stem or 'import'}_problems.csv",
            mime="text/csv",
            key="data_skipped_before",
        )


def projects_tab(gate: tuple) -> None:
    total = store.count_projects()
    if not total:
        st.info(t("data.no_projects", lang))
        return
    offset, limit = pager(total, "data_projects_page")
    frame = store.projects_frame(offset=offset, limit=limit)
    st.dataframe(
        people_table(frame.assign(kind="project", datum="wgs84", initiative_id=None)),
        hide_index=True,
        width="stretch",
        key="data_projects",
    )
    names = dict(zip(frame["project_id"], frame["name_zh"], strict=True))
    chosen = st.selectbox(
        t("data.choose_project", lang),
        list(names),
        format_func=lambda pid: f"{names[pid]} · {pid}",
        key="data_project_choice",
    )
    project = store.get_project(chosen)
    if project is None or project.get("deleted"):
        return
    edit_record("project", chosen, project, gate)
    can_edit, auth, actor = gate
    if st.button(t("data.delete", lang), disabled=not can_edit, key=f"data_delete_{chosen}"):
        try:
            store.delete_project(
                chosen, actor=actor, expected_version=project["version"], auth=auth
            )
        except (StoreError, ValueError) as exc:
            show_error(exc)
        else:
            flash("success", "data.deleted")
            st.rerun()


def annotations_tab(gate: tuple) -> None:
    initiatives = importer.report_initiatives()
    notes = store.annotations_frame()
    if len(notes):
        st.caption(t("data.annotations_table", lang))
        st.dataframe(
            people_table(notes.assign(kind="annotation", project_id=None)),
            hide_index=True,
            width="stretch",
            key="data_annotations",
        )
    else:
        st.caption(t("data.no_annotations", lang))
    ids = sorted(initiatives, key=lambda i: initiatives[i]["name_zh"])
    initiative_id = st.selectbox(
        t("data.choose_initiative", lang),
        ids,
        format_func=lambda i: (
            f"{initiatives[i]['name_zh'] if lang == 'zh' else initiatives[i]['name_en']} · {i}"
        ),
        key="data_initiative_choice",
    )
    current = store.get_annotation(initiative_id) or {}
    edit_record("annotation", initiative_id, current, gate)


def log_tab(gate: tuple) -> None:
    can_edit, auth, actor = gate
    log = store.change_log()
    if not log:
        st.info(t("data.log_empty", lang))
        return
    st.dataframe(pd.DataFrame(log), hide_index=True, width="stretch", key="data_log")
    c1, c2 = st.columns(2)
    # "My last change" is this session's (its actor carries the session id), never another's.
    if c1.button(t("data.undo_last", lang), disabled=not can_edit, key="data_undo_last"):
        try:
            undone = store.undo_last(actor=actor, by=actor, auth=auth)
        except (StoreError, ValueError) as exc:
            show_error(exc)
        else:
            if undone is None:
                st.info(t("data.nothing_to_undo", lang))
            else:
                flash("success", "data.undone", id=undone)
                st.rerun()
    undoable = [c["id"] for c in log if c["undone_by"] is None]
    if not undoable:
        return
    summaries = {c["id"]: c["summary"] for c in log}
    pick = c2.selectbox(
        t("data.undo_pick", lang),
        undoable,
        format_func=lambda i: f"#{i} {summaries[i]}"[:120],
        key="data_undo_choice",
    )
    if c2.button(t("data.undo", lang), disabled=not can_edit, key="data_undo"):
        try:
            undone = store.undo(pick, actor=actor, auth=auth)
        except (StoreError, ValueError) as exc:
            show_error(exc)
        else:
            flash("success", "data.undone", id=undone)
            st.rerun()
    st.caption(t("data.log_details", lang, id=pick))
    records = {c["id"]: c["records"] for c in log}[pick]
    offset, limit = pager(records, f"data_log_page_{pick}")
    details = pd.DataFrame(
        store.changes(pick, offset=offset, limit=limit),
        columns=["entity", "entity_id", "before", "after"],
    )
    for column in ("before", "after"):
        details[column] = details[column].map(lambda s: None if s is None else str(s))
    st.dataframe(details, hide_index=True, width="stretch", key="data_log_details")


def export_tab() -> None:
    st.caption(t("data.export_help", lang))
    if not store.count_projects() and not len(store.list_annotations()):
        st.info(t("data.export_empty", lang))
        return
    # Built on demand, not on every rerun: with 50,000 projects that takes seconds.
    revision = (store.change_log(limit=1) or [{"id": 0}])[0]["id"]
    built = st.session_state.get("data_export")
    if built is None or built["revision"] != revision or built["lang"] != lang:
        if st.button(t("data.export_prepare", lang), key="data_export_prepare"):
            everything = store.export_frame()
            shown = export.user_data_for_people(everything, lang, importer.county_names())
            st.session_state.data_export = {
                "revision": revision,
                "lang": lang,
                "rows": len(everything),
                "csv": export.to_csv_bytes(shown),
                "xlsx": export.to_xlsx_bytes(
                    shown, export.user_data_columns(lang), title="邵阳项目地图 · my data"
                ),
                "geojson": export.to_geojson_bytes(everything),
                "frame": everything,
            }
            st.rerun()
        return
    st.caption(t("data.export_ready", lang, n=built["rows"]))
    stamp = dt.date.today().isoformat()
    formats = (
        ("csv", "text/csv"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("geojson", "application/geo+json"),
    )
    for column, (kind, mime) in zip(st.columns(len(formats)), formats, strict=True):
        column.download_button(
            t(f"data.export_{kind}", lang),
            data=built[kind],
            file_name=f"shaoyang_my_projects_{stamp}.{kind}",
            mime=mime,
            key=f"data_export_{kind}",
        )
    gis_downloads.offer_gis_files(
        lambda: gis_downloads.user_data_layers(built["frame"], cached.counties(display=False)),
        lang=lang,
        stem=f"shaoyang_my_projects_{stamp}",
        key="data_gis",
        help_text=t("data.gis_help", lang),
    )


try:
    store = open_store()
    if "data_flash" in st.session_state:
        kind, key, values = st.session_state.pop("data_flash")
        getattr(st, kind)(t(key, lang, **values))
        if key == "data.imported_partial" and "data_skipped_csv" in st.session_state:
            st.download_button(
                t("data.skipped_csv", lang),
                data=st.session_state.pop("data_skipped_csv"),
                file_name="skipped_rows.csv",
                mime="text/csv",
                key="data_skipped_after",
            )
    gate = write_gate(store)
    tabs = st.tabs(
        [
            t(f"data.tab_{name}", lang)
            for name in ("import", "projects", "annotations", "log", "export")
        ]
    )
    with tabs[0]:
        import_tab(gate)
    with tabs[1]:
        projects_tab(gate)
    with tabs[2]:
        annotations_tab(gate)
    with tabs[3]:
        log_tab(gate)
    with tabs[4]:
        export_tab()
except StoreUnavailableError:
    # Our message only: no host, port, path or SQL reaches the visitor (the log has them).
    st.error(t("data.store_unavailable", lang))
