"""Printing for a desk without a window: the terminal desk, `scan --print`, `printers work`.

    printing = HeadlessPrinting(store, desk_name)      # store: the desk's own Store
    printing.start()                                    # the desk's print worker, or stand-by
    printing.queued(outcome.print_job_id)               # after each scan that queued a badge
    summary = printing.finish(timeout=30, progress=print_to_stderr)   # at the end of input
    printing.stop()

The jobs are followed in the database, not through the worker's callbacks, so the wait works the same
when another process's worker (the window, `printers work`) is the one that sends them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from checkin_desk.printing import queue, registry
from checkin_desk.printing.dispatch import DispatchSettings
from checkin_desk.printing.queue import JobInfo
from checkin_desk.printing.render import Renderer
from checkin_desk.printing.worker import PrintWorker
from checkin_desk.storage.store import Store

DONE = ("printed", "failed")


@dataclass
class Summary:
    printed: list[JobInfo] = field(default_factory=list)
    failed: list[JobInfo] = field(default_factory=list)
    left: list[JobInfo] = field(default_factory=list)  # still queued or sending when the wait ended

    @property
    def ok(self) -> bool:
        return not self.failed and not self.left

    def lines(self) -> list[str]:
        """What staff read at the end: every badge that did not come out, and why."""
        out = []
        for job in self.failed:
            out.append(f"job {job.id} ({job.attendee_code}) failed: {job.last_error or 'no reason given'}")
        for job in self.left:
            why = f": {job.last_error}" if job.last_error else ""
            out.append(f"job {job.id} ({job.attendee_code}) still {job.state}{why}")
        return out


class HeadlessPrinting:
    def __init__(
        self,
        store: Store,
        desk: str,
        *,
        renderer: Renderer | None = None,
        settings: DispatchSettings | None = None,
        poll_interval: float = 0.1,
    ):
        self.store = store
        self.desk = desk
        self.poll_interval = poll_interval
        self.tracked: list[int] = []
        self._changed = threading.Event()
        self.worker = PrintWorker(
            store.path,
            desk,
            on_change=lambda job: self._changed.set(),
            renderer=renderer,
            settings=settings,
            poll_interval=0.5,
        )

    @property
    def has_printer(self) -> bool:
        return bool(registry.pool(self.store, self.desk))

    def start(self) -> HeadlessPrinting:
        self.worker.start()
        return self

    def stop(self, timeout: float = 10.0) -> bool:
        return self.worker.stop(timeout)

    def __enter__(self) -> HeadlessPrinting:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def queued(self, job_id: int | None) -> None:
        if job_id is None:
            return
        self.tracked.append(job_id)
        self.worker.wake()

    def states(self) -> list[JobInfo]:
        return [job for job_id in self.tracked if (job := queue.get_job(self.store, job_id)) is not None]

    def finish(
        self,
        timeout: float,
        progress: Callable[[str], None] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> Summary:
        """Wait until every tracked job is printed or failed, or `timeout` seconds have passed."""
        deadline = clock() + timeout
        reported: set[int] = set()
        announced = False
        while True:
            jobs = self.states()
            pending = [j for j in jobs if j.state not in DONE]
            for job in jobs:
                if job.state in DONE and job.id not in reported and progress is not None and announced:
                    progress(f"job {job.id} ({job.attendee_code}) {job.state}")
                if job.state in DONE:
                    reported.add(job.id)
            if not pending or clock() >= deadline:
                break
            if not announced and progress is not None:
                noun = "badge" if len(pending) == 1 else "badges"
                progress(f"waiting up to {timeout:g} s for {len(pending)} {noun} to print")
                announced = True
            self.worker.wake()
            self._changed.wait(min(self.poll_interval, max(0.0, deadline - clock())))
            self._changed.clear()
        return Summary(
            printed=[j for j in jobs if j.state == "printed"],
            failed=[j for j in jobs if j.state == "failed"],
            left=[j for j in jobs if j.state not in DONE],
        )


class FailureTally:
    """How often each badge failed while one worker ran, so that `printers work --exit-when-empty`
    can tell a queue that will drain from one that will not: a badge that failed as often as the
    failover tries it on every printer of the pool needs a person, not more waiting."""

    def __init__(self, printers: int, settings: DispatchSettings | None = None):
        self.limit = (settings or DispatchSettings()).max_attempts * max(1, printers)
        self.failures: dict[int, int] = {}
        self._sending: set[int] = set()

    def seen(self, job: JobInfo) -> None:
        """Every state change the worker reports (its on_change)."""
        if job.state == "sending":
            self._sending.add(job.id)
        elif job.id in self._sending:
            self._sending.discard(job.id)
            if job.state != "printed":
                self.failures[job.id] = self.failures.get(job.id, 0) + 1

    def given_up(self, left: list[JobInfo]) -> bool:
        """True when badges are left and each of them is queued and has failed `limit` times."""
        return bool(left) and all(
            job.state == "queued" and self.failures.get(job.id, 0) >= self.limit for job in left
        )
