"""CSV, XLSX and JSON files -> a header and numbered rows, refusing files that would do harm.

What a hostile or broken file must not do, and how each is stopped:

- A stray quote in a CSV swallows every following line into one cell, silently (the csv module
  reads on to the next quote). A row whose cell spans lines is checked: a cell longer than any real
  field, or a swallowed line that looks like a row of the file, stops the import at the line where
  the quote opened; so does a file that ends inside a quote, and a file with far more lines inside
  quotes than rows.
- An XLSX is a zip archive: one whose members declare absurd sizes or compression ratios (a zip
  bomb) is refused before anything is decompressed. zipfile never gives more bytes than a member
  declares, so a member that lies about its size fails its CRC check instead of filling memory.
- A JSON file nested thousands deep is refused with a message, not a RecursionError.
"""

from __future__ import annotations

import codecs
import csv
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

from checkin_desk.errors import CheckinDeskError
from checkin_desk.imports.sources import header_key


class ImportFileError(CheckinDeskError):
    """The file as a whole cannot be read (format, encoding, missing columns)."""


# A cell longer than this, spanning lines, is a quote that swallowed rows, not a field.
MAX_QUOTED_CELL = 10_000
# The csv module's own limit (it raises past it); far above any field, far below memory trouble.
CSV_FIELD_LIMIT = 1 << 20
# Lines inside quoted cells allowed beyond one per row (multi-line notes are real).
SPARE_QUOTED_LINES = 50

# XLSX: the most an attendee list's archive may hold once decompressed, and the highest ratio of
# decompressed to compressed size a member may have. Excel's own sheets compress 5-20 times, and
# 1,048,576 rows of 20 columns take about 1 GB; deflate cannot exceed ~1,030:1.
XLSX_MAX_TOTAL = 2 << 30
XLSX_MAX_RATIO = 200
XLSX_RATIO_FLOOR = 1 << 20  # members smaller than this are not checked for ratio
XLSX_MAX_COLUMNS = 2000

JSON_MAX_BYTES = 512 << 20


