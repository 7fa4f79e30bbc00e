"""Table rows -> attendee value tuples: the per-row work of an import, and its hot path.

A 1,000,000-row import spends most of its parsing time here, so rows are read a batch at a time.
When every cell of a batch is already clean text (the usual case: a real list has no control or
invisible characters and no double spaces, and its accents are composed), the batch is checked as
one text and as columns, in C loops (str methods, map, zip), and its tuples come out of zip().
A batch with anything else is read row by row (TableReader.row), which cleans each cell and says
what is wrong with a bad row. The two give the same values: the batch path only takes batches in
which the row path would find nothing to clean and nothing to refuse.
"""

from __future__ import annotations

import operator
import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from functools import lru_cache
from itertools import chain, repeat
from operator import itemgetter
from unicodedata import is_normalized

from checkin_desk.domain import codes
from checkin_desk.util.textnorm import clean_text, fold

CATEGORY_ALIASES: dict[str, str] = {}
for _cat, _names in {
    "visitor": "visitor,visiteur,visiteurs,public,grandpublic,general,generaladmission,free,gratuit,entree",
    "professional": "professional,professionnel,professionnelle,pro,business,trade",
    "speaker": "speaker,speakers,intervenant,intervenante,conferencier,conferenciere,orateur,panelist,panelliste",
    "exhibitor": "exhibitor,exposant,exposante,exposants,stand",
    "press": "press,presse,media,medias,journaliste,journalist",
    "vip": "vip,invite,inviteofficiel,guest,officiel,official",
    "delegation": "delegation,delegue,delegate,delegations,citydelegation",
    "staff": "staff,organisation,organisateur,organizer,benevole,volunteer,personnel,hotesse,host",
}.items():
    for _name in _names.split(","):
        CATEGORY_ALIASES[_name] = _cat

