"""Recording a scan even while another program holds the event database: the waiting file.

A scan is recorded in one transaction (scan row, outbox row, print job) before the desk answers.
An import of 300,000 attendees holds the database's write lock for ~15 s; a desk that waited for it
would stop the queue, and SQLite gives up after its busy timeout ("database is locked"). So:

- `record(store)` reserves the write first: BEGIN IMMEDIATE on the event database, waiting at most
  WAIT_S for it. The scan's writes go into that transaction (and an online decision is asked only
  once the reservation is held, so the hub never decides a scan the desk then cannot write).
- When another program holds the lock for longer, the scan is decided on what the database holds
  (WAL: a writer never blocks readers) plus the scans already waiting, and recorded in the waiting
  file beside it (`<event database>-waiting`, owner-only, synchronous=FULL) before the desk answers:
  what was acknowledged is on disk either way.
- The next scan that gets the lock, `drain` (the terminal desk when idle, the sync loop before each
  round) moves waiting scans into the event database in one transaction, keyed by the scan's uuid,
  so moving one twice (a crash between the two commits) changes nothing.

Trouble with either file comes out as `faults.StorageFault`, in words.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from checkin_desk.domain.models import Attendee, Entry
from checkin_desk.storage import faults
from checkin_desk.util.clock import utc_now_iso

if TYPE_CHECKING:
    from checkin_desk.storage.store import Store

WAIT_S = 0.25  # how long a scan waits for the event database before it goes to the waiting file
# After a scan went to the waiting file, the next ones only try the database without waiting, for
# this long: an import holds it for seconds, and each scan would otherwise wait WAIT_S in vain.
STILL_HELD_S = 2.0
# After a long import thousands of scans may wait: each scan moves a few in with its own (so that no
# one scan pays for all of them), the idle terminal desk and the sync loop the rest, in batches.
MOVED_PER_SCAN = 20
MOVED_PER_DRAIN = 500
WAITING_BUSY_S = 2.0  # the waiting file is only ever held for a moment, by another desk process
BUSY_TIMEOUT_MS = 5000  # the event database's usual busy timeout (Store.open)
SUFFIX = "-waiting"
_APPLICATION_ID = 0x43484B57  # "CHKW"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS waiting (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,          -- the scan's
    attendee_code TEXT,
    at TEXT NOT NULL,
    day TEXT NOT NULL,
    desk TEXT NOT NULL,
    entry INTEGER NOT NULL,             -- an admitted entry: the next decision must see it
    badge INTEGER NOT NULL,
    record TEXT NOT NULL                -- JSON: scan, outbox rows, print jobs, attendees
);
CREATE INDEX IF NOT EXISTS waiting_entries ON waiting (attendee_code) WHERE entry = 1;
"""


def waiting_path(db_path: str) -> str:
    return f"{db_path}{SUFFIX}"


class WaitingFile:
    """The side file of one event database. Created owner-only: it holds attendee codes."""

    def __init__(self, path: str):
        self.path = path
        self.used_at = -1e9  # time.monotonic() of the last scan written here
        try:
            if not os.path.exists(path):
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            self.conn = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=WAITING_BUSY_S
            )
        except OSError as exc:
            raise _os_fault(exc, path) from exc
        except sqlite3.Error as exc:
            raise (faults.fault(exc, path) or exc) from exc
        try:
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = FULL")
            if self.conn.execute("PRAGMA application_id").fetchone()[0] != _APPLICATION_ID:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute(f"PRAGMA application_id = {_APPLICATION_ID}")
        except sqlite3.Error as exc:
            self.conn.close()
            raise (faults.fault(exc, path) or exc) from exc

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise (faults.fault(exc, self.path) or exc) from exc
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                with suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError) and (found := faults.fault(exc, self.path)):
                raise found from exc
            raise

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM waiting").fetchone()[0]

    def entries(self, code: str) -> list[tuple[str, Entry]]:
        rows = self.conn.execute(
            "SELECT uuid, at, day, desk, badge FROM waiting WHERE attendee_code = ? AND entry = 1 ORDER BY id",
            (code,),
        )
        return [(uid, Entry(at, day, desk, bool(badge))) for uid, at, day, desk, badge in rows]

    def rows(self, limit: int = -1) -> list[tuple[int, dict[str, Any]]]:
        cur = self.conn.execute("SELECT id, record FROM waiting ORDER BY id LIMIT ?", (limit,))
        return [(i, json.loads(r)) for i, r in cur]

    def add(self, conn: sqlite3.Connection, record: dict[str, Any]) -> None:
        scan = record["scan"]
        entry = scan["kind"] == "entry" and bool(scan["admitted"])
        conn.execute(
            "INSERT INTO waiting (uuid, attendee_code, at, day, desk, entry, badge, record) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                scan["uuid"],
                scan["attendee_code"],
                scan["at"],
                scan["day"],
                scan["desk"],
                int(entry),
                int(bool(scan["badge"])),
                json.dumps(record, ensure_ascii=False),
            ),
        )

    def forget(self, ids: list[int]) -> None:
        with self.transaction() as conn:
            conn.executemany("DELETE FROM waiting WHERE id = ?", [(i,) for i in ids])


