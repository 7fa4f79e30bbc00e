"""Figures for the status bar and the current badge's print state, read off the GUI thread.

`StateReader.read` runs on the "db" worker with its own SQLite connection (WAL: readers never wait for
the desk's writes), so a slow count on a big event never delays a scan.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from checkin_desk.services.print_backlog import HELD


@dataclass(frozen=True)
class DeskState:
    attendees: int = 0
    admitted_here: int = 0
    admitted_all: int = 0
    jobs_waiting: int = 0
    jobs_failed: int = 0
    printers: int = 0
    job_id: int | None = None
    job_state: str = ""
    job_error: str = ""
    jobs_held: int = 0  # old badges put aside for a supervisor (print_backlog); not in jobs_failed
    held_since: str = ""  # when the oldest of them was queued (UTC ISO)
    queue_error: str = ""  # why the next badge of the queue has not printed yet (its last error)


class StateReader:
    def __init__(self, db_path: str, desk_name: str):
        self.db_path = db_path
        self.desk_name = desk_name
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            # Opened on the worker thread that uses it; read-only so it can never write by mistake.
            self._conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=2.0)
        return self._conn

    def read(self, day: str, job_id: int | None = None) -> DeskState:
        conn = self._connection()
        attendees = conn.execute("SELECT count(*) FROM attendees").fetchone()[0]
        here, overall = conn.execute(
            "SELECT count(DISTINCT CASE WHEN desk = ? THEN attendee_code END), count(DISTINCT attendee_code) "
            "FROM scans WHERE day = ? AND kind = 'entry' AND admitted = 1 AND cancelled_at IS NULL",
            (self.desk_name, day),
        ).fetchone()
        waiting, failed, held, held_since = conn.execute(
            "SELECT count(CASE WHEN state IN ('queued', 'sending') THEN 1 END), "
            "count(CASE WHEN state = 'failed' AND coalesce(last_error, '') NOT LIKE 'held for a supervisor%' "
            "AND coalesce(last_error, '') NOT LIKE 'not printed:%' THEN 1 END), "
            "count(CASE WHEN state = 'failed' AND last_error = ? THEN 1 END), "
            "min(CASE WHEN state = 'failed' AND last_error = ? THEN created_at END) "
            "FROM print_jobs WHERE desk = ?",
            (HELD, HELD, self.desk_name),
        ).fetchone()
        printers = conn.execute("SELECT count(*) FROM printers WHERE enabled = 1").fetchone()[0]
        row = conn.execute(
            "SELECT last_error FROM print_jobs WHERE desk = ? AND state = 'queued' ORDER BY id LIMIT 1",
            (self.desk_name,),
        ).fetchone()
        queue_error = (row[0] or "") if row else ""
        job_state = job_error = ""
        if job_id is not None:
            row = conn.execute("SELECT state, last_error FROM print_jobs WHERE id = ?", (job_id,)).fetchone()
            if row:
                job_state, job_error = row[0], row[1] or ""
        return DeskState(
            attendees,
            here,
            overall,
            waiting,
            failed,
            printers,
            job_id,
            job_state,
            job_error,
            held,
            held_since or "",
            queue_error,
        )

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