def read_table(path: Path, encoding: str | None = None) -> tuple[list[str], Iterator[tuple[int, list]], dict]:
    """Open a CSV, XLSX or JSON file as (header, rows, info). Rows carry their user-facing number."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix == ".json":
        return _read_json(path)
    if suffix in (".xls", ".ods", ".numbers"):
        raise ImportFileError(f"{path.name}: save it as .xlsx or .csv first ({suffix} is not supported)")
    return _read_csv(path, encoding)


# -- CSV -----------------------------------------------------------------------------------------------


def _detect_encoding(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return "utf-16"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            # 64 kB at a time: the decoded text stays in the CPU cache (twice as fast as 1 MB).
            while chunk := fh.read(1 << 16):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            # French Excel's "CSV (séparateur: point-virgule)" is Windows-1252.
            return "cp1252"
    return "utf-8"


def _unclosed_quote(name: str, line: int, why: str) -> ImportFileError:
    return ImportFileError(
        f'{name}, line {line}: a quote (") opens a cell here and {why}. '
        "Nothing was imported: close or remove that quote and import again"
    )


def _read_csv(path: Path, encoding: str | None) -> tuple[list[str], Iterator[tuple[int, list]], dict]:
    encoding = encoding or _detect_encoding(path)
    fh = path.open("r", encoding=encoding, newline="")
    try:
        first = fh.readline()
    except UnicodeDecodeError:  # do not leak the handle when the first line is not text
        fh.close()
        raise
    if not first.strip():
        fh.close()
        raise ImportFileError(f"{path.name} is empty")
    counts = {d: first.count(d) for d in (";", ",", "\t", "|")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = ","
    header = next(csv.reader([first], delimiter=delimiter))
    # A swallowed line "looks like a row" when it has most of a row's delimiters.
    row_like = max(2, (len(header) - 1) * 2 // 3)
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))

    def rows() -> Iterator[tuple[int, list]]:
        # strict: a file that ends inside a quote is an error, not a last cell holding the rest.
        reader = csv.reader(fh, delimiter=delimiter, strict=True)
        lines_before = 0  # lines of the file read before the current record, header excluded
        records = spare = 0
        try:
            for number, row in enumerate(reader, start=2):
                lines = reader.line_num
                if lines - lines_before > 1:
                    _check_spanning(path.name, row, lines_before + 2, delimiter, row_like)
                    spare += lines - lines_before - 1
                    if spare > records + SPARE_QUOTED_LINES:
                        raise _unclosed_quote(
                            path.name,
                            lines_before + 2,
                            f"the file has far more lines in quotes than rows ({spare})",
                        )
                lines_before = lines
                records += 1
                # Skip blank rows. The same test as any(cell.strip() for cell in row), without a
                # generator for each of 1,000,000 rows: most rows are decided by their first cell.
                if row and (row[0].strip() or "".join(row).strip()):
                    yield number, row
        except csv.Error as exc:
            line = lines_before + 2
            if "unexpected end of data" in str(exc):
                raise _unclosed_quote(path.name, line, "is never closed before the end of the file") from exc
            if "field larger than field limit" in str(exc):
                raise _unclosed_quote(path.name, line, "swallows the rows after it") from exc
            if "expected after" in str(exc):
                # strict: the quote closed in the middle of a later cell, after swallowing lines.
                raise _unclosed_quote(
                    path.name, line, "swallows the lines after it up to a quote inside another cell"
                ) from exc
            raise ImportFileError(f"{path.name}, line {line}: {exc}") from exc

    return header, rows(), {"encoding": encoding, "delimiter": delimiter, "close": fh.close}


def _check_spanning(name: str, row: list[str], line: int, delimiter: str, row_like: int) -> None:
    """A record read over several lines: a quoted cell with line breaks. Fine for a note written on
    several lines; a quote left open when the cell swallowed whole rows."""
    for cell in row:
        if "\n" not in cell and "\r" not in cell:
            continue
        if len(cell) > MAX_QUOTED_CELL:
            raise _unclosed_quote(name, line, f"swallows {len(cell):,} characters of the lines after it")
        for swallowed in cell.splitlines()[1:]:
            if swallowed.count(delimiter) >= row_like:
                raise _unclosed_quote(name, line, "swallows the rows after it")


# -- XLSX ----------------------------------------------------------------------------------------------


def check_zip(path: Path) -> None:
    """Refuse an archive whose members declare absurd sizes (a zip bomb), before reading any."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(f"{path.name} is not a readable .xlsx file ({exc.__class__.__name__})") from exc
    total = 0
    for info in members:
        total += info.file_size
        # Deflate never makes data more than a little larger (stored blocks: 5 bytes per 64 kB), so
        # a part holding more compressed bytes than that says less than it unpacks to: its checksum
        # cannot match, and only reading it all would show it. Refused now, before the header.
        if info.compress_size > info.file_size + info.file_size // 100 + 1024:
            raise ImportFileError(
                f"{path.name} is damaged: its part {info.filename} holds {info.compress_size:,} packed "
                f"bytes but says it unpacks to {info.file_size:,}, so its size and checksum cannot be "
                "right (a zip bomb?); nothing was imported"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > XLSX_RATIO_FLOOR and ratio > XLSX_MAX_RATIO:
            raise ImportFileError(
                f"{path.name} is refused: its part {info.filename} would grow {ratio:,.0f} times when "
                f"unpacked ({info.file_size:,} bytes), which no spreadsheet does (a zip bomb?)"
            )
    if total > XLSX_MAX_TOTAL:
        raise ImportFileError(
            f"{path.name} is refused: it would take {total:,} bytes unpacked, more than any attendee list"
        )


def _sheet_with_codes(book) -> object:
    """The sheet to read: the first whose header names a code column, else the first sheet.

    pretix's order data export puts Orders, Order positions and Order fees in one workbook; the
    secrets are on the second sheet.
    """
    from checkin_desk.imports.readers import FIELD_ALIASES
    from checkin_desk.imports.sources import SOURCES

    code_keys = {k for k, v in FIELD_ALIASES.items() if v == "code"}
    for source in SOURCES:
        code_keys |= {k for k, v in source.columns.items() if v == "code"}
    for sheet in book.worksheets:
        first = next(sheet.iter_rows(max_row=1, max_col=XLSX_MAX_COLUMNS, values_only=True), ())
        if any(header_key(cell) in code_keys for cell in first if cell is not None):
            return sheet
    return book.worksheets[0]


def _read_xlsx(path: Path) -> tuple[list[str], Iterator[tuple[int, list]], dict]:
    import openpyxl

    check_zip(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = _sheet_with_codes(book)
        # The sheet's declared size is not trusted: rows come as long as they are.
        sheet.reset_dimensions()
        iterator = sheet.iter_rows(values_only=True)
        header = next(iterator, None)
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(f"{path.name} is not a readable .xlsx file ({exc.__class__.__name__})") from exc
    if header is None:
        book.close()
        raise ImportFileError(f"{path.name}: the first sheet is empty")
    if len(header) > XLSX_MAX_COLUMNS:
        book.close()
        raise ImportFileError(
            f"{path.name}: the sheet has {len(header):,} columns; an attendee list has far fewer"
        )

    def rows() -> Iterator[tuple[int, list]]:
        try:
            for number, row in enumerate(iterator, start=2):
                if len(row) > XLSX_MAX_COLUMNS:
                    raise ImportFileError(
                        f"{path.name}, row {number}: {len(row):,} cells, far more than any attendee list"
                    )
                if row and any(cell not in (None, "") for cell in row):
                    yield number, ["" if cell is None else cell for cell in row]
        except ImportFileError:
            raise
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise ImportFileError(f"{path.name} is damaged ({exc}); nothing was imported") from exc

    info = {"encoding": "xlsx", "delimiter": "", "close": book.close}
    return ["" if h is None else str(h) for h in header], rows(), info


# -- JSON ----------------------------------------------------------------------------------------------


def _read_json(path: Path) -> tuple[list[str], Iterator[tuple[int, list]], dict]:
    if path.stat().st_size > JSON_MAX_BYTES:
        raise ImportFileError(f"{path.name} is larger than {JSON_MAX_BYTES >> 20} MB: export the list as CSV")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path.name} is not valid JSON ({exc})") from exc
    try:
        data = json.loads(text)
    except RecursionError:
        # The decoder recurses once per level: a file nested thousands deep is no attendee list.
        raise ImportFileError(
            f"{path.name}: the JSON nests lists or objects thousands deep; an attendee list is a list of objects"
        ) from None
    except ValueError as exc:
        raise ImportFileError(f"{path.name} is not valid JSON ({exc})") from exc
    if isinstance(data, dict):
        data = next(
            (v for k, v in data.items() if k in ("attendees", "participants", "results", "data")), None
        )
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ImportFileError(f"{path.name}: expected a list of attendee objects (or {{'attendees': [...]}})")
    header: list[str] = []
    seen: set[str] = set()
    for item in data:
        for k in item:
            if k not in seen:
                seen.add(k)
                header.append(k)

    def rows() -> Iterator[tuple[int, list]]:
        for number, item in enumerate(data, start=1):
            yield number, [item.get(k, "") for k in header]

    return header, rows(), {"encoding": "utf-8", "delimiter": ""}
