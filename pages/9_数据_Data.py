"""数据 · Data: import planners' spreadsheets, add figures to report items, undo, export.

Thin: widgets in, data.importer / data.store / data.export do the work. User text is only ever
shown through st.dataframe, st.text or widget options, which render it as plain text (never as
Markdown or HTML).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from decimal import Decimal
from pathlib import Path

import pandas as pd
import streamlit as st

from components import sidebar
from components.i18n import t
from data import export, importer
from data.store import ConflictError, NotFoundError, ReadOnlyError, StoreError, open_store

TEMPLATES = Path(__file__).resolve().parents[1] / "data" / "templates"
STATUS_OPTIONS = (None, *importer.STATUSES)
FORM_FIELDS = ("status", "investment_yi", "start_date", "end_date", "responsible_unit", "note")

st.set_page_config(
    page_title=t("data.page_title", sidebar.current_lang()), page_icon="🗂️", layout="wide"
)
lang = sidebar.language_switch()
store = open_store()

if "data_session" not in st.session_state:
    st.session_state.data_session = "session-" + secrets.token_hex(3)
session_id = st.session_state.data_session

st.title(t("data.title", lang))
st.caption(t("data.intro", lang))


def flash(kind: str, key: str, **values) -> None:
    """A message for the next run (our own strings and numbers only: never user text)."""
    st.session_state.data_flash = (kind, key, values)


if "data_flash" in st.session_state:
    kind, key, values = st.session_state.pop("data_flash")
    getattr(st, kind)(t(key, lang, **values))

# ---------------------------------------------------------------- who may edit

if store.read_only:
    st.info(t("data.read_only", lang))
left, right = st.columns(2)
editor = left.text_input(
    t("data.editor", lang),
    key="data_editor",
    max_chars=60,
    help=t("data.editor_help", lang, session=session_id),
)
actor = editor.strip() or session_id
can_edit = not store.read_only
if can_edit and store.password_required:
    password = right.text_input(t("data.password", lang), type="password", key="data_password")
    can_edit = store.check_password(password)
    if not can_edit:
        right.caption(
            t("data.password_wrong", lang) if password else t("data.password_needed", lang)
        )


def status_label(status: str | None) -> str:
    return t(f"data.status.{status or 'none'}", lang)


def show_error(exc: Exception) -> None:
    """A store refusal: our message, then the technical detail as plain text."""
    if isinstance(exc, ConflictError):
        st.error(t("data.conflict", lang))
    else:
        st.error(t("data.invalid", lang))
    st.text(str(exc))


def figures_form(key: str, current: dict, *, with_names: bool) -> dict | None:
    """The edit form for status, amount, dates, unit and note; returns the changed fields."""
    with st.form(key):
        values: dict = {}
        if with_names:
            values["name_zh"] = st.text_input(
                t("data.field.name_zh", lang), value=current.get("name_zh") or ""
            )
            values["name_en"] = st.text_input(
                t("data.field.name_en", lang), value=current.get("name_en") or ""
            )
        values["status"] = st.selectbox(
            t("data.field.status", lang),
            STATUS_OPTIONS,
            index=STATUS_OPTIONS.index(current.get("status")),
            format_func=status_label,
        )
        amount = current.get("investment_yi")
        values["investment_yi"] = st.text_input(
            t("data.field.investment_yi", lang), value="" if amount is None else format(amount, "f")
        )
        c1, c2 = st.columns(2)
        values["start_date"] = c1.date_input(
            t("data.field.start_date", lang),
            value=current.get("start_date"),
            min_value=dt.date(1900, 1, 1),
            max_value=dt.date(2100, 12, 31),
        )
        values["end_date"] = c2.date_input(
            t("data.field.end_date", lang),
            value=current.get("end_date"),
            min_value=dt.date(1900, 1, 1),
            max_value=dt.date(2100, 12, 31),
        )
        values["responsible_unit"] = st.text_input(
            t("data.field.responsible_unit", lang), value=current.get("responsible_unit") or ""
        )
        values["note"] = st.text_area(t("data.field.note", lang), value=current.get("note") or "")
        submitted = st.form_submit_button(t("data.save", lang), disabled=not can_edit)
    if not submitted:
        return None
    changed = {}
    for name, value in values.items():
        old = current.get(name)
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


def _same_amount(old: Decimal, new: str) -> bool:
    try:
        return importer.parse_amount(new, "亿元") == old
    except importer.CellError:
        return False


tab_import, tab_projects, tab_notes, tab_log, tab_export = st.tabs(
    [t(f"data.tab_{name}", lang) for name in ("import", "projects", "annotations", "log", "export")]
)

# ---------------------------------------------------------------- import

with tab_import:
    uploaded = st.file_uploader(
        t("data.upload", lang),
        type=["csv", "txt", "tsv", "xlsx", "geojson", "json"],
        key="data_upload",
    )
    pasted = st.text_area(t("data.paste", lang), key="data_paste", height=120)
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
    datum = st.selectbox(
        t("data.datum", lang),
        importer.DATUMS,
        format_func=lambda d: t(f"data.datum.{d}", lang),
        key="data_datum",
    )

    content, filename = None, ""
    if uploaded is not None:
        content, filename = uploaded.getvalue(), uploaded.name
    elif pasted.strip():
        content, filename = pasted.encode("utf-8"), "pasted.tsv"

    if content is not None:
        digest = hashlib.sha256(content).hexdigest()[:12]
        try:
            table = importer.read_table_isolated(content, filename)
        except importer.FileProblem as exc:
            table = None
            plan = importer.failed_plan(filename, exc.problem)
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
            plan = importer.validate(
                table, mapping=mapping, datum=datum, existing=store.existing(), source=filename
            )

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
        if plan.ok:
            st.caption(t("data.preview", lang))
            preview = [
                {"row": r.row, **r.fields(), "project_id": r.project_id} for r in plan.projects
            ]
            preview += [
                {"row": a.row, "initiative_id": a.initiative_id, **a.fields()}
                for a in plan.annotations
            ]
            st.dataframe(
                export.spreadsheet_frame(neutralise_cells=False, frame=pd.DataFrame(preview)),
                hide_index=True,
                width="stretch",
                key="data_preview",
            )
        if st.button(
            t("data.import", lang),
            type="primary",
            disabled=not (can_edit and plan.ok),
            key="data_import",
        ):
            try:
                result = store.apply_import(plan, actor=actor)
            except (StoreError, ValueError) as exc:
                show_error(exc)
            else:
                flash(
                    "success",
                    "data.imported",
                    added=result.added,
                    updated=result.updated,
                    unchanged=result.unchanged,
                )
                st.rerun()

# ---------------------------------------------------------------- my projects

with tab_projects:
    projects = store.list_projects()
    if not projects:
        st.info(t("data.no_projects", lang))
    else:
        table = store.projects_frame()
        table["counties"] = table["counties"].map(
            lambda codes: "、".join(
                importer.county_label(c, lang) for c in str(codes or "").split(",") if c
            )
        )
        table["status"] = table["status"].map(status_label)
        st.dataframe(
            export.spreadsheet_frame(neutralise_cells=False, frame=table.drop(columns=["version"])),
            hide_index=True,
            width="stretch",
            key="data_projects",
        )
        by_id = {p["project_id"]: p for p in projects}
        chosen = st.selectbox(
            t("data.choose_project", lang),
            list(by_id),
            format_func=lambda pid: f"{by_id[pid]['name_zh']} · {pid}",
            key="data_project_choice",
        )
        project = by_id[chosen]
        changed = figures_form(f"data_edit_{chosen}_{project['version']}", project, with_names=True)
        if changed is not None:
            if not changed:
                st.info(t("data.unchanged", lang))
            else:
                try:
                    store.update_project(
                        chosen, changed, actor=actor, base={k: project.get(k) for k in changed}
                    )
                except (StoreError, ValueError) as exc:
                    show_error(exc)
                else:
                    flash("success", "data.saved")
                    st.rerun()
        if st.button(t("data.delete", lang), disabled=not can_edit, key=f"data_delete_{chosen}"):
            try:
                store.delete_project(chosen, actor=actor, expected_version=project["version"])
            except (StoreError, ValueError) as exc:
                show_error(exc)
            else:
                flash("success", "data.deleted")
                st.rerun()

# ---------------------------------------------------------------- report items

with tab_notes:
    initiatives = importer.report_initiatives()
    notes = store.annotations_frame()
    if len(notes):
        st.caption(t("data.annotations_table", lang))
        notes["status"] = notes["status"].map(status_label)
        st.dataframe(
            export.spreadsheet_frame(neutralise_cells=False, frame=notes.drop(columns=["version"])),
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
    changed = figures_form(
        f"data_note_{initiative_id}_{current.get('version', 0)}", current, with_names=False
    )
    if changed is not None:
        if not changed:
            st.info(t("data.unchanged", lang))
        else:
            try:
                store.annotate(
                    initiative_id, changed, actor=actor, base={k: current.get(k) for k in changed}
                )
            except (StoreError, ValueError) as exc:
                show_error(exc)
            else:
                flash("success", "data.saved")
                st.rerun()

# ---------------------------------------------------------------- change log

with tab_log:
    log = store.change_log()
    if not log:
        st.info(t("data.log_empty", lang))
    else:
        st.dataframe(pd.DataFrame(log), hide_index=True, width="stretch", key="data_log")
        c1, c2 = st.columns(2)
        if c1.button(t("data.undo_last", lang), disabled=not can_edit, key="data_undo_last"):
            try:
                undone = store.undo_last(actor=actor, by=actor)
            except (StoreError, ValueError) as exc:
                show_error(exc)
            else:
                if undone is None:
                    st.info(t("data.nothing_to_undo", lang))
                else:
                    flash("success", "data.undone", id=undone)
                    st.rerun()
        undoable = [c["id"] for c in log if c["undone_by"] is None]
        if undoable:
            summaries = {c["id"]: c["summary"] for c in log}
            pick = c2.selectbox(
                t("data.undo_pick", lang),
                undoable,
                format_func=lambda i: f"#{i} {summaries[i]}"[:120],
                key="data_undo_choice",
            )
            if c2.button(t("data.undo", lang), disabled=not can_edit, key="data_undo"):
                try:
                    undone = store.undo(pick, actor=actor)
                except (StoreError, NotFoundError, ReadOnlyError) as exc:
                    show_error(exc)
                else:
                    flash("success", "data.undone", id=undone)
                    st.rerun()
            st.caption(t("data.log_details", lang, id=pick))
            details = pd.DataFrame(store.changes(pick))
            for column in ("before", "after"):
                details[column] = details[column].map(lambda s: None if s is None else str(s))
            st.dataframe(details, hide_index=True, width="stretch", key="data_log_details")

# ---------------------------------------------------------------- export

with tab_export:
    st.caption(t("data.export_help", lang))
    everything = store.export_frame()
    if everything.empty:
        st.info(t("data.export_empty", lang))
    else:
        st.dataframe(
            export.spreadsheet_frame(neutralise_cells=False, frame=everything),
            hide_index=True,
            width="stretch",
            key="data_export_preview",
        )
        stamp = dt.date.today().isoformat()
        c1, c2, c3 = st.columns(3)
        c1.download_button(
            t("data.export_csv", lang),
            data=export.to_csv_bytes(everything),
            file_name=f"shaoyang_my_projects_{stamp}.csv",
            mime="text/csv",
            key="data_export_csv",
        )
        c2.download_button(
            t("data.export_xlsx", lang),
            data=export.to_xlsx_bytes(
                everything, export.USER_DATA_COLUMNS, title="邵阳项目地图 · my data"
            ),
            file_name=f"shaoyang_my_projects_{stamp}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="data_export_xlsx",
        )
        c3.download_button(
            t("data.export_geojson", lang),
            data=export.to_geojson_bytes(everything),
            file_name=f"shaoyang_my_projects_{stamp}.geojson",
            mime="application/geo+json",
            key="data_export_geojson",
        )
