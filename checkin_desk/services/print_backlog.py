"""Old badges after a printer comes back: a supervisor decides before more than a few of them print.

When a desk's printer is down (or missing) for a while, badges pile up in its queue. The people they
were for have mostly gone in by the time it works again; printing 40 of them in a row would bury the
badges of the people now at the desk. So, just before the print worker sends a badge that has waited
more than `OLD_AFTER`, `hold_old_jobs` looks at how many such old badges wait: a few (`FEW` or less)
simply print; more than that are put aside ("failed" with the reason `HELD`, so the worker passes
them by and today's badges keep printing) until a supervisor says to print them or not
(`release_held` / `drop_held`, audited). Their decision covers every badge queued before it, so the
same badges are never held twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from checkin_desk.printing import queue, registry
from checkin_desk.printing.queue import JobInfo
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import Store
from checkin_desk.trust.roles import Staff
from checkin_desk.util.clock import iso, utc_now, utc_now_iso

OLD_AFTER = timedelta(minutes=5)
FEW = 3
HELD = "held for a supervisor: queued long ago (the printer was down or missing)"
DROPPED = "not printed: a supervisor decided these old badges were no longer needed"
# A badge of a desk without any printer: put aside at once rather than queued to come out, much later,
# as a backlog nobody is waiting for. The words carry "no printer is configured" for the staff's text.
NO_PRINTER = "not printed: no printer is configured for this desk when the badge was made"
DECIDED_SETTING = "print_backlog_decided"  # + ":" + desk: badges queued before this time were decided


def _decided_key(desk: str) -> str:
    return f"{DECIDED_SETTING}:{desk}"


def hold_old_jobs(
    store: Store, job: JobInfo, now: datetime, *, old_after: timedelta = OLD_AFTER, few: int = FEW
) -> bool:
    """Called by the print worker before it sends `job`. True when old badges were put aside (then
    `job` is one of them and the worker takes the next one)."""
    cutoff = iso(now - old_after)
    decided = store.get_setting(_decided_key(job.desk), "") or ""
    if not decided < job.created_at < cutoff:
        return False
    with store.transaction() as conn:
        ids = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM print_jobs WHERE desk = ? AND state = 'queued' AND created_at < ? "
                "AND created_at > ? ORDER BY id",
                (job.desk, cutoff, decided),
            )
        ]
        if len(ids) <= few:
            return False
        stamp = utc_now_iso()
        conn.executemany(
            "UPDATE print_jobs SET state = 'failed', last_error = ?, next_attempt_at = NULL, "
            "updated_at = ? WHERE id = ? AND state = 'queued'",
            [(HELD, stamp, job_id) for job_id in ids],
        )
    return True


def set_aside_or_hold(store: Store, job: JobInfo, now: datetime) -> bool:
    """The desk window's print worker hook: a badge of a desk with no printer is put aside (no
    backlog piles up for later); otherwise `hold_old_jobs`. True when `job` was put aside."""
    if registry.pool(store, job.desk):
        return hold_old_jobs(store, job, now)
    stamp = utc_now_iso()
    with store.transaction() as conn:
        conn.execute(
            "UPDATE print_jobs SET state = 'failed', last_error = ?, next_attempt_at = NULL, "
            "updated_at = ? WHERE id = ? AND state = 'queued'",
            (NO_PRINTER, stamp, job.id),
        )
    return True


def held_jobs(store: Store, desk: str) -> list[JobInfo]:
    """The badges waiting for a supervisor's decision, oldest first."""
    return sorted(
        (job for job in queue.jobs(store, 100_000, desk=desk, states=("failed",)) if job.last_error == HELD),
        key=lambda job: job.id,
    )


def release_held(
    desk: Desk, *, supervisor: str = "", authorized_by: Staff | None = None, now: datetime | None = None
) -> int:
    """Print the held badges after all (a supervisor: the reprint role). Returns how many."""
    return _decide(desk, "print", supervisor, authorized_by, now)


def drop_held(
    desk: Desk, *, supervisor: str = "", authorized_by: Staff | None = None, now: datetime | None = None
) -> int:
    """Do not print the held badges; they stay listed as not printed (reprint one from search if
    its person comes back). Returns how many."""
    return _decide(desk, "skip", supervisor, authorized_by, now)


def _decide(desk: Desk, decision: str, supervisor: str, authorized_by: Staff | None, now) -> int:
    name, auth = desk._authorize("reprint", authorized_by, supervisor)
    store = desk.store
    stamp = utc_now_iso()
    with store.transaction() as conn:
        ids = [job.id for job in held_jobs(store, desk.desk_name)]
        if decision == "print":
            conn.executemany(
                "UPDATE print_jobs SET state = 'queued', last_error = NULL, next_attempt_at = NULL, "
                "printer_attempts = 0, updated_at = ? WHERE id = ? AND state = 'failed'",
                [(stamp, job_id) for job_id in ids],
            )
        else:
            conn.executemany(
                "UPDATE print_jobs SET last_error = ?, updated_at = ? WHERE id = ? AND state = 'failed'",
                [(f"{DROPPED} ({name})", stamp, job_id) for job_id in ids],
            )
        store.set_setting(_decided_key(desk.desk_name), iso(now or utc_now()))
        store.audit(
            conn,
            desk=desk.desk_name,
            operator=name,
            action="print_backlog",
            details={"decision": decision, "jobs": len(ids), **auth},
        )
    return len(ids)
