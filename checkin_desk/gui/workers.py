"""Background work through one small helper: `runner.submit(fn, done=..., failed=..., pool="db")`.

Two single-thread executors: "db" for the database and the printer queue, "net" for the hub. The
callbacks run on the GUI thread: results travel back through a queued Qt signal, so no worker ever
touches a widget. Expected trouble (`KNOWN_ERRORS`) goes to `failed`; a bug goes to the crash handler.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

log = logging.getLogger(__name__)

POOLS = ("db", "net")


class _Relay(QObject):
    # (callback, value): emitted on a worker thread, delivered on the GUI thread.
    deliver = Signal(object, object)


class TaskRunner(QObject):
    """Owns the executors; lives on the GUI thread."""

    busy_changed = Signal(int)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pools = {
            name: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"checkin-{name}") for name in POOLS
        }
        self._relay = _Relay()
        self._relay.deliver.connect(self._on_deliver, Qt.QueuedConnection)
        self._pending = 0
        self._closed = False

    @property
    def pending(self) -> int:
        return self._pending

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        pool: str = "db",
    ) -> Future | None:
        if self._closed:
            return None
        self._pending += 1
        self.busy_changed.emit(self._pending)

        def job() -> None:
            try:
                result = fn(*args)
            except BaseException as exc:  # reported on the GUI thread, never swallowed
                self._relay.deliver.emit(("failed", failed), exc)
            else:
                self._relay.deliver.emit(("done", done), result)

        return self._pools[pool].submit(job)

    @Slot(object, object)
    def _on_deliver(self, how: tuple[str, Callable | None], value: Any) -> None:
        self._pending -= 1
        self.busy_changed.emit(self._pending)
        kind, callback = how
        if kind == "failed":
            if callback is not None:
                callback(value)
            else:
                sys.excepthook(type(value), value, value.__traceback__)
        elif callback is not None:
            callback(value)

    def shutdown(self, wait: bool = False) -> None:
        """Stop taking work. Does not wait for a stalled job (a hung printer) unless asked."""
        self._closed = True
        for executor in self._pools.values():
            executor.shutdown(wait=wait, cancel_futures=True)
