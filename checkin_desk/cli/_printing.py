"""The print worker of the command-line desks (`desk`, `scan --print`): started beside the scan loop,
waited for at the end with progress on standard error. Standard output keeps one line per scan."""

from __future__ import annotations

import sys

from checkin_desk.printing import queue
from checkin_desk.printing.headless import HeadlessPrinting
from checkin_desk.printing.worker_lock import WorkerLock
from checkin_desk.services.desk import Desk

DEFAULT_WAIT = 30.0


def say(text: str) -> None:
    print(f"checkin-desk: {text}", file=sys.stderr, flush=True)


def start_printing(desk: Desk) -> HeadlessPrinting | None:
    """The desk's print worker, started; None (and a note) when the desk has no printer."""
    printing = HeadlessPrinting(desk.store, desk.desk_name)
    if not printing.has_printer:
        return None
    lock = WorkerLock(desk.store.path, desk.desk_name)
    if lock.busy():
        holder = lock.holder()
        say(
            f"badges of desk {desk.desk_name} are sent by the print worker already running"
            + (f" (process {holder})" if holder else "")
        )
    return printing.start()


def finish_printing(printing: HeadlessPrinting | None, desk: Desk, queued: list[int], wait: float) -> int:
    """Wait (bounded) for the badges this run queued; 0 when all printed, 1 when some did not."""
    if not queued:
        if printing is not None:
            printing.stop()
        return 0
    if printing is None:
        # A badge that was due and did not come out is a failed run, whatever kept it in: the same
        # exit status as a dead printer, so a script need not tell the two apart to notice.
        jobs = [job for job in map(lambda job_id: queue.get_job(desk.store, job_id), queued) if job]
        which = ", ".join(f"job {job.id} ({job.attendee_code})" for job in jobs)
        noun = "badge" if len(queued) == 1 else "badges"
        say(
            f"{len(queued)} {noun} not printed, still queued ({which}): no printer is configured for "
            f"desk {desk.desk_name} (add one with `checkin-desk printers add`, then run "
            "`checkin-desk printers work`)"
        )
        return 1
    for job_id in queued:
        if job_id not in printing.tracked:
            printing.queued(job_id)
    try:
        summary = printing.finish(wait, progress=say)
    finally:
        printing.stop()
    if summary.ok:
        noun = "badge" if len(summary.printed) == 1 else "badges"
        say(f"{len(summary.printed)} {noun} printed")
        return 0
    for line in summary.lines():
        say(line)
    if summary.left:
        say("badges still queued are sent by the next print worker (`checkin-desk printers work`)")
    return 1
