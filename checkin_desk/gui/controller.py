"""The desk window's one door to the core: scans on the GUI thread (a ~1 ms SQLite transaction),
everything slow (status counts, print queue, badge rendering, sync) on the workers.

Panels never call the desk directly: they ask the controller and listen to its signals.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from checkin_desk import badges, printing
from checkin_desk.domain.models import Attendee, Outcome
from checkin_desk.gui.desk_state import DeskState, StateReader
from checkin_desk.gui.pin import Authority
from checkin_desk.gui.workers import TaskRunner
from checkin_desk.services import desk_ops, print_backlog
from checkin_desk.services.desk import Desk, DeskError, PassRefused
from checkin_desk.storage import recording
from checkin_desk.storage.faults import fault, user_message
from checkin_desk.storage.store import StoreError
from checkin_desk.util.clock import local_day

log = logging.getLogger(__name__)

# Expected trouble, said in the status bar: a busy, full or read-only database included (in words,
# storage.faults), never the crash dialog.
KNOWN = (DeskError, StoreError, OSError, ValueError, sqlite3.OperationalError)
STATE_EVERY_MS = 3000
JOB_POLL_MS = 400
KEPT_RETRY_MS = 2000  # kept scans are tried again this often, not only at the next scan


@dataclass(frozen=True)
class KeptScan:
    """A scan that could not be recorded (disk full, read-only file): kept, in order, with the time
    it was read, which it keeps when it is recorded later."""

    raw: str
    at: datetime


class DeskController(QObject):
    outcome = Signal(object)  # Outcome
    state = Signal(object)  # DeskState
    print_state = Signal(str, str)  # state, error of the current attendee's badge
    problem = Signal(str)  # expected trouble, for the status bar
    scan_kept = Signal(object, str, int)  # KeptScan, storage.faults kind ("" unknown), how many kept
    kept_recorded = Signal(int, int)  # kept scans recorded now, how many still kept
    printer_problem = Signal(object)  # {printer: its last error} from the print worker, {} when all is well
    print_changed = Signal(object)  # a print job changed (from the print worker thread, queued)
    reissued = Signal(object, str)  # Attendee, who allowed it: a new pass, its badge queued
    reprinted = Signal(object, str, str, bool)  # Attendee, who allowed it, the reason, an override?

    def __init__(self, desk: Desk, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.desk = desk
        self.runner = runner
        self.reader = StateReader(desk.store.path, desk.desk_name)
        self.current: Attendee | None = None
        self.last: Outcome | None = None
        self.last_state = DeskState()
        self._watch_job: int | None = None
        self._shown_job: tuple[str, str] = ("", "")
        self._reading = False
        self._again = False
        self._state_timer = QTimer(self)
        self._state_timer.timeout.connect(self.refresh_state)
        self._job_timer = QTimer(self)
        self._job_timer.setInterval(JOB_POLL_MS)
        self._job_timer.timeout.connect(self.refresh_state)
        self.print_changed.connect(self._on_job_changed)
        # After a scan the figures are read a moment later, off the path from Enter to the banner.
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(250)
        self._soon.timeout.connect(self.refresh_state)
        self.print_worker = None
        self._stopped = False
        self.kept: list[KeptScan] = []  # scans that could not be recorded, in order
        self._last_problem = ""
        self._last_kind = ""
        self._retry_kept = QTimer(self)
        self._retry_kept.setInterval(KEPT_RETRY_MS)
        self._retry_kept.timeout.connect(self.retry_kept)

    def start(self, *, print_worker: bool = True) -> None:
        self._state_timer.start(STATE_EVERY_MS)
        self.refresh_state()
        # Fonts loaded on the worker now, not at the first preview (~0.1 s); the print worker warms
        # its own renderer on its thread.
        self.runner.submit(badges.warm_up, failed=lambda exc: log.warning("fonts: %s", exc))
        if print_worker:
            self.print_worker = self._start_print_worker()

    def stop(self) -> None:
        self._stopped = True
        self._retry_kept.stop()
        self._soon.stop()
        self._state_timer.stop()
        self._job_timer.stop()
        if self.print_worker is not None:
            # Never wait long for a hung printer when the window closes: the queue is persistent.
            self.print_worker.stop(timeout=1.0)
            self.print_worker = None
        self.runner.submit(self.reader.close)

    def _start_print_worker(self):
        worker = printing.PrintWorker(
            self.desk.store.path,
            self.desk.desk_name,
            on_change=self.print_changed.emit,
            # Old badges after a long stop wait for a supervisor; with no printer at all none pile up.
            hold=print_backlog.set_aside_or_hold,
        )
        worker.start()
        return worker

    # -- scanning ----------------------------------------------------------------------------------

    def scan(self, raw: str) -> Outcome | None:
        read_at = self.desk.clock()
        # Scans that could not be recorded (disk full, read-only file) go first, in order.
        self.retry_kept()
        if not self.kept:
            result = self._run(lambda: self.desk.scan(raw), keep=False)
            if result is not None or not self._last_problem:
                return result
        self.kept.append(KeptScan(raw, read_at))
        log.warning("scan %r kept: %s", raw[:64], self._last_problem)
        self.scan_kept.emit(self.kept[-1], self._last_kind, len(self.kept))
        self._retry_kept.start()
        return None

    def _fault_kind(self, exc: BaseException) -> str:
        found = fault(exc, self.desk.store.path) if isinstance(exc, sqlite3.Error) else None
        return found.kind if found is not None else ""

    def retry_kept(self) -> int:
        """Record the kept scans, in order, each with the time it was read; the hub is not asked (a
        disk still full would leave it one cancelled decision per try). Returns how many went in."""
        recorded = 0
        while self.kept:
            kept = self.kept[0]
            try:
                outcome = self.desk.scan(kept.raw, scanned_at=kept.at, ask_hub=False)
            except KNOWN as exc:
                self._last_problem = user_message(exc, self.desk.store.path)
                self._last_kind = self._fault_kind(exc)
                break
            self.kept.pop(0)
            recorded += 1
            if outcome.print_job_id is not None and self.print_worker is not None:
                self.print_worker.wake()
        if not self.kept:
            self._retry_kept.stop()
        if recorded:
            self.kept_recorded.emit(recorded, len(self.kept))
            self._soon.start()
        return recorded

    def walk_in(self, values: dict) -> Outcome | None:
        return self._run(lambda: self.desk.register_walk_in(**values))

    def override(self, code: str, reason: str, by: Authority) -> Outcome | None:
        return self._run(lambda: self.desk.admit_override(code, reason=reason, **by.kwargs()))

    def _run(self, action: Callable[[], Outcome], *, keep: bool = True) -> Outcome | None:
        self._last_problem = self._last_kind = ""
        try:
            result = action()
        except KNOWN as exc:
            self._last_problem = user_message(exc, self.desk.store.path)
            self._last_kind = self._fault_kind(exc)
            if keep:
                self.problem.emit(self._last_problem)
            return None
        self.last = result
        if result.attendee is not None:
            self.current = result.attendee
        self.outcome.emit(result)
        if result.print_job_id is None:
            self._watch_job = None  # the banner shows this scan: no other badge's state
            self._job_timer.stop()
        else:
            self.watch_job(result.print_job_id)
            if self.print_worker is not None:
                self.print_worker.wake()
        self._soon.start()
        return result

    # -- supervisor actions: `by` comes from the PIN dialog (roles.authorize) ----------------------
    # The desk service checks the role again and writes the audit log with the authoriser.

    def reprint(self, code: str, reason: str, by: Authority) -> int | None:
        try:
            job = self.desk.reprint(code, reason=reason, **by.kwargs("allowed_by"))
        except KNOWN as exc:
            self.problem.emit(user_message(exc, self.desk.store.path))
            return None
        self._reprinted(code, by, reason, job, override=False)
        return job

    def print_refused(self, code: str, reason: str, by: Authority) -> int | None:
        """A supervisor's override: the badge of a pass the rules refuse (audited print_override)."""
        try:
            job = desk_ops.print_refused_badge(self.desk, code, reason=reason, **by.kwargs())
        except KNOWN as exc:
            self.problem.emit(user_message(exc, self.desk.store.path))
            return None
        self._reprinted(code, by, reason, job, override=True)
        return job

    def _reprinted(self, code: str, by: Authority, reason: str, job: int, *, override: bool) -> None:
        attendee = self.desk.store.lookup(code)
        if attendee is not None:
            self.current = attendee
            self.reprinted.emit(attendee, by.name, reason.strip(), override)
        self._queued(job)

    def _queued(self, job: int) -> None:
        self.watch_job(job)
        if self.print_worker is not None:
            self.print_worker.wake()

    def reissue(self, code: str, reason: str, by: Authority) -> tuple[str, int] | None:
        """A new signed pass (the old badge is refused from now on) and its badge queued."""
        try:
            token, job = desk_ops.reissue_and_print(self.desk, code, reason=reason, **by.kwargs())
        except KNOWN as exc:
            self.problem.emit(user_message(exc, self.desk.store.path))
            return None
        attendee = self.desk.store.lookup(code)
        if attendee is not None:
            self.current = attendee
            self.reissued.emit(attendee, by.name)
        self._queued(job)
        return token, job

    def first_print(self, code: str) -> int | None:
        """Print from the search list: free the first time (None after that: a supervisor's reprint).
        Raises PassRefused for a pass the rules refuse: only a supervisor's override prints it."""
        try:
            job = desk_ops.print_first_badge(self.desk, code)
        except PassRefused:
            raise
        except DeskError:
            return None
        self._queued(job)
        return job

    def leave_kiosk(self, by: Authority) -> bool:
        try:
            desk_ops.leave_kiosk(self.desk, **by.kwargs())
        except KNOWN as exc:
            self.problem.emit(user_message(exc, self.desk.store.path))
            return False
        return True

    def cancel_checkin(self, scan_uuid: str, reason: str, by: Authority) -> bool:
        try:
            self.desk.cancel_checkin(scan_uuid, reason=reason, **by.kwargs())
        except KNOWN as exc:
            self.problem.emit(user_message(exc, self.desk.store.path))
            return False
        self.refresh_state()
        return True

    def edit(self, code: str, changes: dict, by: Authority) -> Attendee | None:
        try:
            updated = self.desk.edit_attendee(code, changes, **by.kwargs())
        except KNOWN as exc:
            self.problem.emit(user_message(exc, self.desk.store.path))
            return None
        if self.current is not None and self.current.code == updated.code:
            self.current = updated
        return updated

    # -- background figures ------------------------------------------------------------------------

    def watch_job(self, job_id: int) -> None:
        self._watch_job = job_id
        self._shown_job = ("queued", "")
        self.print_state.emit("queued", "")
        self._job_timer.start()

    def _on_job_changed(self, job) -> None:
        """A job changed on the print worker (delivered here, on the GUI thread, by a queued signal)."""
        if self._stopped:
            return
        if job.id == self._watch_job:
            self._show_job(job.state, job.last_error or "")
        self.refresh_state()

    def _show_job(self, state: str, error: str) -> None:
        # A job back in the queue with an error did not print (paper out, offline...): the worker
        # tries again by itself, the operator must fix the printer.
        shown = "retrying" if state == "queued" and error else state
        if (shown, error) != self._shown_job:
            self._shown_job = (shown, error)
            self.print_state.emit(shown, error)
        if state in ("printed", "failed"):
            self._job_timer.stop()

    def refresh_state(self) -> None:
        if self._stopped:
            return
        if self.desk.store.waiting is not None:  # scans recorded beside a busy database: a few in
            with contextlib.suppress(StoreError):
                recording.drain(self.desk.store, wait_s=0.0, limit=recording.MOVED_PER_SCAN)
        if self._reading:  # one read in flight at a time; remember to read again after it
            self._again = True
            return
        self._reading = True
        day = local_day(self.desk.clock(), self.desk.event.timezone)
        self.runner.submit(
            self.reader.read, day, self._watch_job, done=self._on_state, failed=self._on_state_failed
        )

    def _on_state(self, state: DeskState) -> None:
        self._reading = False
        self.last_state = state
        self.state.emit(state)
        problems = getattr(self.print_worker, "printer_problems", None)
        if problems is not None:
            self.printer_problem.emit(problems())
        if state.job_id is not None and state.job_id == self._watch_job and state.job_state:
            self._show_job(state.job_state, state.job_error)
        if self._again:
            self._again = False
            self.refresh_state()

    def _on_state_failed(self, exc: BaseException) -> None:
        self._reading = False
        log.warning("status figures: %s", exc)
        self.problem.emit(user_message(exc, self.desk.store.path))
