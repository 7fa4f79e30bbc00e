"""Report files: CSV (for French Excel), XLSX, JSON and PDF; the attendee list as CSV or XLSX.

CSV is written for Excel as set up in France and Morocco: `;` between fields (`,` is the decimal
separator there), UTF-8 with a byte-order mark (without it Excel reads UTF-8 as Windows-1252 and
mangles "é" and Arabic), decimal commas, dates as `YYYY-MM-DD HH:MM`. Text cells that begin with
`=`, `+`, `-`, `@`, a tab or a carriage return get a leading apostrophe so that no spreadsheet ever
runs them as a formula (CSV injection); XLSX cells are written as typed strings, never formulas.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from checkin_desk.errors import CheckinDeskError
from checkin_desk.reports.figures import Figures, jsonable
from checkin_desk.reports.source import LocalSource
from checkin_desk.reports.tables import DATE, DATETIME, INT, PERCENT, Column, Section, sections
from checkin_desk.storage.store import Store
from checkin_desk.util.clock import zone
from checkin_desk.util.privacy import open_private

FORMATS = ("csv", "xlsx", "pdf", "json")
ATTENDEE_FORMATS = ("csv", "xlsx")
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(CheckinDeskError):
    """The report could not be written (bad format, unwritable file): the message is for the user."""


def neutralise(text: str) -> str:
    """A leading apostrophe for text a spreadsheet would take as a formula."""
    return "'" + text if text.startswith(DANGEROUS_START) else text


def csv_cell(value: Any, percent: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        number = value * 100 if percent else value
        return f"{number:.1f}".replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def _atomic(path: Path, write) -> Path:
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    try:
        # Made owner-only before any library writes it: whatever writes next keeps the mode, so
        # the finished file never exists readable by others, not even for a moment.
        with open_private(tmp, "wb"):
            pass
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


# -- the report ------------------------------------------------------------------------------------


def write_report(
    fig: Figures, fmt: str, path: str | os.PathLike, *, extra: dict | None = None, language: str = "fr"
) -> Path:
    """Write the report in `fmt` (csv, xlsx, pdf, json). `extra` is merged into the JSON (the forecast);
    `language` is how the PDF writes numbers (fr as the CSV does, en, ar)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "json":
        data = {"report": "attendance", **fig.to_dict(), **jsonable(extra or {})}
        return _atomic(
            Path(path), lambda p: p.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
        )
    if fmt == "csv":
        return _atomic(Path(path), lambda p: _write_csv(sections(fig), p))
    if fmt == "xlsx":
        return _atomic(Path(path), lambda p: _write_xlsx(sections(fig), p))
    from checkin_desk.reports.pdf import write_pdf  # reportlab is only imported when a PDF is asked for

    return _atomic(Path(path), lambda p: write_pdf(fig, p, language=language))


