"""One attempt at one job: pick the printer, send, record the outcome, decide the retry or the move.

Used by the worker thread for every job and by `checkin-desk print` for a job sent at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from checkin_desk.printing import queue, registry
from checkin_desk.printing.errors import PrintError, RenderError
from checkin_desk.printing.queue import JobInfo
from checkin_desk.printing.registry import PrinterConfig
from checkin_desk.printing.render import BadgeRenderer, Renderer, category_templates, choose_template
from checkin_desk.printing.send import send_badge
from checkin_desk.printing.transports import Timeouts
from checkin_desk.storage.store import Store
from checkin_desk.trust import signing
from checkin_desk.util.clock import iso, utc_now

log = logging.getLogger(__name__)


def exponential_backoff(base: float = 2.0, cap: float = 60.0) -> Callable[[int], float]:
    """Seconds to wait after the n-th failure on a printer: base, 2 base, 4 base, ... up to cap."""

    def delay(failures: int) -> float:
        return min(cap, base * 2 ** max(0, failures - 1))

    return delay


@dataclass
class DispatchSettings:
    max_attempts: int = 3  # failures on one printer before the job moves to the next of the pool
    backoff: Callable[[int], float] = field(default_factory=exponential_backoff)
    timeouts: Timeouts = field(default_factory=Timeouts)
    down_for: float = 30.0  # seconds a printer that lost a job is passed over for new jobs


class Dispatcher:
    def __init__(
        self,
        store: Store,
        desk: str,
        *,
        settings: DispatchSettings | None = None,
        renderer: Renderer | None = None,
        clock: Callable[[], datetime] = utc_now,
    ):
        self.store = store
        self.desk = desk
        self.settings = settings or DispatchSettings()
        self.renderer = renderer or BadgeRenderer()
        self.clock = clock
        self.down: dict[str, datetime] = {}  # printer -> until when new jobs avoid it
        self.problems: dict[str, str] = {}  # printer -> its last error, until it prints again

    # -- choosing a printer ------------------------------------------------------------------------

    def _is_down(self, name: str) -> bool:
        until = self.down.get(name)
        return until is not None and until > self.clock()

    def choose(self, job: JobInfo, pool: list[PrinterConfig]) -> PrinterConfig | None:
        if job.printer:
            for printer in pool:
                if printer.name == job.printer:
                    return printer
            try:  # pinned to a printer outside this desk's pool (`print --printer`)
                return registry.get_printer(self.store, job.printer)
            except LookupError:
                pass  # removed since: fall back to the pool
        for printer in pool:
            if not self._is_down(printer.name):
                return printer
        return pool[0] if pool else None

    def _next_after(self, current: str, pool: list[PrinterConfig]) -> PrinterConfig | None:
        names = [p.name for p in pool]
        if current not in names:
            return pool[0] if pool and pool[0].name != current else None
        if len(pool) < 2:
            return None
        return pool[(names.index(current) + 1) % len(pool)]

    # -- one attempt -------------------------------------------------------------------------------

    def due_in(self, job: JobInfo) -> float:
        """Seconds until the job may be tried (<= 0: now)."""
        if not job.next_attempt_at:
            return 0.0
        return (datetime.fromisoformat(job.next_attempt_at) - self.clock()).total_seconds()

    def attempt(self, job: JobInfo, on_sending: Callable[[JobInfo], None] | None = None) -> JobInfo:
        """Try the job once (the caller checked it is due). Returns the job as it now stands."""
        pool = registry.pool(self.store, self.desk)
        printer = self.choose(job, pool)
        if printer is None:
            queue.note_waiting(
                self.store,
                job.id,
                f"no printer is configured for desk {self.desk}; add one with `checkin-desk printers add`",
            )
            return queue.get_job(self.store, job.id)
        attendee = self.store.lookup(job.attendee_code)
        same_printer = printer.name == job.printer
        printer_attempts = job.printer_attempts if same_printer else 0
        if not queue.claim(self.store, job, printer.name, printer_attempts):
            return queue.get_job(self.store, job.id)
        if on_sending is not None:
            on_sending(queue.get_job(self.store, job.id))
        if attendee is None:
            queue.mark_failed(self.store, job.id, f"no attendee with code {job.attendee_code} any more")
            return queue.get_job(self.store, job.id)
        try:
            note = send_badge(
                printer,
                attendee,
                event=self.store.event(),
                categories=self.store.categories(),
                template=choose_template(
                    job.template, printer.template, category_templates(self.store), attendee.category
                ),
                renderer=self.renderer,
                timeouts=self.settings.timeouts,
                label=f"badge-{job.id:06d}-{attendee.code}",
                qr_text=signing.qr_text(self.store, attendee.code),  # the signed code when one was issued
            )
        except RenderError as exc:
            log.error("job %s: %s", job.id, exc)
            queue.mark_failed(self.store, job.id, str(exc))
        except PrintError as exc:
            self._failed(job, printer, printer_attempts + 1, exc, pool)
        except Exception as exc:  # a bug: keep the job, say what happened
            log.exception("job %s: unexpected error on printer %s", job.id, printer.name)
            self._failed(
                job,
                printer,
                printer_attempts + 1,
                PrintError(printer.name, f"unexpected error: {exc!r}"),
                pool,
            )
        else:
            log.info("job %s printed on %s: %s", job.id, printer.name, note)
            self.down.pop(printer.name, None)
            self.problems.pop(printer.name, None)
            queue.mark_printed(self.store, job.id, iso(self.clock()))
        return queue.get_job(self.store, job.id)

    def _failed(
        self, job: JobInfo, printer: PrinterConfig, failures: int, exc: PrintError, pool: list[PrinterConfig]
    ) -> None:
        now = self.clock()
        message = str(exc)
        self.problems[printer.name] = message
        log.warning("job %s: %s", job.id, message)
        if exc.move_now or failures >= self.settings.max_attempts:
            target = self._next_after(printer.name, pool)
            if target is not None:
                self.down[printer.name] = now + timedelta(seconds=self.settings.down_for)
                # Straight to a printer that looks fine; wait first if it failed recently too.
                delay = self.settings.backoff(failures) if self._is_down(target.name) else 0.0
                queue.mark_retry(
                    self.store,
                    job.id,
                    error=f"{message}; moved to printer {target.name}",
                    printer=target.name,
                    printer_attempts=0,
                    next_attempt_at=iso(now + timedelta(seconds=delay)) if delay else None,
                )
                return
        delay = self.settings.backoff(failures)
        queue.mark_retry(
            self.store,
            job.id,
            error=message,
            printer=printer.name,
            printer_attempts=failures,
            next_attempt_at=iso(now + timedelta(seconds=delay)),
        )