STATUS_ALIASES = {
    **dict.fromkeys(
        [
            "valid",
            "valide",
            "active",
            "actif",
            "confirmed",
            "confirme",
            "paid",
            "paye",
            "ok",
            "completed",
            "",
        ],
        "valid",
    ),
    **dict.fromkeys(
        ["cancelled", "canceled", "annule", "annulee", "refunded", "rembourse", "void"], "cancelled"
    ),
    **dict.fromkeys(["blocked", "bloque", "bloquee", "banned", "banni", "blacklisted", "refuse"], "blocked"),
}
_ALL_DAYS = {"", "all", "tous", "toutes", "tout", "3jours", "3days", "pass", "passcomplet", "fullpass", "*"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_ROW_FIELDS = (
    "code",
    "first_name",
    "last_name",
    "full_name",
    "company",
    "job_title",
    "country",
    "email",
    "phone",
    "category",
    "status",
    "notes",
)

# A code that codes.normalise would only upper-case and that codes.is_valid_code accepts: plain
# ASCII in the alphabet of codes._CODE, lower case allowed, at most MAX_CODE_LENGTH characters.
# One match instead of a substitution and a second match; any other code takes the full path.
_PLAIN = rf"[A-Za-z0-9][A-Za-z0-9._:/+=#-]{{0,{codes.MAX_CODE_LENGTH - 1}}}"
_PLAIN_CODE = re.compile(_PLAIN)
# A batch's codes joined by newlines, each one plain (one match for the whole batch).
_PLAIN_CODES = re.compile(rf"{_PLAIN}(?:\n{_PLAIN})*")

# Cells are joined with this to be tested all at once. It is printable, not a space, and a character
# that Unicode normalisation never combines with its neighbours: the joined text is printable, free
# of double spaces and NFC exactly when every cell is.
_JOIN = "|"

# Rows read together. A batch with one row to clean or refuse is read row by row: a small batch
# keeps that cost local, a large one spreads the batch's fixed cost (a few dozen C calls).
BATCH = 256

# At most this many distinct texts of the days column are remembered per table.
_DAYS_CACHE = 4096


def parse_days(value: object, event_days: tuple[str, ...]) -> tuple[str, ...]:
    """'' / 'all' -> every day; ISO dates, dd/mm[/yyyy], or J1/D1/day 2 (the event's Nth day)."""
    if isinstance(value, date):
        value = value.isoformat()
    elif isinstance(value, (list, tuple)):
        value = ",".join(str(v.isoformat() if isinstance(v, date) else v) for v in value)
    text = clean_text(value)
    if fold(text).replace(" ", "") in _ALL_DAYS:
        return ()
    days: list[str] = []
    for part in re.split(r"[,;|+ ]+(?=\S)", text):
        part = part.strip()
        if not part:
            continue
        if m := re.fullmatch(r"(?i)(?:j|d|jour|day)\s*(\d)", part):
            index = int(m.group(1)) - 1
            if not 0 <= index < len(event_days):
                raise ValueError(f"day {part} is not a day of the event")
            day = event_days[index]
        elif m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?", part):
            day = "-".join(m.groups())
        elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?", part):
            d, mo, y = m.groups()
            year = y or (event_days[0][:4] if event_days else str(date.today().year))
            day = f"{year}-{int(mo):02d}-{int(d):02d}"
        else:
            raise ValueError(f"cannot read {part!r} as a day (use 2026-04-18, 18/04 or J1)")
        if event_days and day not in event_days:
            raise ValueError(f"{day} is not a day of the event")
        if day not in days:
            days.append(day)
    return tuple(sorted(days))


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets store long numeric codes as floats
    return clean_text(value)


def _is_plain(text: str, long: bool = False) -> bool:
    """Whether clean_text would only strip `text` (and each cell joined in it).

    Printable text has no control, invisible or other-than-space whitespace character; with no
    double space and already NFC, nothing else is left for clean_text to do. `long`: the text of a
    whole column, which is worth a Latin-1 test before the NFC test.
    """
    if not text.isprintable() or "  " in text:
        return False
    return text.isascii() or (long and _is_latin1(text)) or is_normalized("NFC", text)


def _is_latin1(text: str) -> bool:
    """Whether every character is below U+0100. Such text is always NFC (tests check it), and
    CPython encodes it to Latin-1 as a plain copy: cheaper than is_normalized, but for the
    exception when it is not Latin-1."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=4096)
def _category(raw: str) -> str:
    if not raw:
        return "visitor"
    key = fold(raw)
    return CATEGORY_ALIASES.get(key.replace(" ", "")) or key.replace(" ", "_")[:32] or "visitor"


@lru_cache(maxsize=1024)
def _status(raw: str) -> str | None:
    """'valid', 'cancelled' or 'blocked'; None when not a status ("" is 'valid')."""
    return STATUS_ALIASES.get(fold(raw).replace(" ", ""))


class TableReader:
    """Rows of one table (one mapping, one event) -> attendee values in store.ATTENDEE_FIELDS order.

    Whatever depends only on the mapping (which cells to take, where each field lands) is worked
    out once, here, rather than for each row.
    """

    def __init__(self, mapping: dict[str, int], event_days: tuple[str, ...]) -> None:
        self._mapping = mapping
        self._event_days = event_days
        self._days_index = mapping.get("days")
        # The cells taken from each row: the mapped fields, then the days column.
        taken = [name for name in (*_ROW_FIELDS, "days") if name in mapping]
        self._position = {name: i for i, name in enumerate(taken)}
        self._checked = [i for name, i in self._position.items() if name != "code"]
        indexes = [mapping[name] for name in taken]
        while len(indexes) < 2:  # itemgetter of one index returns the cell, not a tuple
            indexes.append(indexes[0] if indexes else 0)
        self._take = itemgetter(*indexes)
        # The 12 row fields from the taken cells followed by "": an unmapped field is that "".
        self._spread = itemgetter(*(self._position.get(name, len(indexes)) for name in _ROW_FIELDS))
        self._days_cache: dict[str, str] = {"": ""}

    def row(self, row: list) -> tuple | str:
        """One row's values, or the reason it is not an attendee."""
        cells = None
        try:
            taken = self._take(row)
            joined = _JOIN.join(taken)
        except (IndexError, TypeError):  # a short row, or a cell that is not text (XLSX, JSON)
            pass
        else:
            if _is_plain(joined):
                if joined[0] == " " or joined[-1] == " " or " |" in joined or "| " in joined:
                    taken = tuple([cell.strip() for cell in taken])
                cells = self._spread((*taken, ""))
        if cells is None:
            cells = self._clean_cells(row)
        code, first, last, full, company, job, country, email, phone, raw_category, raw_status, notes = cells
        if _PLAIN_CODE.fullmatch(code):
            code = code.upper()  # all that codes.normalise does to it, and valid
        else:
            code = codes.normalise(code)
            if not code:
                return "no badge code"
            if not codes.is_valid_code(code):
                return f"badge code {code[:40]!r} has characters a QR code reader cannot match"
        if not (first or last) and full:
            first, _, last = full.partition(" ")
        if not (first or last):
            return "no name"
        if email and not _EMAIL.match(email):
            return f"e-mail {email!r} is not an address"
        status = _status(raw_status) if raw_status else "valid"
        if status is None:
            return f"status {raw_status!r} is not valid, cancelled or blocked"
        days = ""
        if (i := self._days_index) is not None and i < len(row) and row[i] not in ("", None):
            try:
                days = self._days(row[i])
            except ValueError as exc:
                return str(exc)
        category = _category(raw_category)
        return (code, first, last, company, job, country, email, phone, category, days, status, notes)

    def _clean_cells(self, row: list) -> list[str]:
        """The row's fields in _ROW_FIELDS order, each cleaned on its own ("" when absent)."""
        width = len(row)
        cells = []
        for name in _ROW_FIELDS:
            i = self._mapping.get(name, width)
            cell = row[i] if i < width else ""
            if cell.__class__ is str and cell.isascii() and cell.isprintable() and "  " not in cell:
                cells.append(cell.strip())
            else:
                cells.append(_cell(cell))
        return cells

    def _days(self, raw: object) -> str:
        """The days column as stored: ISO days joined by commas. ValueError when unreadable."""
        if raw.__class__ is not str:
            return ",".join(parse_days(raw, self._event_days))
        days = self._days_cache.get(raw)
        if days is None:
            days = ",".join(parse_days(raw, self._event_days))
            if len(self._days_cache) < _DAYS_CACHE:
                self._days_cache[raw] = days
        return days

    def plain_batch(self, rows: list[list]) -> tuple[list[str], Iterator[tuple]] | None:
        """(codes, values) of every row, as row() gives them, when the whole batch is plain text and
        valid; None when a row needs row() (to be cleaned cell by cell, or to say what is wrong).

        No Python step runs per row: each test runs once over one column of the batch.
        """
        if not rows:
            return None
        try:
            columns = list(zip(*map(self._take, rows), strict=True))
        except IndexError:  # a short row
            return None
        blank = [""] * len(rows)
        position = self._position

        def column(name: str) -> list[str]:
            return columns[position[name]] if name in position else blank

        strip = False
        try:
            for i in self._checked:  # every column but the codes, which have their own test
                text = _JOIN.join(columns[i])
                if not _is_plain(text, long=True):
                    return None
                if " " in text and (text[0] == " " or text[-1] == " " or " |" in text or "| " in text):
                    strip = True  # a cell starts or ends with a space
            codes_text = "\n".join(column("code"))
        except TypeError:  # a cell that is not text (XLSX, JSON)
            return None
        if codes_text.count("\n") != len(rows) - 1 or not _PLAIN_CODES.fullmatch(codes_text):
            return None  # (a code with a line break in it would pass for two plain codes)
        if strip:  # all the cleaning that plain text needs
            columns = [list(map(str.strip, column)) for column in columns]
        # Codes are stored in upper case.
        code_column = column("code") if (upper := codes_text.upper()) == codes_text else upper.split("\n")
        firsts, lasts = column("first_name"), column("last_name")
        if firsts is blank and lasts is blank:
            # Only a full name: row() splits it at its first space when there is no first or last name.
            parts = list(map(str.partition, column("full_name"), repeat(" ")))
            firsts, lasts = list(map(itemgetter(0), parts)), list(map(itemgetter(2), parts))
        if "" in firsts and "" in map(operator.add, firsts, lasts):  # a row with no name at all
            return None
        emails = column("email")
        if not all(map(_EMAIL.match, filter(None, emails))):
            return None
        # Statuses and categories: a few distinct values per batch, each looked up once.
        raw_statuses, raw_categories = column("status"), column("category")
        statuses = {raw: _status(raw) for raw in set(raw_statuses)}
        if None in statuses.values():
            return None
        categories = {raw: _category(raw) for raw in set(raw_categories)}
        days = self._days_column(column("days"))
        if days is None:
            return None
        values = zip(
            code_column,
            firsts,
            lasts,
            column("company"),
            column("job_title"),
            column("country"),
            emails,
            column("phone"),
            map(categories.__getitem__, raw_categories),
            days,
            map(statuses.__getitem__, raw_statuses),
            column("notes"),
            strict=True,
        )
        return code_column, values

    def _days_column(self, raws: list[str]) -> list[str] | None:
        """The days of a batch's rows (plain text); None when one of them is not readable."""
        days = list(map(self._days_cache.get, raws))
        if None in days:
            for i, day in enumerate(days):
                if day is None:
                    try:
                        days[i] = self._days(raws[i])
                    except ValueError:
                        return None
        return days


def row_to_values(row: list, mapping: dict[str, int], event_days: tuple[str, ...]) -> tuple | str:
    """An attendee row as Store.upsert_rows takes it (store.ATTENDEE_FIELDS order), or why it is not one.

    No Attendee object is built. A whole table is better read with a TableReader (see importers.validated).
    """
    return TableReader(mapping, event_days).row(row)


def batches(
    rows: Iterable[tuple[int, list]], size: int | None = None
) -> Iterator[tuple[list[int], list[list]]]:
    """(numbers, rows) lists of up to `size` (BATCH) rows from (number, row) pairs.

    When reading fails (a CSV error, a byte that is not text), the rows read before it come first,
    and then the error: as it would be when reading row by row.
    """
    size = size or BATCH
    numbers: list[int] = []
    table: list[list] = []
    try:
        for number, row in rows:
            numbers.append(number)
            table.append(row)
            if len(table) == size:
                yield numbers, table
                numbers, table = [], []
    except Exception:
        if table:
            yield numbers, table
        raise
    if table:
        yield numbers, table


# Hashes kept to 60 bits are 32-byte ints in CPython, 64-bit ones 40: 8 MB less for 1,000,000 codes.
# Two different codes share a 60-bit hash about once in 2,000,000 lists of 1,000,000 codes (and
# even then nothing is lost: see FirstRows).
_HASH_BITS = (1 << 60) - 1
# Codes kept per text of FirstRows' first stage.
_CHUNK = 256


class FirstRows:
    """Each code's first row number, for the duplicate check of an import: ~80 bytes a code at most,
    where a dict of code -> row took ~140 MB for 1,000,000 codes.

    Two stages. While no hash has come twice, a set of the codes' hashes tells in a few C loops that
    a whole batch of codes is new (~64 bytes a code), and the codes and their rows are only kept, a
    batch at a time, as text and a range or array (~15 bytes a code), for the second stage.

    The first hash that comes again (a code seen before, or two codes with the same hash) makes the
    store exact: the set is dropped, and every code goes into one of 65,536 strings ("buckets")
    chosen by its hash, which holds the records "\n<code>\t<row>" of its codes. A code is found by a
    substring search that compares the code itself, so codes that share a hash are told apart. This
    costs ~30 bytes a code but a Python step per code; it is for lists that have duplicates.

    Codes must not contain "\n" or "\t" (valid badge codes have no control character); rows are ints.
    """

    def __init__(self, bits: int = 16) -> None:
        self._hashes: set[int] | None = set()
        # The codes recorded in the first stage, a batch or _CHUNK at a time ("\n"-joined), and their rows.
        self._codes: list[str] = []
        self._rows: list[Sequence[int]] = []
        self._pending: tuple[list[str], list[int]] = ([], [])  # recorded one at a time, not yet in _codes
        self._buckets: list[str] = []
        self._bits = bits

    def add_new(self, codes: list[str], rows: list[int]) -> bool:
        """Record a batch of codes in one step when they are all new (the usual case); False, and
        nothing recorded, when they may not be: then setdefault() tells for each code."""
        if self._hashes is None:
            return False
        count = len(self._hashes)
        self._hashes.update(map(_HASH_BITS.__and__, map(hash, codes)))
        if len(self._hashes) != count + len(codes):
            # A hash came twice. The set now holds hashes of codes that are not recorded, but the
            # exact stage starts from the recorded codes alone.
            self._make_exact()
            return False
        self._flush()
        self._keep(codes, rows)
        return True

    def setdefault(self, code: str, row: int) -> str | None:
        """The row `code` was first seen on (as text); None when it is new, and `row` is recorded."""
        if self._hashes is not None:
            key = hash(code) & _HASH_BITS
            if key not in self._hashes:
                self._hashes.add(key)
                codes, rows = self._pending
                codes.append(code)
                rows.append(row)
                if len(codes) >= _CHUNK:
                    self._flush()
                return None
            self._make_exact()
        buckets, index = self._buckets, hash(code) & (len(self._buckets) - 1)
        bucket = buckets[index]
        key = f"\n{code}\t"
        start = bucket.find(key)
        if start < 0:
            buckets[index] = f"{bucket}{key}{row}"
            return None
        start += len(key)
        end = bucket.find("\n", start)
        return bucket[start:] if end < 0 else bucket[start:end]

    def _keep(self, codes: list[str], rows: list[int]) -> None:
        self._codes.append("\n".join(codes))
        first = rows[0]
        consecutive = range(first, first + len(rows))  # the usual case: no blank row in between
        self._rows.append(consecutive if all(map(operator.eq, rows, consecutive)) else array("q", rows))

    def _flush(self) -> None:
        codes, rows = self._pending
        if codes:
            self._keep(codes, rows)
            self._pending = ([], [])

    def _make_exact(self) -> None:
        """Second stage: every code recorded so far (all different: their hashes were) into buckets."""
        self._flush()
        self._hashes = None  # freed before the buckets grow
        buckets = self._buckets = [""] * (1 << self._bits)
        mask = len(buckets) - 1
        codes = chain.from_iterable(text.split("\n") for text in self._codes)
        for code, row in zip(codes, chain.from_iterable(self._rows), strict=True):
            index = hash(code) & mask
            buckets[index] = f"{buckets[index]}\n{code}\t{row}"
        self._codes, self._rows = [], []
