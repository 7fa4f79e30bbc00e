"""The desk's link to its hub, owned by the window: online-first decisions and the sync loop.

When the event database names a hub (store setting `hub_dsn`), `HubLink.start()` attaches a
`sync.HubDecider` to the desk (scans are decided on the hub within their deadline, else locally)
and runs `sync.SyncLoop.run_forever` in a thread of its own, with its own `Store` (its own SQLite
connection). Both report from their threads; their callbacks only emit Qt signals, which Qt
delivers on the GUI thread. `stop()` ends the thread cleanly (the window calls it on close).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import HUB_DSN_SETTING, Store

if TYPE_CHECKING:
    from checkin_desk.sync import HubDecider, SyncLoop, SyncState

log = logging.getLogger(__name__)


class HubLink(QObject):
    state_changed = Signal()  # online / pending / message changed: the status bar re-reads them
    hub_state = Signal(bool, str)  # from the decider's thread (queued to the GUI thread)
    sync_state = Signal(object)  # SyncState, from the sync thread (queued to the GUI thread)

    def __init__(self, desk: Desk, parent: QObject | None = None):
        super().__init__(parent)
        self.desk = desk
        self.dsn = ""
        self.online: bool | None = None
        self.message = ""
        self.pending = 0
        self.decider: HubDecider | None = None
        self.loop: SyncLoop | None = None
        self._store: Store | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.hub_state.connect(self._on_hub_state)
        self.sync_state.connect(self._on_sync_state)

    @property
    def connected(self) -> bool:
        return bool(self.dsn)

    @property
    def where(self) -> str:
        if not self.dsn:
            return ""
        from checkin_desk.sync import describe

        return describe(self.dsn)

    def start(self) -> None:
        if not self.desk.store.get_setting(HUB_DSN_SETTING) or self._thread is not None:
            return
        # Only a desk with a hub pays for importing the hub client (psycopg): start-up stays fast.
        from checkin_desk.sync import HubDecider, HubError, SyncLoop, credentials

        try:
            credentials.refuse_if_purged(self.desk.store)
            dsn = credentials.hub_dsn(self.desk.store) or ""  # a password still in the file moves out
            self.decider = HubDecider(
                dsn, self.desk.desk_name, on_state=self.hub_state.emit, event_id=self._event_id()
            )
            self._store = Store.open(self.desk.store.path)
            self.loop = SyncLoop(
                self._store, self.desk.desk_name, dsn, on_state=self.sync_state.emit, clock=self.desk.clock
            )
        except HubError as exc:  # an unreadable address: say so, stay local
            self.stop()
            self.online, self.message = False, str(exc)
            self.state_changed.emit()
            return
        self.dsn = dsn
        self.desk.online = self.decider
        self._stop.clear()
        self._thread = threading.Thread(
            target=self.loop.run_forever, args=(self._stop,), name="hub-sync", daemon=True
        )
        self._thread.start()
        self.state_changed.emit()

    def _event_id(self) -> str | None:
        return self.desk.store.get_setting("event_id")  # sync.identity.EVENT_ID_SETTING

    def wake(self) -> None:
        """Push now (a scan was just recorded) rather than at the next interval."""
        if self.loop is not None:
            self.loop.wake()

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop the sync thread and the decider; True when the thread ended."""
        ended = True
        if self._thread is not None:
            self._stop.set()
            self.loop.wake()
            self._thread.join(timeout)
            ended = not self._thread.is_alive()
            if not ended:
                log.warning("the sync thread did not stop within %.0f s", timeout)
            self._thread = None
        if self.desk.online is self.decider:
            self.desk.online = None
        if self.decider is not None:
            self.decider.close()
            self.decider = None
        if self._store is not None and ended:
            self._store.close()
        self._store = self.loop = None
        self.dsn, self.online, self.message = "", None, ""
        self.state_changed.emit()
        return ended

    def restart(self) -> None:
        """After the hub setting changed (settings dialog)."""
        self.stop()
        self.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- on the GUI thread ---------------------------------------------------------------------------

    def _on_hub_state(self, online: bool, message: str) -> None:
        if not self.dsn:
            return
        self.online, self.message = online, "" if online else message
        self.state_changed.emit()

    def _on_sync_state(self, state: SyncState) -> None:
        if not self.dsn:
            return
        self.online, self.message, self.pending = state.online, state.message, state.pending
        if self.decider is not None:
            self.decider.event_id = self._event_id()  # joined the hub's event at its first sync
        if state.settings_changed:
            self.desk.reload_settings()  # event days, policy... pulled from the hub
        self.state_changed.emit()