def _write_csv(secs: list[Section], path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        for i, sec in enumerate(secs):
            if i:
                w.writerow([])
            w.writerow([csv_cell(f"# {sec.title}")])
            if sec.note:
                w.writerow([csv_cell(sec.note)])
            w.writerow([c.title + (" (%)" if c.kind == PERCENT else "") for c in sec.columns])
            pct_rows = sec.extra.get("percent_rows", set())
            for row in sec.rows:
                w.writerow(
                    [
                        csv_cell(v, percent=c.kind == PERCENT or (j == 1 and row[0] in pct_rows))
                        for j, (c, v) in enumerate(zip(sec.columns, row, strict=False))
                    ]
                )


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # local wall-clock time: the sheet says which zone
    return value


def _write_xlsx(secs: list[Section], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for sec in secs:
        ws = wb.create_sheet(sec.key[:31])
        ws.append([c.title for c in sec.columns])
        for cell in ws[1]:
            cell.font = bold
        pct_rows = sec.extra.get("percent_rows", set())
        widths = [len(c.title) for c in sec.columns]
        for row in sec.rows:
            ws.append([_xlsx_value(v) for v in row])
            r = ws.max_row
            for j, (col, v) in enumerate(zip(sec.columns, row, strict=False)):
                cell = ws.cell(r, j + 1)
                if isinstance(v, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                elif isinstance(v, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(v, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(v, float) and (col.kind == PERCENT or (j == 1 and row[0] in pct_rows)):
                    cell.number_format = "0.0%"
                widths[j] = max(widths[j], 16 if isinstance(v, datetime) else len(str(v)))
        if sec.note:
            ws.cell(ws.max_row + 2, 1, sec.note).data_type = "s"
        ws.freeze_panes = "A2"
        for j, width in enumerate(widths):
            ws.column_dimensions[get_column_letter(j + 1)].width = min(max(width + 2, 8), 60)
    wb.save(path)


# -- the attendee list -----------------------------------------------------------------------------

ATTENDEE_COLUMNS = [
    Column("code"),
    Column("last name"),
    Column("first name"),
    Column("company"),
    Column("category"),
    Column("pass status"),
    Column("walk-in"),
    Column("first check-in", DATETIME),
    Column("last check-in", DATETIME),
    Column("entries", INT),
    Column("days"),
    Column("desks"),
]


def attendee_table(store: Store) -> Iterable[list[Any]]:
    tz = zone(store.event().timezone)
    for (
        code,
        first,
        last,
        company,
        category,
        status,
        origin,
        first_at,
        last_at,
        n,
        days,
        desks,
    ) in LocalSource(store).attendee_rows():
        yield [
            code,
            last,
            first,
            company,
            category,
            status,
            origin == "walk_in",
            datetime.fromisoformat(first_at).astimezone(tz) if first_at else None,
            datetime.fromisoformat(last_at).astimezone(tz) if last_at else None,
            n,
            ", ".join(sorted(days.split(","))) if days else "",
            ", ".join(sorted(desks.split(","))) if desks else "",
        ]


def write_attendees(store: Store, fmt: str, path: str | os.PathLike) -> Path:
    """Every attendee with first and last check-in (event-local time), entries, days and desks."""
    if fmt not in ATTENDEE_FORMATS:
        raise ExportError(f"the attendee list is written as {' or '.join(ATTENDEE_FORMATS)}, not {fmt!r}")
    rows = attendee_table(store)
    if fmt == "csv":

        def write(p: Path) -> None:
            with open(p, "w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
                w.writerow([c.title for c in ATTENDEE_COLUMNS])
                w.writerows([csv_cell(v) for v in row] for row in rows)

        return _atomic(Path(path), write)

    def write_xlsx(p: Path) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Attendees")
        ws.freeze_panes = "A2"
        for j, width in enumerate([16, 22, 18, 24, 14, 10, 8, 17, 17, 8, 24, 16]):
            ws.column_dimensions[get_column_letter(j + 1)].width = width
        header = []
        for c in ATTENDEE_COLUMNS:
            cell = WriteOnlyCell(ws, value=c.title)
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        for row in rows:
            cells = []
            for v in row:
                cell = WriteOnlyCell(ws, value=_xlsx_value(v))
                if isinstance(v, str):
                    cell.data_type = "s"
                elif isinstance(v, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                cells.append(cell)
            ws.append(cells)
        wb.save(p)

    return _atomic(Path(path), write_xlsx)


def render_png(pdf: str | os.PathLike, png: str | os.PathLike, page: int = 0, scale: float = 1.5) -> Path:
    """Render one page of a PDF to PNG (for the README)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        image = doc[page].render(scale=scale).to_pil()
        Path(png).parent.mkdir(parents=True, exist_ok=True)
        image.save(png)
    finally:
        doc.close()
    return Path(png)


# Re-exported for the CLI and tests.
__all__ = [
    "ATTENDEE_FORMATS",
    "DATE",
    "FORMATS",
    "ExportError",
    "csv_cell",
    "neutralise",
    "render_png",
    "write_attendees",
    "write_report",
]
