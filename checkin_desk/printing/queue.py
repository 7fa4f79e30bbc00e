"""The persistent print queue: the `print_jobs` rows, read and moved between states in short transactions.

queued -> sending -> printed, or back to queued (with last_error and next_attempt_at) on a failure;
failed only when the badge itself cannot be made (no attendee, a template error): a person must look.
Nothing here waits on a printer: the worker does the I/O between two of these calls.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Any

from checkin_desk.storage.store import Store
from checkin_desk.util.clock import utc_now_iso

STATES = ("queued", "sending", "printed", "failed")


@dataclass(frozen=True, slots=True)
class JobInfo:
    id: int
    uuid: str
    attendee_code: str
    scan_uuid: str | None
    reprint: bool
    reason: str | None
    allowed_by: str | None
    template: str | None
    printer: str | None
    state: str
    attempts: int
    printer_attempts: int
    last_error: str | None
    next_attempt_at: str | None
    desk: str
    created_at: str
    updated_at: str
    printed_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


_COLUMNS = ", ".join(f.name for f in fields(JobInfo))


def _job(row) -> JobInfo:
    data = dict(zip((f.name for f in fields(JobInfo)), row, strict=True))
    data["reprint"] = bool(data["reprint"])
    return JobInfo(**data)


def get_job(store: Store, job_id: int) -> JobInfo | None:
    row = store.conn.execute(f"SELECT {_COLUMNS} FROM print_jobs WHERE id = ?", (job_id,)).fetchone()
    return _job(row) if row else None


def jobs(
    store: Store, limit: int = 50, *, desk: str | None = None, states: tuple[str, ...] = ()
) -> list[JobInfo]:
    """The latest jobs, newest first (for the GUI's print queue panel and `printers jobs`)."""
    where, params = [], []
    if desk:
        where.append("desk = ?")
        params.append(desk)
    if states:
        where.append(f"state IN ({','.join('?' * len(states))})")
        params.extend(states)
    sql = f"SELECT {_COLUMNS} FROM print_jobs" + (f" WHERE {' AND '.join(where)}" if where else "")
    return [_job(r) for r in store.conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*params, limit))]


def counts(store: Store, desk: str | None = None) -> dict[str, int]:
    sql = "SELECT state, count(*) FROM print_jobs" + (" WHERE desk = ?" if desk else "") + " GROUP BY state"
    found = dict(store.conn.execute(sql, (desk,) if desk else ()).fetchall())
    return {state: found.get(state, 0) for state in STATES}


def next_job(store: Store, desk: str) -> JobInfo | None:
    """The desk's oldest queued job: badges come out in the order people were scanned."""
    row = store.conn.execute(
        f"SELECT {_COLUMNS} FROM print_jobs WHERE desk = ? AND state = 'queued' ORDER BY id LIMIT 1", (desk,)
    ).fetchone()
    return _job(row) if row else None


def create_job(
    store: Store,
    attendee_code: str,
    desk: str,
    *,
    printer: str | None = None,
    template: str | None = None,
    reprint: bool = False,
    reason: str | None = None,
    allowed_by: str | None = None,
) -> int:
    with store.transaction() as conn:
        return store.insert_print_job(
            conn,
            {
                "uuid": str(uuid.uuid4()),
                "attendee_code": attendee_code,
                "desk": desk,
                "printer": printer,
                "template": template,
                "reprint": int(reprint),
                "reason": reason,
                "allowed_by": allowed_by,
            },
        )


def requeue_interrupted(store: Store, desk: str) -> list[int]:
    """Jobs left 'sending' by a desk that stopped (crash, power cut): queued again, first in line."""
    with store.transaction() as conn:
        ids = [
            r[0]
            for r in conn.execute("SELECT id FROM print_jobs WHERE desk = ? AND state = 'sending'", (desk,))
        ]
        conn.execute(
            "UPDATE print_jobs SET state = 'queued', next_attempt_at = NULL, updated_at = ?, "
            "last_error = 'interrupted while sending (the desk stopped); sending again' "
            "WHERE desk = ? AND state = 'sending'",
            (utc_now_iso(), desk),
        )
    return ids


@contextmanager
def _synchronous(store: Store, level: str) -> Iterator[None]:
    with store._lock:  # the pragma is per connection: nobody else commits on it meanwhile
        store.conn.execute(f"PRAGMA synchronous = {level}")
        try:
            yield
        finally:
            store.conn.execute("PRAGMA synchronous = FULL")


def _update(store: Store, job_id: int, expect: str, **values: Any) -> bool:
    values["updated_at"] = utc_now_iso()
    sets = ", ".join(f"{k} = ?" for k in values)
    with store.transaction() as conn:
        cur = conn.execute(
            f"UPDATE print_jobs SET {sets} WHERE id = ? AND state = ?", (*values.values(), job_id, expect)
        )
        return cur.rowcount == 1


def claim(store: Store, job: JobInfo, printer: str, printer_attempts: int) -> bool:
    """queued -> sending on `printer`. False when somebody else changed the job meanwhile.

    Committed without waiting for the disk (WAL, synchronous=NORMAL): it is on the way from scan to
    printer, and losing it to a power cut only leaves the job 'queued', which is sent again anyway.
    The next FULL commit (printed, retry) flushes it with everything before it, in order.
    """
    with _synchronous(store, "NORMAL"):
        return _update(
            store,
            job.id,
            "queued",
            state="sending",
            printer=printer,
            attempts=job.attempts + 1,
            printer_attempts=printer_attempts,
        )


def mark_printed(store: Store, job_id: int, printed_at: str) -> bool:
    return _update(
        store,
        job_id,
        "sending",
        state="printed",
        printed_at=printed_at,
        last_error=None,
        next_attempt_at=None,
    )


def mark_retry(
    store: Store, job_id: int, *, error: str, printer: str, printer_attempts: int, next_attempt_at: str | None
) -> bool:
    return _update(
        store,
        job_id,
        "sending",
        state="queued",
        last_error=error,
        printer=printer,
        printer_attempts=printer_attempts,
        next_attempt_at=next_attempt_at,
    )


def mark_failed(store: Store, job_id: int, error: str, *, expect: str = "sending") -> bool:
    return _update(store, job_id, expect, state="failed", last_error=error, next_attempt_at=None)


def note_waiting(store: Store, job_id: int, error: str) -> bool:
    """A queued job that cannot start (no printer configured): say why, keep it queued."""
    return _update(store, job_id, "queued", last_error=error)


def retry_failed(store: Store, job_id: int) -> bool:
    """A supervisor sends a failed job again (after fixing a template, say)."""
    return _update(store, job_id, "failed", state="queued", next_attempt_at=None, printer_attempts=0)
