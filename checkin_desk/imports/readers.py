"""Attendee lists from registration systems: CSV, XLSX and JSON -> validated attendees + a report.

The whole file is validated inside one transaction; nothing is committed when a row is bad unless
the user accepted skipping bad rows. Re-importing an updated list updates attendees and never
touches check-ins (they live in `scans`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from checkin_desk.domain.models import Attendee
from checkin_desk.imports import sources
from checkin_desk.imports.rows import STATUSES, FirstRows, RowOptions, TableReader, batches, row_to_values
from checkin_desk.imports.sources import Source, header_key
from checkin_desk.imports.tables import ImportFileError, read_table
from checkin_desk.storage import search_index
from checkin_desk.storage.store import Store, UpsertReport, attendee_from_row
from checkin_desk.util.textnorm import fold

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
    "status": "statut,status,etat,state,orderstatus,attendeestatus",
    "first_name_latin": "firstnamelatin,prenomlatin,latinfirstname,prenomenlettreslatines,firstnameinlatin,"
    "firstnamepassport,prenompasseport,givennamelatin",
    "last_name_latin": "lastnamelatin,nomlatin,latinlastname,nomenlettreslatines,lastnameinlatin,lastnamepassport,"
    "nompasseport,familynamelatin,surnamelatin",
    "notes": "notes,note,remarques,remarque,commentaire,commentaires,comments,comment,observations,memo",
}.items():
    for _name in _names.split(","):
        FIELD_ALIASES[_name.replace("-", "")] = _field


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
    source: str = ""  # what the list was recognised as ("pretix order positions"...)
    codes_note: str = ""  # how its codes are compared
    labels: dict[str, str] = field(default_factory=dict)  # new category key -> its label as written

    def add_error(self, row: int, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(row, reason))


# -- mapping and validating -------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOptions:
    """What the organiser said about a list besides its columns (--map, --status-map, --category-map)."""

    overrides: dict[str, str] = field(default_factory=dict)  # column -> field
    statuses: dict[str, str] = field(default_factory=dict)  # value -> valid | cancelled | blocked | unpaid
    categories: dict[str, str] = field(default_factory=dict)  # value -> category key


@dataclass(frozen=True)
class TablePlan:
    """How one file's rows become attendees: its source, its columns, how its cells are read."""

    source: Source
    mapping: dict[str, int]
    row_options: RowOptions


def map_columns(
    header: list[str], overrides: dict[str, str] | None = None, source: Source | None = None
) -> dict[str, int]:
    """field -> column index. `overrides` maps a column name to a field (from --map column=field).

    The source's own column names (sources.py) come first, then the usual names (FIELD_ALIASES).
    """
    source = source or sources.detect(header)
    fields = set(FIELD_ALIASES.values()) | {"paid", "blocked"}
    mapping: dict[str, int] = {}
    keys = [header_key(h) for h in header]
    for table in (source.columns, FIELD_ALIASES):
        for index, key in enumerate(keys):
            field_name = table.get(key)
            taken = field_name in mapping or index in mapping.values()
            if field_name and not taken and key not in source.not_fields:
                mapping[field_name] = index
    for column, field_name in (overrides or {}).items():
        if field_name not in fields:
            raise ImportFileError(
                f"--map {column}={field_name}: unknown field (known: {', '.join(sorted(fields))})"
            )
        key = header_key(column)
        if key not in keys:
            raise ImportFileError(f"--map {column}={field_name}: no column named {column!r} in the file")
        mapping = {f: i for f, i in mapping.items() if f != field_name and i != keys.index(key)}
        mapping[field_name] = keys.index(key)
    if "code" not in mapping:
        if source.no_code_hint:
            looks = ", ".join(f'"{h}"' for h in sources.code_like_columns(header)) or "none"
            raise ImportFileError(
                source.no_code_hint.format(codes=looks) + "; or say which column with --map COLUMN=code"
            )
        looks = sources.code_like_columns(header)
        hint = f" (columns that look like numbers: {', '.join(repr(h) for h in looks)})" if looks else ""
        raise ImportFileError(
            "no column for the badge code (expected one named Code, Badge, Barcode, QR code...; "
            f"or say which with --map COLUMN=code){hint}"
        )
    if not {"first_name", "last_name", "full_name"} & set(mapping):
        raise ImportFileError(
            "no column for names (Nom, Prénom, First name, Last name, Name...; or use --map)"
        )
    return mapping


def _folded_map(items: dict[str, str], what: str, allowed: tuple[str, ...] | None = None) -> dict[str, str]:
    out = {}
    for value, target in items.items():
        target = target.strip()
        if allowed is not None and target not in allowed:
            raise ImportFileError(f"--{what} {value}={target}: say one of {', '.join(allowed)}")
        out[fold(value).replace(" ", "")] = target
    return out


def plan_table(
    header: list[str], options: ImportOptions | None = None, saved_categories: dict[str, str] | None = None
) -> TablePlan:
    """The source, mapping and row options for a file's header and the organiser's options.

    `saved_categories`: the event's remembered category map (Store.category_map), under the options'.
    """
    options = options or ImportOptions()
    source = sources.detect(header)
    mapping = map_columns(header, options.overrides, source)
    statuses = {**source.statuses, **_folded_map(options.statuses, "status-map", STATUSES)}
    categories = {**(saved_categories or {}), **_folded_map(options.categories, "category-map")}
    return TablePlan(
        source,
        mapping,
        RowOptions(
            exact_codes=source.exact_codes,
            undo_formula_escape=source.undo_formula_escape,
            statuses=statuses,
            categories=categories,
        ),
    )