def _os_fault(exc: OSError, path: str) -> faults.StorageFault:
    """An OSError creating the waiting file, in the same words as SQLite's errors."""
    import errno

    kinds = {errno.ENOSPC: "full", errno.EROFS: "readonly_folder", errno.EACCES: "readonly_folder"}
    kind = kinds.get(exc.errno or 0, "io")
    code = {"full": faults.SQLITE_FULL, "readonly_folder": faults.SQLITE_READONLY_DIRECTORY}.get(kind, 10)
    fake = sqlite3.OperationalError(str(exc))
    fake.sqlite_errorcode = code  # type: ignore[attr-defined]
    return faults.fault(fake, path) or faults.StorageFault(str(exc), kind, path)


def _waiting_file(store: Store, *, create: bool) -> WaitingFile | None:
    if store.waiting is None:
        path = waiting_path(store.path)
        if not create and not os.path.exists(path):
            return None
        store.waiting = WaitingFile(path)
    return store.waiting


# -- the two ways of recording ---------------------------------------------------------------------------


class DatabaseRecorder:
    """Writes into the event database, in the transaction `record` holds."""

    waiting = False
    held_by = ""

    def __init__(self, store: Store):
        self.store = store
        self.conn = store.conn

    def lookup(self, code: str) -> Attendee | None:
        return self.store.lookup(code)

    def admitted_entries(self, code: str) -> list[Entry]:
        # Scans still waiting (a few are moved in per scan) count for the decision too.
        return _with_waiting(self.store, code)

    def upsert_attendees(self, attendees: list[Attendee], origin: str) -> None:
        self.store.upsert_attendees(attendees, origin=origin)

    def insert_scan(self, scan: dict[str, Any]) -> None:
        self.store.insert_scan(self.conn, scan)

    def enqueue_outbox(self, kind: str, ref: str, payload: dict[str, Any]) -> None:
        self.store.enqueue_outbox(self.conn, kind, ref, payload)

    def insert_print_job(self, job: dict[str, Any]) -> int | None:
        return self.store.insert_print_job(self.conn, job)

    def has_badge(self, code: str) -> bool:
        return self.store.has_badge(code)


class WaitingRecorder:
    """Decides on the event database as it is plus the scans already waiting; writes to the waiting
    file when `record` commits."""

    waiting = True

    def __init__(self, store: Store, file: WaitingFile):
        self.store = store
        self.file = file
        self.record: dict[str, Any] = {"scan": None, "outbox": [], "print_jobs": [], "attendees": []}
        self.held_by = faults.holder_text(store.path)  # staff are told which program holds it

    def lookup(self, code: str) -> Attendee | None:
        return self.store.lookup(code)

    def admitted_entries(self, code: str) -> list[Entry]:
        return _with_waiting(self.store, code)

    def upsert_attendees(self, attendees: list[Attendee], origin: str) -> None:
        from checkin_desk.storage.store import attendee_values

        self.record["attendees"].extend([list(attendee_values(a)), origin] for a in attendees)

    def insert_scan(self, scan: dict[str, Any]) -> None:
        if self.record["scan"] is not None:
            raise ValueError("one scan per recording")
        self.record["scan"] = scan

    def enqueue_outbox(self, kind: str, ref: str, payload: dict[str, Any]) -> None:
        self.record["outbox"].append([kind, ref, payload])

    def has_badge(self, code: str) -> bool:
        return self.store.has_badge(code)

    def insert_print_job(self, job: dict[str, Any]) -> int | None:
        now = utc_now_iso()
        self.record["print_jobs"].append({"created_at": now, "updated_at": now, **job})
        return None  # it gets its number when it reaches the event database

    def write(self, conn: sqlite3.Connection) -> None:
        if self.record["scan"] is not None:
            self.file.add(conn, self.record)


Recorder = DatabaseRecorder | WaitingRecorder


