"""The print worker: one plain thread per desk that sends the queue's jobs in order, forever.

It opens its own connection to the event database, so a scan never waits on a printer: the scan's
transaction writes the job and returns; the worker finds it (at once when woken, else within
`poll_interval`), and every printer wait happens outside any database transaction.

Only one worker per desk of an event sends (worker_lock): a worker started while another process's
worker holds the desk's lock stands by, and takes over when that one stops.

    worker = PrintWorker(db_path, "desk-1", on_change=callback)   # callback(JobInfo), from the worker thread
    worker.start(); ...; worker.wake()  # after a scan queued a job; worker.stop()
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from os import PathLike

from checkin_desk.printing import queue
from checkin_desk.printing.dispatch import Dispatcher, DispatchSettings
from checkin_desk.printing.queue import JobInfo
from checkin_desk.printing.render import Renderer
from checkin_desk.printing.worker_lock import WorkerBusy, WorkerLock
from checkin_desk.storage.store import Store
from checkin_desk.util.clock import utc_now

log = logging.getLogger(__name__)


class PrintWorker:
    def __init__(
        self,
        db_path: str | PathLike,
        desk: str,
        *,
        on_change: Callable[[JobInfo], None] | None = None,
        settings: DispatchSettings | None = None,
        renderer: Renderer | None = None,
        clock: Callable[[], datetime] = utc_now,
        poll_interval: float = 1.0,
        hold: Callable[[Store, JobInfo, datetime], bool] | None = None,
    ):
        self.db_path = db_path
        self.desk = desk
        self.on_change = on_change
        self.settings = settings or DispatchSettings()
        self.renderer = renderer
        self.clock = clock
        self.poll_interval = poll_interval
        # Asked before each job is sent: True when it took the job out of the queue (a backlog of old
        # badges put aside for a supervisor), so the worker looks at the queue again.
        self.hold = hold
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._dispatcher: Dispatcher | None = None
        self._ready = threading.Event()
        self._store: Store | None = None
        self._lock = WorkerLock(db_path, desk)
        self.standing_by: int | None = None  # pid of the other process whose worker sends, if any

    # -- control -----------------------------------------------------------------------------------

    def start(self, *, exclusive: bool = False) -> None:
        """Start the thread. exclusive: raise WorkerBusy rather than stand by when another process's
        worker sends this desk's jobs (`printers work` refuses to be a second one)."""
        if self._thread is not None:
            raise RuntimeError("the print worker is already running")
        if exclusive and not self._lock.acquire():
            raise WorkerBusy(self.desk, self._lock.holder())
        # Opened here so that a bad path is an error the caller sees, not a dead thread.
        self._store = Store.open(self.db_path)
        self._dispatcher = Dispatcher(
            self._store, self.desk, settings=self.settings, renderer=self.renderer, clock=self.clock
        )
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=f"print-worker-{self.desk}", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look at the queue now (a job was queued, a printer was fixed, the clock moved)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> bool:
        """Finish the job in hand (at most one printer timeout) and stop. True when the thread ended."""
        thread = self._thread
        if thread is None:
            return True
        self._stopping.set()
        self._wake.set()
        thread.join(timeout)
        if thread.is_alive():
            return False
        self._thread = None
        if self._store is not None:
            self._store.close()
            self._store = None
        self._lock.release()
        return True

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def printer_problems(self) -> dict[str, str]:
        """Printer name -> the last error it gave, for printers that have not printed since."""
        return dict(self._dispatcher.problems) if self._dispatcher else {}

    # -- the thread --------------------------------------------------------------------------------

    def _notify(self, job: JobInfo | None) -> None:
        if job is None or self.on_change is None:
            return
        try:
            self.on_change(job)
        except Exception:
            log.exception("print worker: the on_change callback failed")

    def _wait_for_lock(self) -> bool:
        """Stand by while another process's worker sends this desk's jobs. False: stopping."""
        while not self._lock.acquire():
            holder = self._lock.holder()
            if self.standing_by != holder:
                log.info("print worker for %s stands by: %s", self.desk, f"process {holder} sends")
            self.standing_by = holder or -1
            self._wake.wait(self.poll_interval)
            self._wake.clear()
            if self._stopping.is_set():
                return False
        self.standing_by = None
        return True

    def _run(self) -> None:
        store, dispatcher = self._store, self._dispatcher
        if not self._wait_for_lock():
            return
        for job_id in queue.requeue_interrupted(store, self.desk):
            log.warning("print job %s was interrupted while sending; it is queued again", job_id)
            self._notify(queue.get_job(store, job_id))
        warm_up = getattr(dispatcher.renderer, "warm_up", None)
        if warm_up is not None and queue.next_job(store, self.desk) is None:
            warm_up()  # while nobody waits: the first scan's badge then comes out as fast as the rest
        while not self._stopping.is_set():
            self._wake.clear()  # before looking: a wake() from now on ends the wait below at once
            try:
                wait = self._step(store, dispatcher)
            except Exception:
                log.exception("print worker: unexpected error; trying again shortly")
                wait = self.poll_interval
            if wait > 0 and not self._stopping.is_set():
                self._wake.wait(min(wait, self.poll_interval))

    def _step(self, store: Store, dispatcher: Dispatcher) -> float:
        """Try the head of the queue if it is due; returns how long to wait before looking again."""
        job = queue.next_job(store, self.desk)
        if job is None:
            return self.poll_interval
        due_in = dispatcher.due_in(job)
        if due_in > 0:
            return due_in
        if self.hold is not None and self.hold(store, job, self.clock()):
            self._notify(queue.get_job(store, job.id))
            return 0.0
        after = dispatcher.attempt(job, on_sending=self._notify)
        self._notify(after)
        if after is not None and after.state == "queued" and after.attempts == job.attempts:
            return self.poll_interval  # nothing could be tried (no printer configured): do not spin
        return 0.0
