"""Writing attendees in bulk: an import or a sync batch as one upsert, and the fast path into an empty
event (a first import streamed from the parser process with its search index built beside it).
`AttendeeWrites` is part of `Store` (storage.store): it uses its connection and transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from checkin_desk.domain.models import Attendee
from checkin_desk.storage import search_index
from checkin_desk.storage.attendee_rows import ATTENDEE_FIELDS, attendee_values, insert_category
from checkin_desk.storage.errors import StoreError
from checkin_desk.storage.search_index import search_values
from checkin_desk.util.clock import utc_now_iso

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
        insert_category(conn, category)
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


class AttendeeWrites:
    """Part of `Store`."""

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
