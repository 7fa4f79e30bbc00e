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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import repeat
from operator import itemgetter
from unicodedata import is_normalized

from checkin_desk.domain import codes
from checkin_desk.errors import CheckinDeskError
from checkin_desk.imports.first_rows import FirstRows
from checkin_desk.imports.sources import undo_formula_escape
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
    **dict.fromkeys(
        ["unpaid", "nonpaye", "impaye", "enattentedepaiement", "awaitingpayment", "pending"], "unpaid"
    ),
    # Attendee statuses of registration systems, for lists whose source is not recognised.
    **dict.fromkeys(["attending", "checkedin", "present"], "valid"),
    **dict.fromkeys(["notattending", "expired", "expire", "deleted"], "cancelled"),
}
STATUSES = ("valid", "cancelled", "blocked", "unpaid")
# The words of a Yes/No column (pretix's "Paid" and "Blocked"), folded.
_YES = frozenset(["yes", "oui", "true", "vrai", "1", "x", "y", "o", "نعم"])
_NO = frozenset(["no", "non", "false", "faux", "0", "n", ""])
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
    "first_name_latin",
    "last_name_latin",
    "paid",
    "blocked",
)

# The longest text each field may hold, in characters. Real values are far shorter (the longest
# names in civil registers are under 100 characters); a longer cell is a mistake in the list, or a
# quote that swallowed the rows after it, and a badge could not show it anyway.
FIELD_LIMITS = {
    "first_name": 120,
    "last_name": 120,
    "full_name": 200,
    "first_name_latin": 120,
    "last_name_latin": 120,
    "company": 200,
    "job_title": 200,
    "country": 100,
    "email": 254,
    "phone": 50,
    "category": 100,
    "status": 50,
    "notes": 2000,
    "paid": 20,
    "blocked": 20,
    "days": 400,
}

# A code that codes.normalise leaves as it is and that codes.is_valid_code accepts: printable ASCII
# without a space, at most MAX_CODE_LENGTH characters, not starting with "'" (which a spreadsheet
# writer may have added to escape it; see sources.undo_formula_escape).
# One match instead of a substitution and a second match; any other code takes the full path.
_PLAIN = rf"[!-&(-~][!-~]{{0,{codes.MAX_CODE_LENGTH - 1}}}"
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


@dataclass(frozen=True)
class RowOptions:
    """How one list's rows are read, besides its columns (sent to the parser process: plain data)."""

    exact_codes: bool = False  # keep the codes' case (a case-sensitive source)
    undo_formula_escape: bool = False  # pretix's CSV writer prefixed "=..." cells with "'"
    statuses: dict[str, str] = field(default_factory=dict)  # folded value -> status, before the usual words
    categories: dict[str, str] = field(default_factory=dict)  # folded value -> category key


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


class CellError(CheckinDeskError, ValueError):
    """A cell that cannot be read as text (a JSON object)."""


