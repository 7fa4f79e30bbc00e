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
from pathlib import Path
from typing import Any

import sqlite_utils

from checkin_desk.domain import codes
from checkin_desk.domain.models import DEFAULT_CATEGORIES, Attendee, Entry, EventInfo
from checkin_desk.domain.rules import Policy
from checkin_desk.storage import audit, faults, schema, search_index
from checkin_desk.storage.attendee_rows import (
    ATTENDEE_FIELDS,
    CATEGORY_DEFAULTS,
    SELECT_ATTENDEE,
    attendee_from_row,
    attendee_values,
    insert_category,
)
from checkin_desk.storage.attendee_writes import AttendeeWrites, UpsertReport
from checkin_desk.storage.errors import StoreError
from checkin_desk.util.clock import utc_now_iso
from checkin_desk.util.textnorm import fold

# The event setting that connects this desk to a hub (checkin_desk.sync); kept here, with the other
# settings, so that reading it does not import the hub client.
HUB_DSN_SETTING = "hub_dsn"
# Values of registration lists' category column -> category key (imports' --category-map, merges).
CATEGORY_MAP_SETTING = "category_map"


class Store(AttendeeWrites):
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
            return insert_category(conn, key, position)

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
            row = self.conn.execute(SELECT_ATTENDEE + " WHERE code = ?", (form,)).fetchone()
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
        sql = SELECT_ATTENDEE + (f" WHERE {where}" if where else "") + " ORDER BY id"
        for row in self.conn.execute(sql, tuple(params)):
            yield attendee_from_row(row)

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
                    f"{SELECT_ATTENDEE} WHERE code >= ? AND code < ? ORDER BY code LIMIT ?",
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


# Where the rest of the package has always found them.
__all__ = [
    "ATTENDEE_FIELDS",
    "CATEGORY_DEFAULTS",
    "CATEGORY_MAP_SETTING",
    "HUB_DSN_SETTING",
    "Store",
    "StoreError",
    "UpsertReport",
    "attendee_from_row",
    "attendee_values",
]
