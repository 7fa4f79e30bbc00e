"""Migration 2 (print queue) on a database made by schema version 1."""

from __future__ import annotations

import sqlite3

from checkin_desk.printing import get_job
from checkin_desk.storage import schema
from checkin_desk.storage.store import Store


def test_v1_database_gains_printer_attempts_and_keeps_its_jobs(tmp_path):
    path = tmp_path / "v1.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, upto=1)
    conn.execute(
        "INSERT INTO print_jobs (uuid, attendee_code, desk, state, attempts, created_at, updated_at) "
        "VALUES ('u1', 'SCE-1', 'desk-1', 'queued', 2, 't', 't')"
    )
    conn.close()
    store = Store.open(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION >= 2
        job = get_job(store, 1)
        assert (job.state, job.attempts, job.printer_attempts) == ("queued", 2, 0)
        indexes = {r[1] for r in store.conn.execute("PRAGMA index_list(print_jobs)")}
        assert "print_jobs_by_desk" in indexes
    finally:
        store.close()