def _with_waiting(store: Store, code: str) -> list[Entry]:
    """The pass's admitted entries in the event database and in the waiting file (not yet moved)."""
    known = store.admitted_entries(code)
    if store.waiting is None:
        return known
    waiting = [
        entry
        for uid, entry in store.waiting.entries(code)
        if not store.conn.execute(
            "SELECT 1 FROM scans WHERE uuid = ? AND origin = 'local'", (uid,)
        ).fetchone()
    ]
    return sorted([*known, *waiting], key=lambda e: e.at) if waiting else known


@contextmanager
def record(store: Store, wait_s: float = WAIT_S) -> Iterator[Recorder]:
    """Reserve the write of one scan, then commit it on leaving: into the event database when it
    can be had within `wait_s`, else into the waiting file. Raises faults.StorageFault."""
    with store._lock:
        if store.conn.in_transaction:  # part of the caller's transaction (a walk-in's first scan)
            yield DatabaseRecorder(store)
            return
        if store.waiting is not None and time.monotonic() - store.waiting.used_at < STILL_HELD_S:
            wait_s = 0.0
        if _begin(store, wait_s):
            try:
                moved = _move_waiting(store, MOVED_PER_SCAN)
                yield DatabaseRecorder(store)
                store.conn.execute("COMMIT")
            except BaseException as exc:
                store.rollback_quietly()
                store._raise_fault(exc)
                raise
            _forget(store, moved)
            return
        file = _waiting_file(store, create=True)
        recorder = WaitingRecorder(store, file)
        with file.transaction() as conn:
            yield recorder
            recorder.write(conn)
        file.used_at = time.monotonic()


def drain(store: Store, wait_s: float = WAIT_S, *, limit: int | None = None) -> int:
    """Move waiting scans (every one, or `limit`) into the event database, in batches (the lock is let
    go between them), if it can be had within `wait_s`. Returns how many moved (0 when none, or it
    is still busy)."""
    total = 0
    while limit is None or total < limit:
        with store._lock:
            if store.conn.in_transaction or _waiting_file(store, create=False) is None:
                return total
            if not store.waiting.count() or not _begin(store, wait_s if not total else 0.0):
                return total
            try:
                batch = MOVED_PER_DRAIN if limit is None else min(MOVED_PER_DRAIN, limit - total)
                moved = _move_waiting(store, batch)
                store.conn.execute("COMMIT")
            except BaseException as exc:
                store.rollback_quietly()
                store._raise_fault(exc)
                raise
            _forget(store, moved)
        total += len(moved)
        if not moved:
            return total
    return total


def waiting_count(store: Store) -> int:
    file = _waiting_file(store, create=False)
    return file.count() if file is not None else 0


def _begin(store: Store, wait_s: float) -> bool:
    """BEGIN IMMEDIATE within `wait_s`; False when another program still holds the lock."""
    conn = store.conn
    conn.execute(f"PRAGMA busy_timeout = {max(0, int(wait_s * 1000))}")
    try:
        conn.execute("BEGIN IMMEDIATE")
        return True
    except sqlite3.OperationalError as exc:
        if faults.is_busy(exc):
            return False
        store._raise_fault(exc)
        raise
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _move_waiting(store: Store, limit: int) -> list[int]:
    """Apply the first `limit` waiting records, in the event database's open transaction. Returns
    their ids."""
    file = _waiting_file(store, create=False)
    if file is None:
        return []
    rows = file.rows(limit)
    for _, item in rows:
        _apply(store, item)
    return [i for i, _ in rows]


def _apply(store: Store, item: dict[str, Any]) -> None:
    conn = store.conn
    scan = item["scan"]
    row = conn.execute("SELECT origin FROM scans WHERE uuid = ?", (scan["uuid"],)).fetchone()
    if row is not None and row[0] != "hub":
        return  # moved already (a crash between the two commits)
    for values, origin in item["attendees"]:
        store.upsert_rows([tuple(values)], origin=origin)
    if row is None:
        store.insert_scan(conn, scan)
    else:
        # The sync loop pulled this desk's own online scan back from the hub first: it is ours.
        cols = [c for c in scan if c != "uuid"]
        conn.execute(
            f"UPDATE scans SET {', '.join(f'{c} = ?' for c in cols)}, origin = 'local' WHERE uuid = ?",
            (*(scan[c] for c in cols), scan["uuid"]),
        )
    for kind, ref, payload in item["outbox"]:
        store.enqueue_outbox(conn, kind, ref, payload)
    for job in item["print_jobs"]:
        if not conn.execute("SELECT 1 FROM print_jobs WHERE uuid = ?", (job["uuid"],)).fetchone():
            store.insert_print_job(conn, job)


def _forget(store: Store, ids: list[int]) -> None:
    if not ids or store.waiting is None:
        return
    with suppress(sqlite3.Error):  # harmless: moving them again finds them moved
        store.waiting.forget(ids)