def _cell(value: object, name: str = "") -> str:
    if value.__class__ is str:
        return clean_text(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets store long numeric codes as floats
    elif isinstance(value, (list, tuple)):
        # A JSON list: its items, as a person would write them (not "['a', 'b']").
        if any(isinstance(item, (list, tuple, dict)) for item in value):
            raise CellError(f"{name or 'a field'} holds a nested JSON list, not text")
        sep = " " if name in ("first_name", "last_name", "full_name") else ", "
        return clean_text(sep.join(_cell(item) for item in value if item not in (None, "")))
    elif isinstance(value, dict):
        raise CellError(f"{name or 'a field'} holds a JSON object, not text")
    elif isinstance(value, bool):
        value = "yes" if value else "no"
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


def category_key(raw: str) -> str:
    """The internal key of a category label: a known category's, or the label folded into a slug."""
    if not raw:
        return "visitor"
    key = fold(raw)
    return CATEGORY_ALIASES.get(key.replace(" ", "")) or key.replace(" ", "_")[:64] or "visitor"


def _folded_key(raw: str) -> str:
    return fold(raw).replace(" ", "")


class TableReader:
    """Rows of one table (one mapping, one event) -> attendee values in store.ATTENDEE_FIELDS order.

    Whatever depends only on the mapping (which cells to take, where each field lands) is worked
    out once, here, rather than for each row. `labels` collects, for each category key the table
    made from a label of its own, the label as written ("Visiteur professionnel").
    """

    def __init__(
        self, mapping: dict[str, int], event_days: tuple[str, ...], options: RowOptions | None = None
    ):
        self._mapping = mapping
        self._event_days = event_days
        self._options = options or RowOptions()
        self._days_index = mapping.get("days")
        # The cells taken from each row: the mapped fields, then the days column.
        taken = [name for name in (*_ROW_FIELDS, "days") if name in mapping]
        self._position = {name: i for i, name in enumerate(taken)}
        self._checked = [(i, FIELD_LIMITS[name]) for name, i in self._position.items() if name != "code"]
        self._limits = [
            (_FIELD_INDEX[name], name, FIELD_LIMITS[name])
            for name in self._position
            if name not in ("code", "days")
        ]
        indexes = [mapping[name] for name in taken]
        while len(indexes) < 2:  # itemgetter of one index returns the cell, not a tuple
            indexes.append(indexes[0] if indexes else 0)
        self._take = itemgetter(*indexes)
        # The row fields from the taken cells followed by "": an unmapped field is that "".
        self._spread = itemgetter(*(self._position.get(name, len(indexes)) for name in _ROW_FIELDS))
        self._days_cache: dict[str, str] = {"": ""}
        self._statuses: dict[str, str | None] = {}
        self._categories: dict[str, str] = {}
        self.labels: dict[str, str] = {}

    def status(self, raw: str) -> str | None:
        """valid, cancelled, blocked or unpaid; None when the word is none of them ("" is valid)."""
        status = self._statuses.get(raw, "?")
        if status == "?":
            key = _folded_key(raw)
            status = self._options.statuses.get(key) or STATUS_ALIASES.get(key)
            if len(self._statuses) < 1024:
                self._statuses[raw] = status
        return status

    def category(self, raw: str) -> str:
        key = self._categories.get(raw)
        if key is None:
            mapped = self._options.categories.get(_folded_key(raw)) if raw else None
            key = mapped or category_key(raw)
            if raw and not mapped and key not in CATEGORY_ALIASES.values():
                self.labels.setdefault(key, raw)
            if len(self._categories) < 4096:
                self._categories[raw] = key
        return key

    def _flags(self, paid: str, blocked: str) -> str | None:
        """The status that a Yes/No "Blocked" or "Paid" column imposes, "" for none; None when unreadable."""
        if blocked:
            word = _folded_key(blocked)
            if word in _YES:
                return "blocked"
            if word not in _NO:
                return None
        if paid:
            word = _folded_key(paid)
            if word in _NO:
                return "unpaid"
            if word not in _YES:
                return None
        return ""

    def row(self, row: list) -> tuple | str:
        """One row's values, or the reason it is not an attendee."""
        cells = None
        try:
            taken = self._take(row)
            joined = _JOIN.join(taken)
        except (IndexError, TypeError):  # a short row, or a cell that is not text (XLSX, JSON)
            pass
        else:
            if _is_plain(joined) and not (self._options.undo_formula_escape and "'" in joined):
                if joined[0] == " " or joined[-1] == " " or " |" in joined or "| " in joined:
                    taken = tuple([cell.strip() for cell in taken])
                cells = self._spread((*taken, ""))
        if cells is None:
            try:
                cells = self._clean_cells(row)
            except CellError as exc:
                return str(exc)
        (code, first, last, full, company, job, country, email, phone, raw_category, raw_status, notes,
         first_latin, last_latin, paid, blocked) = cells  # fmt: skip
        for index, name, limit in self._limits:
            if len(cells[index]) > limit:
                return f"{name.replace('_', ' ')} is {len(cells[index])} characters long (at most {limit})"
        if _PLAIN_CODE.fullmatch(code):
            if not self._options.exact_codes:
                code = code.upper()  # all that codes.normalise and the case rule do to it
        else:
            code = codes.normalise(code)
            if not self._options.exact_codes:
                code = code.upper()
            if reason := codes.problem(code):
                return reason if reason == "no badge code" else f"badge code {code[:40]!r}: {reason}"
        if not (first or last) and full:
            first, _, last = full.partition(" ")
        if not (first or last):
            return "no name"
        if email and not _EMAIL.match(email):
            return f"e-mail {email!r} is not an address"
        status = self.status(raw_status) if raw_status else "valid"
        if status is None:
            return f"status {raw_status!r} is not valid, cancelled, blocked or unpaid (say which with --status-map)"
        if paid or blocked:
            flag = self._flags(paid, blocked)
            if flag is None:
                return f"cannot read {paid or blocked!r} as yes or no"
            if flag and status == "valid":
                status = flag
        days = ""
        if (i := self._days_index) is not None and i < len(row) and row[i] not in ("", None):
            try:
                days = self._days(row[i])
            except (ValueError, CellError) as exc:
                return str(exc)
            if len(days) > FIELD_LIMITS["days"]:
                return f"days are {len(days)} characters long (at most {FIELD_LIMITS['days']})"
        category = self.category(raw_category)
        return (code, first, last, company, job, country, email, phone, category, days, status, notes,
                first_latin, last_latin)  # fmt: skip

    def _clean_cells(self, row: list) -> list[str]:
        """The row's fields in _ROW_FIELDS order, each cleaned on its own ("" when absent)."""
        width = len(row)
        undo = self._options.undo_formula_escape
        cells = []
        for name in _ROW_FIELDS:
            i = self._mapping.get(name, width)
            cell = row[i] if i < width else ""
            if cell.__class__ is str and cell.isascii() and cell.isprintable() and "  " not in cell:
                cell = cell.strip()
            else:
                cell = _cell(cell, name)
            if undo and cell[:1] == "'":
                cell = undo_formula_escape(cell)
            cells.append(cell)
        return cells

    def _days(self, raw: object) -> str:
        """The days column as stored: ISO days joined by commas. ValueError when unreadable."""
        if raw.__class__ is not str:
            if isinstance(raw, dict):
                raise CellError("days hold a JSON object, not days")
            return ",".join(parse_days(raw, self._event_days))
        days = self._days_cache.get(raw)
        if days is None:
            if len(raw) > FIELD_LIMITS["days"]:
                raise ValueError(f"days are {len(raw)} characters long (at most {FIELD_LIMITS['days']})")
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
        undo = self._options.undo_formula_escape

        def column(name: str) -> list[str]:
            return columns[position[name]] if name in position else blank

        strip = False
        try:
            for i, limit in self._checked:  # every column but the codes, which have their own test
                text = _JOIN.join(columns[i])
                if not _is_plain(text, long=True) or max(map(len, columns[i])) > limit:
                    return None
                if undo and (text[:1] == "'" or "|'" in text):
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
        if self._options.exact_codes:
            code_column = column("code")
        else:  # codes are stored in upper case
            upper = codes_text.upper()
            code_column = column("code") if upper == codes_text else upper.split("\n")
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
        statuses = {raw: self.status(raw) if raw else "valid" for raw in set(raw_statuses)}
        if None in statuses.values():
            return None
        flags = ("paid" in position or "blocked" in position) and any(
            map(bool, (*column("paid"), *column("blocked")))
        )
        if flags:
            return None  # Yes/No columns to combine with the status: row by row
        categories = {raw: self.category(raw) for raw in set(raw_categories)}
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
            column("first_name_latin"),
            column("last_name_latin"),
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


_FIELD_INDEX = {name: i for i, name in enumerate(_ROW_FIELDS)}


def row_to_values(
    row: list, mapping: dict[str, int], event_days: tuple[str, ...], options: RowOptions | None = None
) -> tuple | str:
    """An attendee row as Store.upsert_rows takes it (store.ATTENDEE_FIELDS order), or why it is not one.

    No Attendee object is built. A whole table is better read with a TableReader (see importers.validated).
    """
    return TableReader(mapping, event_days, options).row(row)


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


__all__ = [
    "BATCH",
    "FirstRows",
    "RowOptions",
    "TableReader",
    "batches",
    "category_key",
    "parse_days",
    "row_to_values",
]
