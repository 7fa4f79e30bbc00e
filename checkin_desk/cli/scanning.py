"""Scanning from the command line: one code (`scan`) or the terminal desk (`desk`, one scan per line).

The terminal desk reads standard input as bytes (a misread scanner can send anything); CR, LF,
CRLF and Tab each end a scan (`split_scans`). A scan that cannot be recorded — database locked for
too long, disk full, read-only file or folder — is answered with what is wrong, kept, and tried
again before the next scan and whenever the input is idle (`TerminalDesk`): the desk never stops
on such trouble.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import select
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from checkin_desk.cli._common import camera_source, open_desk
from checkin_desk.cli._printing import DEFAULT_WAIT, finish_printing, say, start_printing
from checkin_desk.domain.models import Outcome, Status
from checkin_desk.services.desk import Desk, DeskError
from checkin_desk.storage import faults, recording
from checkin_desk.storage.faults import StorageFault, user_message
from checkin_desk.storage.store import StoreError
from checkin_desk.util.clock import utc_now

log = logging.getLogger(__name__)

VERDICT = {
    Status.OK: "ADMIT",
    Status.ALREADY_CHECKED_IN: "ADMIT (re-entry)",
    Status.UNKNOWN: "REFUSE: unknown code",
    Status.CANCELLED: "REFUSE: pass cancelled",
    Status.BLOCKED: "REFUSE: pass blocked",
    Status.WRONG_DAY: "REFUSE: not valid today",
    Status.INVALID_SIGNATURE: "REFUSE: forged or altered code",
    Status.MALFORMED: "REFUSE: not a badge code",
    Status.UNPAID: "REFUSE: not yet paid",
}
SEPARATORS = b"\r\n\t"
MAX_SCAN_BYTES = 64 * 1024  # no code is this long: the rest of such a "scan" is dropped
IDLE_S = 1.0  # with no input for this long, kept scans are tried again and waiting ones moved in
END_WAIT_S = 30.0  # at the end of the input, how long kept scans are still tried
REOPEN_ON = ("readonly", "readonly_folder", "cantopen", "io")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan", help="check in one code")
    p.add_argument("code", help="the code as the scanner reads it")
    p.add_argument("--json", action="store_true", help="the outcome as one JSON object")
    p.add_argument(
        "--print",
        action="store_true",
        dest="print_badge",
        help="send the badge this scan queued and wait for it; exit 1 if it did not print",
    )
    _print_wait_option(p)
    p.set_defaults(handler=cmd_scan)

    p = sub.add_parser(
        "desk",
        help="terminal desk: one scan per line on standard input",
        description="One scan per line on standard input; badges print on the desk's printers while it "
        "runs, and at the end of input it waits for them (see --print-wait). Exit status 1 when a "
        "badge this run queued did not print (printer down, refused, or no printer configured for "
        "the desk: said once at the start), with one line naming each such badge on standard error; "
        "also 1 when a scan could not be recorded.",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    _print_wait_option(p)
    p.add_argument(
        "--camera",
        metavar="SOURCE",
        type=camera_source,
        help="also read codes from a camera: a device number (0), a video file, or a stream URL "
        "(rtsp://..., http://... MJPEG); needs the camera extra (pip install 'checkin-desk[camera]')",
    )
    p.add_argument(
        "--retry-for",
        type=float,
        default=END_WAIT_S,
        metavar="SECONDS",
        help=f"at the end of the input, keep trying scans not recorded yet this long (default {END_WAIT_S:.0f})",
    )
    p.set_defaults(handler=run_desk)


def _print_wait_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--print-wait",
        type=float,
        default=DEFAULT_WAIT,
        metavar="SECONDS",
        help=f"how long to wait for badges to print before giving up (default {DEFAULT_WAIT:g})",
    )


def describe(outcome: Outcome, labels: dict[str, str] | None = None) -> str:
    """One line for a scan; `labels`: category key -> the label to show (its key when missing)."""
    parts = [f"{outcome.status.value:<18} {VERDICT[outcome.status]}"]
    if outcome.attendee:
        a = outcome.attendee
        category = (labels or {}).get(a.category) or a.category
        parts.append(" — ".join(p for p in (a.full_name, category.upper(), a.company) if p))
        if a.notes:
            parts.append(f"note: {a.notes}")
    elif outcome.code:
        parts.append(outcome.code)
    if outcome.first_entry:
        parts.append(f"first entry {outcome.first_entry.at} at {outcome.first_entry.desk}")
    if outcome.print_job_id:
        parts.append(f"badge queued (job {outcome.print_job_id})")
    elif outcome.print_badge:
        parts.append("badge queued (prints once the database is free)")
    if outcome.duplicate_read:
        parts.append("(same scan read twice: counted once)")
    if outcome.message:
        parts.append(f"({outcome.message})")
    if outcome.extra.get("waiting"):
        held_by = outcome.extra.get("held_by") or "another program"
        parts.append(
            f"(the event database is held by {held_by}: recorded beside it, moved in when it is free)"
        )
    return "  |  ".join(parts)


def cmd_scan(args: argparse.Namespace) -> int:
    desk = open_desk(args)
    outcome = desk.scan(args.code)
    print(
        json.dumps(outcome.to_dict(), ensure_ascii=False) if args.json else describe(outcome, _labels(desk)),
        flush=True,
    )
    if not (getattr(args, "print_badge", False) and outcome.print_job_id):
        return 0 if outcome.admitted else 1
    printing = start_printing(desk)
    if printing is None:
        say(f"no printer is configured for desk {desk.desk_name}: the badge stays queued")
        return 1
    return finish_printing(printing, desk, [outcome.print_job_id], args.print_wait)


# -- reading scans -------------------------------------------------------------------------------------


def split_scans(chunks: Iterable[bytes], limit: int = MAX_SCAN_BYTES) -> Iterator[bytes]:
    """The scans in a byte stream: CR, LF, CRLF and Tab each end one (scanners are configured with
    any of them); empty ones are dropped. A scan longer than `limit` is cut there."""
    current = bytearray()
    overflow = False
    for chunk in chunks:
        start = 0
        for i, byte in enumerate(chunk):
            if byte in SEPARATORS:
                if not overflow:
                    current += chunk[start:i]
                if current:
                    yield bytes(current[:limit])
                current.clear()
                overflow = False
                start = i + 1
        if not overflow:
            current += chunk[start:]
            if len(current) > limit:
                del current[limit:]
                overflow = True
    if current:
        yield bytes(current)


def read_chunks(fd: int, on_idle: Callable[[], None] | None, idle_s: float = IDLE_S) -> Iterator[bytes]:
    """What arrives on `fd`, as it arrives; `on_idle()` whenever nothing did for `idle_s` seconds."""
    while True:
        if on_idle is not None and os.name != "nt":
            ready, _, _ = select.select([fd], [], [], idle_s)
            if not ready:
                on_idle()
                continue
        chunk = os.read(fd, 65536)
        if not chunk:
            return
        yield chunk


# -- the terminal desk ---------------------------------------------------------------------------------


class TerminalDesk:
    """One scan per call; scans that could not be recorded are kept and tried again, in order."""

    def __init__(
        self,
        open_desk: Callable[[], Desk],
        emit: Callable[[str], None],
        as_json: bool = False,
        on_badge: Callable[[Desk, int], None] | None = None,
    ):
        self._open = open_desk
        self.emit = emit
        self.as_json = as_json
        self.on_badge = on_badge  # a print job this desk queued: e.g. hand it to the print worker
        # Scans recorded beside a busy database whose badge has no print job yet (made when moved in).
        self.badges_waiting: list[str] = []
        self.desk: Desk | None = None
        # (scan, when it was read, repeat_checked): recorded with that time
        self.kept: list[tuple[bytes, datetime, bool]] = []
        self.problem = ""
        self.labels: dict[str, str] = {}  # category key -> label shown (the event's)
        self._reopen = False

    def start(self, *, quiet: bool = False) -> Desk | None:
        """Open the desk; a database that cannot be written now (busy, read-only...) is not fatal."""
        try:
            self.desk = self._open()
            self.labels = _labels(self.desk)
        except StorageFault as exc:
            self.problem = str(exc)
            if not quiet:
                self.emit_problem(f"cannot use the event database now: {exc}; scans are kept until it can be")
        return self.desk

    def scan(self, raw: bytes, *, repeat_checked: bool = False) -> None:
        """repeat_checked: a camera's code, already known to be a new scan (see Desk.scan)."""
        self.retry()
        read_at = self.desk.clock() if self.desk is not None else utc_now()
        if self.kept:  # still failing: keep the order, answer for this one too
            self.kept.append((raw, read_at, repeat_checked))
            self._not_recorded(raw, self.problem)
            return
        self._record(raw, read_at, repeat_checked, retried=False)

    def idle(self) -> None:
        self.retry()
        if self.desk is not None and not self.kept:
            try:
                recording.drain(self.desk.store)
            except (StoreError, OSError) as exc:
                log.warning("waiting scans not moved yet: %s", exc)
        self._hand_over_badges()

    def retry(self) -> None:
        while self.kept:
            if not self._record(*self.kept[0], retried=True, keep=False):
                return
            self.kept.pop(0)

    def finish(self, wait_s: float = END_WAIT_S, clock: Callable[[], float] = time.monotonic) -> int:
        """At the end of the input: keep trying the kept scans for `wait_s`, then name those lost."""
        deadline = clock() + wait_s
        while self.kept and clock() < deadline:
            self.retry()
            if self.kept:
                time.sleep(0.5)
        if self.desk is not None and not self.kept:
            with contextlib.suppress(StoreError, OSError):
                recording.drain(self.desk.store, wait_s=2.0)
                if waiting := recording.waiting_count(self.desk.store):
                    self.emit_problem(
                        f"{waiting} scan(s) recorded here still wait beside the event database "
                        f"({faults.holder_text(self.desk.store.path)} holds it); the next desk run, "
                        "scan or sync moves them in, and their badges print then"
                    )
            self._hand_over_badges()
        if self.kept:
            shown = ", ".join(r.decode("utf-8", "replace")[:40] for r, *_ in self.kept[:10])
            self.emit_problem(f"{len(self.kept)} scan(s) were NOT recorded ({self.problem}): {shown}")
            return 1
        return 0

    # -- inside ------------------------------------------------------------------------------------

    def _record(
        self, raw: bytes, read_at: datetime, repeat_checked: bool, *, retried: bool, keep: bool = True
    ) -> bool:
        try:
            if self.desk is None and self.start(quiet=True) is None:
                raise StorageFault(self.problem, "cantopen")
            if self._reopen:
                self.desk.store.reopen()
                self._reopen = False
            # A retry keeps the time the scan was read, and asks no hub (see Desk.scan).
            outcome = (
                self.desk.scan(raw, scanned_at=read_at, ask_hub=False, repeat_checked=repeat_checked)
                if retried
                else self.desk.scan(raw, repeat_checked=repeat_checked)
            )
        except (StoreError, DeskError, OSError) as exc:
            why = user_message(exc, self.desk.store.path if self.desk else "")
            self._failed(raw, read_at, repeat_checked, why, keep, retried)
            if getattr(exc, "kind", "") in REOPEN_ON:
                self._reopen = True  # SQLite keeps a file it opened read-only so: open it again
            return False
        except Exception as exc:  # a bug: logged with its traceback; the desk goes on
            log.exception("scan failed")
            why = f"internal error ({exc.__class__.__name__}: {exc}); see the log"
            self._failed(raw, read_at, repeat_checked, why, keep, retried)
            return False
        self.problem = ""
        if outcome.print_job_id and self.on_badge is not None:
            self.on_badge(self.desk, outcome.print_job_id)
        elif outcome.print_badge and outcome.extra.get("waiting") and not outcome.duplicate_read:
            self.badges_waiting.append(outcome.scan_uuid)
        self._hand_over_badges()
        if self.as_json:
            self.emit(
                json.dumps(
                    {**outcome.to_dict(), **({"retried": True} if retried else {})}, ensure_ascii=False
                )
            )
        else:
            self.emit(describe(outcome, self.labels) + ("  |  (recorded on a retry)" if retried else ""))
        return True

    def _hand_over_badges(self) -> None:
        """Badges of scans recorded beside a busy database, once they are moved in and have a job."""
        if not self.badges_waiting or self.desk is None or self.on_badge is None:
            return
        marks = ",".join("?" * len(self.badges_waiting))
        try:
            rows = self.desk.store.conn.execute(
                f"SELECT id, scan_uuid FROM print_jobs WHERE scan_uuid IN ({marks}) ORDER BY id",
                self.badges_waiting,
            ).fetchall()
        except sqlite3.Error:
            return
        for job_id, scan_uuid in rows:
            self.badges_waiting.remove(scan_uuid)
            self.on_badge(self.desk, job_id)

    def _failed(
        self, raw: bytes, read_at: datetime, repeat_checked: bool, why: str, keep: bool, retried: bool
    ) -> None:
        changed = why != self.problem
        self.problem = why
        if keep:
            self.kept.append((raw, read_at, repeat_checked))
            self._not_recorded(raw, why)
        elif changed:  # a retry failing for a new reason: say so once
            self.emit_problem(f"still not recorded: {why}")

    def _not_recorded(self, raw: bytes, why: str) -> None:
        text = raw.decode("utf-8", "replace")[:256]
        waiting = len(self.kept)
        if self.as_json:
            self.emit(
                json.dumps(
                    {
                        "status": "not_recorded",
                        "admitted": False,
                        "code": text,
                        "error": why,
                        "kept": waiting,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self.emit(
                f"{'not_recorded':<18} NOT RECORDED: {why}  |  {text}  |  "
                f"kept, tried again automatically ({waiting} waiting)"
            )

    def emit_problem(self, text: str) -> None:
        print(f"checkin-desk: {text}", file=sys.stderr, flush=True)


def run_desk(args: argparse.Namespace) -> int:
    as_json = getattr(args, "json", False)
    queued: list[int] = []
    printing: list = []  # the desk's print worker once the desk is open (none without a printer)

    def open_printing(desk: Desk) -> None:
        printing.append(start_printing(desk))
        if printing[0] is None:  # said once, at the start: every badge of this run stays queued
            say(
                f"no printer is configured for desk {desk.desk_name}: its badges stay queued (exit status 1 if one is due)"
            )

    def badge(desk: Desk, job_id: int) -> None:
        if not printing:
            open_printing(desk)
        queued.append(job_id)
        if printing[0] is not None:
            printing[0].queued(job_id)

    camera = None
    if getattr(args, "camera", None):
        from checkin_desk.cli._camera import CameraFeed

        camera = CameraFeed(args.camera)
        opened = camera.open()  # before the event is opened: nothing changes
        if opened == "failed":
            return 1
        if opened == "missing":  # said once; the desk reads standard input as before
            camera = None
    session = TerminalDesk(lambda: open_desk(args), lambda line: print(line, flush=True), as_json, badge)
    desk = session.start()
    if desk is not None and not printing:
        open_printing(desk)
        if sys.stdin.isatty():
            print(f"{desk.event.name} — desk {desk.desk_name}. Scan a badge (Ctrl-D to stop).", flush=True)
    try:
        # Bytes: a misread scanner can send anything, and it must give an outcome, not a crash.
        if camera is not None:
            from checkin_desk.cli._camera import keyboard_lines

            scans = camera.scans(session.idle, IDLE_S, keyboard_lines())
        else:
            scans = ((raw, False) for raw in split_scans(read_chunks(sys.stdin.fileno(), session.idle)))
        for raw, from_camera in scans:
            session.scan(raw, repeat_checked=from_camera)
        status = session.finish(max(0.0, getattr(args, "retry_for", END_WAIT_S)))
    except BaseException:
        if printing and printing[0] is not None:
            printing[0].stop(timeout=2.0)  # the queue is persistent: what is left prints next time
        raise
    if session.desk is None:
        return status
    wait = getattr(args, "print_wait", DEFAULT_WAIT)
    printed = finish_printing(printing[0] if printing else None, session.desk, queued, wait)
    return status or printed


def _labels(desk) -> dict[str, str]:
    return {key: row["label_fr"] for key, row in desk.store.categories().items()}
