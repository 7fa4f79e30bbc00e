"""Attendee lists from registration systems: CSV, XLSX and JSON -> validated attendees + a report.

The whole file is validated inside one transaction; nothing is committed when a row is bad unless
the user accepted skipping bad rows. Re-importing an updated list updates attendees and never
touches check-ins (they live in `scans`).
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from checkin_desk.domain.models import Attendee
from checkin_desk.imports.rows import FirstRows, TableReader, batches, row_to_values
from checkin_desk.storage import search_index
from checkin_desk.storage.store import Store, UpsertReport, attendee_from_row
from checkin_desk.util.textnorm import clean_text, fold

MAX_REPORTED_ERRORS = 1000

# Header names seen in real exports (French Excel lists, Eventbrite, pretix, Weezevent, Google Forms),
# folded (fold() then spaces removed) -> our field.
FIELD_ALIASES: dict[str, str] = {}
for _field, _names in {
    "code": "code,badge,codebadge,numerobadge,nbadge,nobadge,numbadge,ndebadge,nodebadge,barcode,barcode#,codebarre,codebarres,qr,qrcode,codeqr,ticketcode,"
    "secret,ticketsecret,billet,numerobillet,ticket,ticketnumber,ticketid,attendeeid,reference,ref",
    "first_name": "prenom,firstname,first,givenname,attendeefirstname,prenomduparticipant",
    "last_name": "nom,lastname,last,surname,familyname,nomdefamille,attendeelastname,nomduparticipant",
    "full_name": "name,fullname,nomcomplet,attendeename,participant,nometprenom,prenometnom,nomprenom",
    "company": "societe,entreprise,company,organisation,organization,organisme,employeur,employer,raisonsociale,"
    "structure,institution,companyname",
    "job_title": "fonction,poste,jobtitle,title,position,role,titre,intitule,intituledeposte",
    "country": "pays,country,nationalite,nationality,paysdorigine",
    "email": "email,e-mail,mail,courriel,adresseemail,adressemail,emailaddress,adressee-mail,attendeeemail",
    "phone": "telephone,tel,phone,mobile,portable,gsm,phonenumber,numerodetelephone,cellphone",
    "category": "categorie,category,type,typedebillet,tickettype,product,produit,profil,profile,badgetype",
    "days": "jours,days,validdays,joursvalides,dates,jour,day,acces,access",
    "status": "statut,status,etat,state,orderstatus",
    "notes": "notes,note,remarques,remarque,commentaire,commentaires,comments,comment,observations,memo",
}.items():
    for _name in _names.split(","):
        FIELD_ALIASES[_name.replace("-", "")] = _field


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, missing columns)."""


@dataclass(frozen=True)
class RowError:
    row: int  # as the user sees it: 1 = header line, first data row = 2 (CSV/XLSX); 1-based item (JSON)
    reason: str


@dataclass
class ImportResult:
    rows: int = 0
    valid: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    written: bool = False
    upsert: UpsertReport | None = None
    columns: dict[str, str] = field(default_factory=dict)  # field -> header it came from
    encoding: str = ""
    delimiter: str = ""

    def add_error(self, row: int, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(row, reason))


# -- reading files ----------------------------------------------------------------------------------


def _header_key(name: object) -> str:
    return fold(clean_text(name)).replace(" ", "").replace("_", "")


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


def _read_csv(path: Path, encoding: str | None) -> tuple[list[str], Iterator[tuple[int, list]], dict]:
    encoding = encoding or _detect_encoding(path)
    fh = path.open("r", encoding=encoding, newline="")
    try:
        first = fh.readline()
    except UnicodeDecodeError:  # issue 8: do not leak the handle when the first line is not text
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

    def rows() -> Iterator[tuple[int, list]]:
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            for number, row in enumerate(reader, start=2):
                # Skip blank rows. The same test as any(cell.strip() for cell in row), without a
                # generator for each of 1,000,000 rows: most rows are decided by their first cell.
                if row and (row[0].strip() or "".join(row).strip()):
                    yield number, row
        except csv.Error as exc:
            raise ImportFileError(f"{path.name}, line {reader.line_num}: {exc}") from exc

    return header, rows(), {"encoding": encoding, "delimiter": delimiter, "close": fh.close}