def row_to_attendee(
    row: list, mapping: dict[str, int], event_days: tuple[str, ...], options: RowOptions | None = None
) -> Attendee | str:
    """An attendee, or the reason the row is not one."""
    values = row_to_values(row, mapping, event_days, options)
    if isinstance(values, str):
        return values
    return attendee_from_row(values)


def validated(
    rows: Iterable[tuple[int, list]],
    mapping: dict[str, int],
    event_days: tuple[str, ...],
    result: ImportResult,
    options: RowOptions | None = None,
) -> Iterator[tuple]:
    """The valid rows of a table as attendee value tuples; every bad row goes into `result`.

    Rows are read BATCH (256) at a time: a batch of plain, valid rows with new codes is checked as
    a whole (import_rows: TableReader.plain_batch, FirstRows.add_new), any other batch row by row.
    Either way rows are counted, reported and given out one by one, in order. At the end,
    `result.labels` holds the labels of the categories the table named in its own words.
    """
    table = TableReader(mapping, event_days, options)
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
    result.labels.update(table.labels)


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
    status_map: dict[str, str] | None = None,
    category_map: dict[str, str] | None = None,
) -> ImportResult:
    """Validate the whole file and write it in one transaction (see the module's docstring).

    `parallel`: parse a CSV in a second process while this one writes (None: for large CSV files).
    `status_map` / `category_map`: value -> status / category key, for values the source's own
    words do not cover; the category map is remembered by the event for later imports.
    """
    options = ImportOptions(overrides or {}, status_map or {}, category_map or {})
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
        return run(store, path, options, skip_invalid, dry_run, origin, encoding=None)
    except UnicodeDecodeError:
        # A stray non-UTF-8 byte deep in the file: read it again as Windows-1252.
        try:
            return run(store, path, options, skip_invalid, dry_run, origin, encoding="cp1252")
        except UnicodeDecodeError as exc:  # bytes that are neither (found by hypothesis)
            raise ImportFileError(f"{path.name} is not text in UTF-8 or Windows-1252") from exc


def _import(store, path, options, skip_invalid, dry_run, origin, encoding) -> ImportResult:
    header, rows, info = read_table(path, encoding)
    close = info.pop("close", None)
    try:
        return _import_rows(store, header, rows, info, options, skip_invalid, dry_run, origin)
    finally:
        if close:
            close()


def _new_result(plan: TablePlan, header: list[str], info: dict) -> ImportResult:
    return ImportResult(
        columns={f: header[i] for f, i in plan.mapping.items()},
        source=plan.source.label,
        codes_note=plan.source.codes_note,
        **info,
    )


def _finish(
    store: Store, result: ImportResult, options: ImportOptions, dry_run: bool, skip_invalid: bool
) -> None:
    """The end of an import's transaction: labels of new categories, the remembered category map."""
    if result.upsert is not None:
        store.label_categories(result.upsert.new_categories, result.labels)
    if options.categories:
        store.remember_category_map(options.categories)
    if dry_run or (result.error_count and not skip_invalid):
        raise _Rollback


def _import_rows(store, header, rows, info, options, skip_invalid, dry_run, origin) -> ImportResult:
    plan = plan_table(header, options, store.category_map())
    result = _new_result(plan, header, info)
    event_days = store.event().days
    try:
        with store.transaction():
            result.upsert = store.upsert_rows(
                validated(rows, plan.mapping, event_days, result, plan.row_options),
                origin=origin,
                unique=True,
            )
            _finish(store, result, options, dry_run, skip_invalid)
    except _Rollback:
        return result
    result.written = True
    return result


def _import_parallel(store, path, options, skip_invalid, dry_run, origin, encoding) -> ImportResult:
    """_import with the reading and validating done by import_worker's parser process."""
    from checkin_desk.imports.worker import ParsedTable

    # A first import: the parser process also builds the search index (see import_worker).
    search_file = search_index.new_scratch_file(store.path) if store.attendee_count() == 0 else None
    try:
        table = ParsedTable(path, encoding, options, store.event().days, search_file, store.category_map())
        try:
            result = _new_result(table.plan, table.header, table.info)
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
                    result.labels = parsed.labels
                    _finish(store, result, options, dry_run, skip_invalid)
            except _Rollback:
                return result
        finally:
            table.close()
    finally:
        if search_file is not None:
            search_index.remove_scratch_file(search_file)
    result.written = True
    return result


__all__ = [
    "ImportFileError",
    "ImportOptions",
    "ImportResult",
    "import_file",
    "map_columns",
    "read_table",
    "validated",
]


def days_in_file(path: Path, limit: int = 20_000) -> tuple[str, ...]:
    """The event days a list names in its days column (ISO or dd/mm/yyyy), to create its event from."""
    from checkin_desk.imports.rows import parse_days

    try:
        header, rows, info = read_table(path)
    except (ImportFileError, OSError, UnicodeDecodeError):
        return ()
    close = info.pop("close", None)
    days: set[str] = set()
    try:
        index = map_columns(header).get("days")
        if index is None:
            return ()
        seen: set[str] = set()
        for count, (_, row) in enumerate(rows):
            if count >= limit:
                break
            value = row[index] if index < len(row) else ""
            if isinstance(value, str) and value in seen:
                continue
            seen.add(str(value))
            try:
                days.update(d for d in parse_days(value, ()) if len(d) == 10)
            except ValueError:
                continue
    except (ImportFileError, UnicodeDecodeError):
        return ()
    finally:
        if close:
            close()
    return tuple(sorted(days))


def check_header(path: Path, overrides: dict[str, str] | None = None) -> TablePlan:
    """Raise ImportFileError when a file cannot be imported as a whole (format, columns)."""
    if not path.is_file():
        raise ImportFileError(f"no file at {path}")
    header, _, info = read_table(path)
    if close := info.pop("close", None):
        close()
    return plan_table(header, ImportOptions(overrides=overrides or {}))
