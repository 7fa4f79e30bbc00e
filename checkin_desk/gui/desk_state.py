"""Figures for the status bar and the current badge's print state, read off the GUI thread.

`StateReader.read` runs on the "db" worker with its own SQLite connection (WAL: readers never wait for
the desk's writes), so a slow count on a big event never delays a scan.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


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
        waiting, failed = conn.execute(
            "SELECT count(CASE WHEN state IN ('queued', 'sending') THEN 1 END), "
            "count(CASE WHEN state = 'failed' THEN 1 END) FROM print_jobs WHERE desk = ?",
            (self.desk_name,),
        ).fetchone()
        printers = conn.execute("SELECT count(*) FROM printers WHERE enabled = 1").fetchone()[0]
        job_state = job_error = ""
        if job_id is not None:
            row = conn.execute("SELECT state, last_error FROM print_jobs WHERE id = ?", (job_id,)).fetchone()
            if row:
                job_state, job_error = row[0], row[1] or ""
        return DeskState(attendees, here, overall, waiting, failed, printers, job_id, job_state, job_error)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