def _read_xlsx(path: Path) -> tuple[list[str], Iterator[tuple[int, list]], dict]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(f"{path.name} is not a readable .xlsx file ({exc.__class__.__name__})") from exc
    sheet = book.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    header = next(iterator, None)
    if header is None:
        book.close()
        raise ImportFileError(f"{path.name}: the first sheet is empty")

    def rows() -> Iterator[tuple[int, list]]:
        for number, row in enumerate(iterator, start=2):
            if row and any(cell not in (None, "") for cell in row):
                yield number, ["" if cell is None else cell for cell in row]

    info = {"encoding": "xlsx", "delimiter": "", "close": book.close}
    return ["" if h is None else str(h) for h in header], rows(), info


def _read_json(path: Path) -> tuple[list[str], Iterator[tuple[int, list]], dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"{path.name} is not valid JSON ({exc})") from exc
    if isinstance(data, dict):
        data = next(
            (v for k, v in data.items() if k in ("attendees", "participants", "results", "data")), None
        )
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ImportFileError(f"{path.name}: expected a list of attendee objects (or {{'attendees': [...]}})")
    header: list[str] = []
    for item in data:
        header.extend(k for k in item if k not in header)

    def rows() -> Iterator[tuple[int, list]]:
        for number, item in enumerate(data, start=1):
            yield number, [item.get(k, "") for k in header]

    return header, rows(), {"encoding": "utf-8", "delimiter": ""}


# -- mapping and validating -------------------------------------------------------------------------


def map_columns(header: list[str], overrides: dict[str, str] | None = None) -> dict[str, int]:
    """field -> column index. `overrides` maps a column name to a field (from --map column=field)."""
    fields = set(FIELD_ALIASES.values())
    mapping: dict[str, int] = {}
    keys = [_header_key(h) for h in header]
    for index, key in enumerate(keys):
        field_name = FIELD_ALIASES.get(key)
        if field_name and field_name not in mapping:
            mapping[field_name] = index
    for column, field_name in (overrides or {}).items():
        if field_name not in fields:
            raise ImportFileError(
                f"--map {column}={field_name}: unknown field (known: {', '.join(sorted(fields))})"
            )
        key = _header_key(column)
        if key not in keys:
            raise ImportFileError(f"--map {column}={field_name}: no column named {column!r} in the file")
        mapping = {f: i for f, i in mapping.items() if f != field_name and i != keys.index(key)}
        mapping[field_name] = keys.index(key)
    if "code" not in mapping:
        raise ImportFileError(
            "no column for the badge code (expected one named Code, Badge, Barcode, QR code...; "
            "or say which with --map COLUMN=code)"
        )
    if not {"first_name", "last_name", "full_name"} & set(mapping):
        raise ImportFileError(
            "no column for names (Nom, Prénom, First name, Last name, Name...; or use --map)"
        )
    return mapping


def row_to_attendee(row: list, mapping: dict[str, int], event_days: tuple[str, ...]) -> Attendee | str:
    """An attendee, or the reason the row is not one."""
    values = row_to_values(row, mapping, event_days)
    if isinstance(values, str):
        return values
    return attendee_from_row(values)


def validated(
    rows: Iterable[tuple[int, list]],
    mapping: dict[str, int],
    event_days: tuple[str, ...],
    result: ImportResult,
) -> Iterator[tuple]:
    """The valid rows of a table as attendee value tuples; every bad row goes into `result`.

    Rows are read BATCH (256) at a time: a batch of plain, valid rows with new codes is checked as
    a whole (import_rows: TableReader.plain_batch, FirstRows.add_new), any other batch row by row.
    Either way rows are counted, reported and given out one by one, in order.
    """
    table = TableReader(mapping, event_days)
    first_rows = FirstRows()  # each code's first row, in less than half the memory of a dict
    for numbers, batch in batches(rows):
        plain = table.plain_batch(batch)
        if plain is not None and first_rows.add_new(plain[0], numbers):
            for values in plain[1]:
                result.rows += 1
                result.valid += 1
                yield values
            continue
        for number, values in zip(numbers, map(table.row, batch) if plain is None else plain[1], strict=True):
            result.rows += 1
            if values.__class__ is str:
                result.add_error(number, values)
                continue
            code = values[0]
            if (first := first_rows.setdefault(code, number)) is not None:
                result.add_error(number, f"code {code} is already on row {first}")
                continue
            result.valid += 1
            yield values


