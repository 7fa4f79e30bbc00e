"""The local event database: one SQLite file per event, WAL, synchronous=FULL.

Every write that a user is told about happens inside `transaction()`, which commits (and so fsyncs,
with synchronous=FULL) before returning: a check-in the desk acknowledged survives a crash.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

import sqlite_utils

from checkin_desk.domain import codes
from checkin_desk.domain.models import DEFAULT_CATEGORIES, Attendee, Entry, EventInfo, PassStatus
from checkin_desk.domain.rules import Policy
from checkin_desk.storage import audit, faults, schema, search_index
from checkin_desk.storage.errors import StoreError
from checkin_desk.storage.search_index import search_values
from checkin_desk.util.clock import utc_now_iso
from checkin_desk.util.textnorm import fold

# The event setting that connects this desk to a hub (checkin_desk.sync); kept here, with the other
# settings, so that reading it does not import the hub client.
HUB_DSN_SETTING = "hub_dsn"
# Values of registration lists' category column -> category key (imports' --category-map, merges).
CATEGORY_MAP_SETTING = "category_map"

ATTENDEE_FIELDS = (
    "code",
    "first_name",
    "last_name",
    "company",
    "job_title",
    "country",
    "email",
    "phone",
    "category",
    "days",
    "status",
    "notes",
    "first_name_latin",
    "last_name_latin",
)
_SELECT_ATTENDEE = "SELECT " + ", ".join(ATTENDEE_FIELDS) + " FROM attendees"

CATEGORY_DEFAULTS: dict[str, tuple[str, str, str, str]] = {
    # key: (French, English, Arabic, colour)
    "visitor": ("VISITEUR", "VISITOR", "زائر", "#2E7D32"),
    "professional": ("PROFESSIONNEL", "PROFESSIONAL", "مهني", "#1565C0"),
    "speaker": ("INTERVENANT", "SPEAKER", "متحدث", "#C62828"),
    "exhibitor": ("EXPOSANT", "EXHIBITOR", "عارض", "#EF6C00"),
    "press": ("PRESSE", "PRESS", "صحافة", "#6A1B9A"),
    "vip": ("VIP", "VIP", "شخصية مهمة", "#B8860B"),
    "delegation": ("DÉLÉGATION", "DELEGATION", "وفد", "#00838F"),
    "staff": ("ORGANISATION", "STAFF", "منظم", "#37474F"),
}


def _insert_category(conn: sqlite3.Connection, key: str, position: int = 100) -> bool:
    label = key.replace("_", " ").capitalize()  # until an import or an organiser gives it one
    fr, en, ar, colour = CATEGORY_DEFAULTS.get(key, (label, label, label, "#455A64"))
    cur = conn.execute(
        "INSERT OR IGNORE INTO categories (key, label_fr, label_en, label_ar, colour, position) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (key, fr, en, ar, colour, position),
    )
    return cur.rowcount == 1


def attendee_from_row(row: sqlite3.Row | tuple) -> Attendee:
    code, first, last, company, job, country, email, phone, category, days, status, notes, *latin = row
    return Attendee(
        code=code,
        first_name=first,
        last_name=last,
        company=company,
        job_title=job,
        country=country,
        email=email,
        phone=phone,
        category=category,
        days=tuple(days.split(",")) if days else (),
        status=PassStatus(status),
        notes=notes,
        first_name_latin=latin[0] if latin else "",
        last_name_latin=latin[1] if len(latin) > 1 else "",
    )


def attendee_values(a: Attendee) -> tuple:
    return (
        a.code,
        a.first_name,
        a.last_name,
        a.company,
        a.job_title,
        a.country,
        a.email,
        a.phone,
        a.category,
        ",".join(a.days),
        str(a.status),
        a.notes,
        a.first_name_latin,
        a.last_name_latin,
    )


UPSERT_BATCH = 5000
# Secondary indexes of attendees that a large import drops and builds again once the rows are in
# (inside the import's transaction): building an index from sorted keys is ~3x cheaper than
# inserting 1,000,000 keys one at a time. The code index (UNIQUE) stays: updates look codes up in it.
BULK_INDEXES = ("attendees_report", "attendees_by_category")
BULK_MIN_NEW = 20_000
# What Store.load_into_empty drops and builds again. Only this one: its keys (codes first) land all
# over the B-tree, and sorting them once at the end is cheaper. The code index and attendees_by_category
# are cheaper kept up to date, because the writer does that while the parser process is still
# reading the file, whereas a rebuild at the end adds to the import's time (measured, 1M rows:
# 8.7 s against 10.0 s with all three rebuilt).
LOAD_DROPS = ("attendees_report",)


def _add_categories(conn: sqlite3.Connection, seen: set[str], known: set[str], report: UpsertReport) -> None:
    """Categories that a batch of attendees names and the event does not have yet."""
    for category in seen - known:
        _insert_category(conn, category)
        known.add(category)
        report.new_categories.append(category)


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _drop_indexes(conn: sqlite3.Connection, names: tuple[str, ...]) -> list[str]:
    """Drop these indexes; returns the statements that create them again."""
    marks = ",".join("?" * len(names))
    rows = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({marks})", names
    ).fetchall()
    for name, _ in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in rows]


@dataclass
class UpsertReport:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    new_categories: list[str] = field(default_factory=list)


class Store:
    def __init__(self, conn: sqlite3.Connection, path: str):
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.path = path
        self._lock = threading.RLock()
        # The side file scans wait in while another program holds the database (storage.recording),
        # opened the first time it is needed.
        self.waiting: Any = None

    # -- opening -----------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike, *, create: bool = False) -> Store:
        """Open an event database. Refuses files that are not ours, corrupt or locked."""
        path = str(path)
        exists = os.path.exists(path) and os.path.getsize(path) > 0
        if not exists and not create:
            raise StoreError(
                f"no event database at {path} (create one with `checkin-desk demo` or `import`, "
                "or join a hub's event with `checkin-desk hub connect DSN`)"
            )
        if not exists:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            # Attendee data is personal: the file is readable by its owner only.
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        try:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5.0)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {path}: {exc}") from exc
        try:
            store = cls(conn, path)
            store._check_ours(exists)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA cache_size = -32768")  # 32 MB: imports and search touch many pages
            schema.migrate(conn)
            search_index.reindex_if_unicode_changed(conn)
        except sqlite3.DatabaseError as exc:
            conn.close()
            if (problem := faults.fault(exc, path)) is not None and problem.kind != "corrupt":
                raise problem from exc  # busy, disk full, read-only: in words, with what to do
            message = str(exc)
            raise StoreError(
                f"{path} is not a readable event database ({message}); it was not changed"
            ) from exc
        except StoreError:
            conn.close()
            raise
        return store

    def _check_ours(self, existed: bool) -> None:
        # Reading the header forces SQLite to validate the file: a corrupt or foreign file fails here.
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if not existed:
            return
        if app_id == 0 and version == 0:
            tables = self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables == 0:
                return  # an empty SQLite file: safe to initialise
        if app_id != schema.APPLICATION_ID:
            raise StoreError(f"{self.path} is an SQLite database of another program; it was not changed")
        if version > schema.SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was made by a newer checkin-desk (schema {version}, this one knows "
                f"{schema.SCHEMA_VERSION}); update the app"
            )

    def reopen(self) -> None:
        """A new connection to the same file, for this same Store (its users keep their reference).
        SQLite keeps using a file it once opened read-only as read-only, even after it was fixed.
        The old connection is closed first: while any connection of this process has the file open,
        SQLite shares its -shm mapping with a new one, read-only as it was opened. When the file still
        cannot be opened this raises (a StorageFault) and a later call tries again."""
        with self._lock:
            if self.waiting is not None:
                self.waiting.close()
                self.waiting = None
            self.conn.close()
            fresh = Store.open(self.path)
            self.conn, self.db = fresh.conn, fresh.db

    def close(self) -> None:
        if self.waiting is not None:
            self.waiting.close()
            self.waiting = None
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction. IMMEDIATE so that a read-then-write never hits a lock upgrade."""
        with self._lock:
            if self.conn.in_transaction:
                yield self.conn  # nested: part of the caller's transaction
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                self._raise_fault(exc)
                raise
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException as exc:
                self.rollback_quietly()
                self._raise_fault(exc)
                raise

    def rollback_quietly(self) -> None:
        """Roll back if a transaction is still open. SQLite ends one by itself on some errors (a full
        disk): a ROLLBACK then fails with "no transaction is active" and would hide the real cause."""
        if self.conn.in_transaction:
            with suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    def _raise_fault(self, exc: BaseException) -> None:
        """Raise the error in words when it is trouble with the file (busy, full, read-only)."""
        if isinstance(exc, sqlite3.OperationalError) and not isinstance(exc, faults.StorageFault):
            problem = faults.fault(exc, self.path)
            if problem is not None:
                raise problem from exc

    # -- settings ----------------------------------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value, ensure_ascii=False)),
            )

    def delete_setting(self, key: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM settings WHERE key = ?", (key,))

    def settings(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self.conn.execute("SELECT key, value FROM settings")}

    def init_event(self, event: EventInfo) -> None:
        with self.transaction():
            self.set_setting("event_name", event.name)
            self.set_setting("event_days", list(event.days))
            self.set_setting("timezone", event.timezone)
            self.set_setting("venue", event.venue)
            for position, key in enumerate(DEFAULT_CATEGORIES):
                self.ensure_category(key, position)

    def event(self) -> EventInfo:
        s = self.settings()
        return EventInfo(
            name=s.get("event_name", "Event"),
            days=tuple(s.get("event_days", ())),
            timezone=s.get("timezone", "Africa/Casablanca"),
            venue=s.get("venue", ""),
        )

    def policy(self) -> Policy:
        return Policy.from_settings(self.settings())

    # -- categories --------------------------------------------------------------------------------

    def ensure_category(self, key: str, position: int = 100) -> bool:
        """Make sure a category exists; returns True when it was new."""
        with self.transaction() as conn:
            return _insert_category(conn, key, position)

    def categories(self) -> dict[str, dict[str, Any]]:
        rows = self.db.query("SELECT * FROM categories ORDER BY position, key")
        return {row["key"]: row for row in rows}

    def label_categories(self, keys: Iterable[str], labels: dict[str, str]) -> None:
        """Give categories that an import just created their label as the list wrote it
        ("Visiteur professionnel", not VISITEUR_PROFESSIONNEL), in every language until set."""
        with self.transaction() as conn:
            for key in keys:
                if label := labels.get(key):
                    conn.execute(
                        "UPDATE categories SET label_fr = ?, label_en = ?, label_ar = ? WHERE key = ?",
                        (label, label, label, key),
                    )

    def category_map(self) -> dict[str, str]:
        """Category values of registration lists -> category key, as the organiser said (kept for re-imports)."""
        return dict(self.get_setting(CATEGORY_MAP_SETTING, {}))

    def remember_category_map(self, mapping: dict[str, str]) -> None:
        """Add to the category map (values folded as the importer folds them)."""
        current = self.category_map()
        current.update({fold(value).replace(" ", ""): key for value, key in mapping.items()})
        self.set_setting(CATEGORY_MAP_SETTING, current)

    # -- attendees ---------------------------------------------------------------------------------

    def lookup(self, code: str) -> Attendee | None:
        """The attendee whose code is `code` exactly, else its upper-case form (codes.lookup_forms)."""
        for form in codes.lookup_forms(code):
            row = self.conn.execute(_SELECT_ATTENDEE + " WHERE code = ?", (form,)).fetchone()
            if row:
                return attendee_from_row(row)
        return None

    def stored_code(self, code: str) -> str:
        """The form of `code` an attendee is stored under (the code itself when none is)."""
        for form in codes.lookup_forms(code):
            if self.conn.execute("SELECT 1 FROM attendees WHERE code = ?", (form,)).fetchone():
                return form
        return code

    def attendee_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM attendees").fetchone()[0]

    def attendees(self, where: str = "", params: Iterable = ()) -> Iterator[Attendee]:
        sql = _SELECT_ATTENDEE + (f" WHERE {where}" if where else "") + " ORDER BY id"
        for row in self.conn.execute(sql, tuple(params)):
            yield attendee_from_row(row)

    def upsert_attendees(self, attendees: Iterable[Attendee], origin: str = "import") -> UpsertReport:
        """Insert new attendees and update changed ones, in the caller's transaction if there is one.

        Check-ins live in `scans` and are never touched here.
        """
        return self.upsert_rows((attendee_values(a) for a in attendees), origin)

    def upsert_rows(
        self, rows: Iterable[tuple], origin: str = "import", *, searched: bool = False, unique: bool = False
    ) -> UpsertReport:
        """The bulk form of upsert_attendees: rows as attendee_values() makes them (imports use it).

        With `searched`, each row also carries its three search columns (search_values()) after the
        attendee values: an import's parser process folds them while this process writes.
        `unique`: the caller guarantees no code comes twice (an import checked it), so into an empty
        table every row is new and the existence lookups are skipped.
        """
        report = UpsertReport()
        now = utc_now_iso()
        with self.transaction() as conn:
            next_id = conn.execute("SELECT coalesce(max(id), 0) FROM attendees").fetchone()[0] + 1
            all_new = unique and next_id == 1
            known_categories = set(self.categories())
            bulk_after = max(BULK_MIN_NEW, next_id - 1)
            dropped: list[str] = []
            try:
                batch: list[tuple] = []
                for values in rows:
                    batch.append(values)
                    if len(batch) >= UPSERT_BATCH:
                        next_id = self._upsert_batch(
                            conn, batch, origin, now, next_id, report, known_categories, searched, all_new
                        )
                        batch = []
                        if not dropped and report.inserted >= bulk_after:
                            dropped = _drop_indexes(conn, BULK_INDEXES)
                if batch:
                    self._upsert_batch(
                        conn, batch, origin, now, next_id, report, known_categories, searched, all_new
                    )
            finally:
                # After an error SQLite may have rolled back already (and so restored them).
                if dropped and conn.in_transaction:
                    for sql in dropped:
                        conn.execute(sql.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
        return report

    def load_into_empty(
        self, batches: Iterable[list[tuple]], search_file: str | Path, origin: str = "import"
    ) -> UpsertReport:
        """A first import, written as fast as SQLite takes rows: into an empty attendee table.

        `batches` are lists of (id, *attendee values) with ids 1, 2, 3... and codes that do not
        repeat (the import checked them); `search_file` holds the search index of exactly these
        rows, built by the import's parser process (search_index.Builder), adopted whole at the end.
        """
        report = UpsertReport()
        cols = ", ".join(ATTENDEE_FIELDS)
        # origin and time are the same for every row: literals in the statement, not 2 more
        # parameters to bind 1,000,000 times (and no per-row tuple to build in Python).
        constants = ", ".join(_sql_literal(v) for v in (origin, utc_now_iso()))
        marks = "?, " * (len(ATTENDEE_FIELDS) + 1)
        insert = f"INSERT INTO attendees (id, {cols}, origin, updated_at) VALUES ({marks}{constants})"
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM attendees LIMIT 1").fetchone():
                raise StoreError("load_into_empty needs an event without attendees")
            known_categories = set(self.categories())
            dropped = _drop_indexes(conn, LOAD_DROPS)
            for batch in batches:
                _add_categories(conn, {row[9] for row in batch}, known_categories, report)
                conn.executemany(insert, batch)
                report.inserted += len(batch)
            search_index.adopt(conn, search_file)
            for sql in dropped:
                conn.execute(sql)
        return report

    def _upsert_batch(
        self, conn, batch, origin, now, next_id, report, known_categories, searched=False, all_new=False
    ) -> int:
        _add_categories(conn, {values[8] for values in batch}, known_categories, report)
        existing: dict[str, tuple] = {}
        # Sorted by code, the rows land next to each other in the code index's B-tree.
        batch.sort(key=itemgetter(0))
        # Into an empty table, the first batch is all new; with unique codes, every batch is.
        codes_in_batch = [values[0] for values in batch] if next_id > 1 and not all_new else []
        for start in range(0, len(codes_in_batch), 900):
            chunk = codes_in_batch[start : start + 900]
            marks = ",".join("?" * len(chunk))
            for row in conn.execute(
                "SELECT id, " + ", ".join(ATTENDEE_FIELDS) + f" FROM attendees WHERE code IN ({marks})",
                chunk,
            ):
                existing[row[1]] = row
        inserts, updates, search_rows, reindexed = [], [], [], []
        # A code met twice in one batch (upsert_attendees with repeats): its one index row is replaced,
        # because the index is written after the whole batch and can only remove what it holds.
        pending: dict[str, int] = {}
        width = len(ATTENDEE_FIELDS)
        for row in batch:
            if searched:
                values, search = row[:width], row[width:]
            else:
                values, search = row, None
            code = values[0]
            old = existing.get(code)
            if old is None:
                inserts.append((next_id, *values, origin, now))
                pending[code] = len(search_rows)
                search_rows.append((next_id, *(search or search_values(values))))
                existing[code] = (next_id, *values)
                next_id += 1
            elif old[1:] != values:
                updates.append((*values[1:], now, code))
                row = (old[0], *(search or search_values(values)))
                if (at := pending.get(code)) is not None:
                    search_rows[at] = row
                else:
                    reindexed.append(old)
                    pending[code] = len(search_rows)
                    search_rows.append(row)
                existing[code] = (old[0], *values)
            else:
                report.unchanged += 1
        cols = ", ".join(ATTENDEE_FIELDS)
        conn.executemany(
            f"INSERT INTO attendees (id, {cols}, origin, updated_at) VALUES ({','.join('?' * (width + 3))})",
            inserts,
        )
        sets = ", ".join(f"{f} = ?" for f in ATTENDEE_FIELDS[1:])
        conn.executemany(f"UPDATE attendees SET {sets}, updated_at = ? WHERE code = ?", updates)
        search_index.remove(conn, reindexed)
        conn.executemany(search_index.INSERT, search_rows)
        report.inserted += len(inserts)
        report.updated += len(updates)
        return next_id

    def search(self, text: str, limit: int = 50) -> list[Attendee]:
        """As-you-type search over names (in any script), company and e-mail, best matches first.

        Ranking by relevance over every match (bm25) costs a pass over all of them: hundreds of ms
        for "mo" among 1,000,000 attendees. Instead, tiers from strictest to loosest each stop at
        `limit` rows: the exact code, then search_index.query_tiers (whole name words, name
        starts, pinyin, sound keys across Arabic and Latin, any word start), then codes that start
        with the text (the code index: codes are not in the search index, see search_index.py).
        """
        text = text[:200]
        found: dict[str, Attendee] = {}
        exact = codes.normalise(text)
        if codes.is_valid_code(exact) and (hit := self.lookup(exact)):
            found[hit.code] = hit
        columns = ", ".join(f"a.{f}" for f in ATTENDEE_FIELDS)
        for match in search_index.query_tiers(text):
            if len(found) >= limit:
                break
            try:
                rows = self.conn.execute(
                    f"SELECT {columns} FROM attendees a WHERE a.id IN "
                    "(SELECT rowid FROM attendee_search WHERE attendee_search MATCH ? LIMIT ?)",
                    (match, limit),
                ).fetchall()
            except sqlite3.OperationalError:
                # A term with a character that SQLite's Unicode 6.1 tables count as a separator
                # (rare scripts) becomes a phrase, which this index cannot match: no rows.
                continue
            tier = sorted(
                (attendee_from_row(r) for r in rows), key=lambda a: (fold(a.last_name), fold(a.first_name))
            )
            for attendee in tier:
                found.setdefault(attendee.code, attendee)
        if len(found) < limit and len(exact) >= 3 and codes.is_valid_code(exact):
            # A code typed in part, from its start (what is printed under a QR that will not scan),
            # as typed and, for lists stored in upper case, in upper case.
            for form in codes.lookup_forms(exact):
                rows = self.conn.execute(
                    f"{_SELECT_ATTENDEE} WHERE code >= ? AND code < ? ORDER BY code LIMIT ?",
                    (form, form + "\U0010ffff", limit),
                ).fetchall()
                for row in rows:
                    found.setdefault(row[0], attendee_from_row(row))
        return list(found.values())[:limit]

    # -- scans -------------------------------------------------------------------------------------

    def admitted_entries(self, code: str) -> list[Entry]:
        rows = self.conn.execute(
            "SELECT at, day, desk, badge FROM scans "
            "WHERE attendee_code = ? AND admitted = 1 AND kind = 'entry' AND cancelled_at IS NULL "
            "ORDER BY coalesce(hub_at, at)",
            (code,),
        )
        return [Entry(at=at, day=day, desk=desk, badge_printed=bool(badge)) for at, day, desk, badge in rows]

    def insert_scan(self, conn: sqlite3.Connection, scan: dict[str, Any]) -> None:
        cols = ", ".join(scan)
        conn.execute(
            f"INSERT INTO scans ({cols}) VALUES ({', '.join('?' * len(scan))})", tuple(scan.values())
        )

    def enqueue_outbox(self, conn: sqlite3.Connection, kind: str, ref: str, payload: dict[str, Any]) -> None:
        conn.execute(
            "INSERT INTO outbox (kind, ref, payload, created_at) VALUES (?, ?, ?, ?)",
            (kind, ref, json.dumps(payload, ensure_ascii=False), utc_now_iso()),
        )

    def has_badge(self, code: str) -> bool:
        """Whether the attendee's badge is printed or on its way (queued, sending): a badge by hand
        (print from search, the command line's print) counts as much as a scan's first badge."""
        return (
            self.conn.execute(
                "SELECT 1 FROM print_jobs WHERE attendee_code = ? AND state IN ('queued', 'sending', 'printed') "
                "LIMIT 1",
                (code,),
            ).fetchone()
            is not None
        )

    def insert_print_job(self, conn: sqlite3.Connection, job: dict[str, Any]) -> int:
        now = utc_now_iso()
        job = {"created_at": now, "updated_at": now, **job}
        cols = ", ".join(job)
        cur = conn.execute(
            f"INSERT INTO print_jobs ({cols}) VALUES ({', '.join('?' * len(job))})", tuple(job.values())
        )
        return int(cur.lastrowid)

    def audit(
        self,
        conn: sqlite3.Connection,
        *,
        desk: str,
        operator: str,
        action: str,
        subject: str = "",
        details: dict[str, Any] | None = None,
    ) -> None:
        audit.append(
            conn, desk=desk, operator=operator, action=action, subject=subject, details=details or {}
        )