class _Rollback(Exception):
    pass


def import_file(
    store: Store,
    path: str | Path,
    *,
    overrides: dict[str, str] | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    origin: str = "import",
    parallel: bool | None = None,
) -> ImportResult:
    """Validate the whole file and write it in one transaction (see the module's docstring).

    `parallel`: parse a CSV in a second process while this one writes (None: for large CSV files).
    """
    from checkin_desk.imports import worker as import_worker

    # An import that was killed (power cut, kill -9) may have left a scratch search index.
    search_index.sweep_scratch_files(store.path)
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"no file at {path}")
    if parallel is None:
        parallel = import_worker.wanted(path)
    run = _import_parallel if parallel else _import
    try:
        return run(store, path, overrides, skip_invalid, dry_run, origin, encoding=None)
    except UnicodeDecodeError:
        # A stray non-UTF-8 byte deep in the file: read it again as Windows-1252.
        try:
            return run(store, path, overrides, skip_invalid, dry_run, origin, encoding="cp1252")
        except UnicodeDecodeError as exc:  # issue 8: bytes that are neither (found by hypothesis)
            raise ImportFileError(f"{path.name} is not text in UTF-8 or Windows-1252") from exc


def _import(store, path, overrides, skip_invalid, dry_run, origin, encoding) -> ImportResult:
    header, rows, info = read_table(path, encoding)
    close = info.pop("close", None)
    try:
        return _import_rows(store, header, rows, info, overrides, skip_invalid, dry_run, origin)
    finally:
        if close:
            close()


def _import_rows(store, header, rows, info, overrides, skip_invalid, dry_run, origin) -> ImportResult:
    mapping = map_columns(header, overrides)
    result = ImportResult(columns={f: header[i] for f, i in mapping.items()}, **info)
    event_days = store.event().days

    try:
        with store.transaction():
            result.upsert = store.upsert_rows(
                validated(rows, mapping, event_days, result), origin=origin, unique=True
            )
            if dry_run or (result.error_count and not skip_invalid):
                raise _Rollback
    except _Rollback:
        return result
    result.written = True
    return result


def _import_parallel(store, path, overrides, skip_invalid, dry_run, origin, encoding) -> ImportResult:
    """_import with the reading and validating done by import_worker's parser process."""
    from checkin_desk.imports.worker import ParsedTable

    # A first import: the parser process also builds the search index (see import_worker).
    search_file = search_index.new_scratch_file(store.path) if store.attendee_count() == 0 else None
    try:
        table = ParsedTable(path, encoding, overrides, store.event().days, search_file)
        try:
            header = table.header
            result = ImportResult(columns={f: header[i] for f, i in table.mapping.items()}, **table.info)
            try:
                with store.transaction():
                    if search_file is None:
                        rows = table.rows()
                        result.upsert = store.upsert_rows(rows, origin=origin, searched=True, unique=True)
                    elif store.attendee_count() == 0:
                        result.upsert = store.load_into_empty(table.batches(), search_file, origin=origin)
                    else:  # attendees arrived (the hub) between the check and the transaction
                        rows = (row[1:] for row in table.rows())
                        result.upsert = store.upsert_rows(rows, origin=origin, unique=True)
                    parsed = table.result
                    result.rows, result.valid = parsed.rows, parsed.valid
                    result.errors, result.error_count = parsed.errors, parsed.error_count
                    if dry_run or (result.error_count and not skip_invalid):
                        raise _Rollback
            except _Rollback:
                return result
        finally:
            table.close()
    finally:
        if search_file is not None:
            search_file.unlink(missing_ok=True)
    result.written = True
    return result
