"""The sync loop: push the desk's outbox, then pull what changed on the hub. No Qt here.

Push first, so the hub hears about this desk's check-ins before the desk hears about anyone else's.
A batch leaves the outbox only after the hub committed it; pushing a batch twice is harmless (scans
are keyed by uuid, the rest by desk uid + outbox id).

Pulls go by pages, each applied in one local transaction together with the cursor it reached, so
an interrupted first sync of 100,000 attendees resumes at the page where it stopped.

Last, the audit chain's head is anchored on the hub, where this desk cannot take it back
(`audit_anchor`).

Give the loop its own `Store` (its own SQLite connection) when it runs beside a desk in a thread.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

import psycopg

from checkin_desk import __version__
from checkin_desk.storage import audit, faults, recording
from checkin_desk.storage.faults import LOCAL_STORE_MARK
from checkin_desk.storage.store import HUB_DSN_SETTING, Store, StoreError
from checkin_desk.sync import audit_anchor, connection, credentials, hub, identity
from checkin_desk.trust import keys, signing
from checkin_desk.trust.personal_data import PURGED_SETTING
from checkin_desk.util.clock import iso, utc_now, utc_now_iso

log = logging.getLogger(__name__)

DESK_UID_SETTING = "sync_desk_uid"
HUB_ID_SETTING = identity.HUB_ID_SETTING
CURSOR_SETTING = "sync_cursor_{}"
CLOCK_SKEW_WARNING_S = 120.0
PULLS = ("settings", "revocations", "attendees", "scans")  # in this order, each with its own cursor


@dataclass(frozen=True)
class SyncState:
    """What the window's status bar shows. `online` is None before the first attempt."""

    online: bool | None
    pending: int = 0  # outbox rows not yet on the hub
    message: str = ""  # why offline, or a warning (clock skew); '' when all is well
    last_sync_at: str | None = None
    pushed: int = 0  # in the last run
    pulled: int = 0  # in the last run
    conflicts: int = 0  # found by the hub in this desk's pushes, last run
    settings_changed: bool = False  # event settings came from the hub: the desk should reload them


@dataclass
class SyncReport:
    pushed: int = 0
    pulled_attendees: int = 0
    pulled_scans: int = 0
    pulled_settings: int = 0
    pulled_revocations: int = 0
    conflicts: int = 0
    clock_skew_s: float = 0.0
    pages: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def pulled(self) -> int:
        return self.pulled_attendees + self.pulled_scans + self.pulled_settings + self.pulled_revocations


class SyncLoop:
    def __init__(
        self,
        store: Store,
        desk_name: str,
        dsn: str | None = None,
        *,
        on_state: Callable[[SyncState], None] | None = None,
        interval: float = 2.0,
        page_size: int = 5000,
        push_batch: int = 500,
        connect_timeout: float = 5.0,
        on_page: Callable[[str, int], None] | None = None,
        clock: Callable[[], datetime] = utc_now,
    ):
        self.store = store
        self.desk_name = desk_name
        # Given no address, the loop follows the event database's: disconnecting it (or a purge)
        # stops the loop at its next round.
        self._follows_store = dsn is None
        credentials.refuse_if_purged(store)
        dsn = dsn or credentials.hub_dsn(store)
        if not dsn:
            raise connection.HubError(
                "this desk has no hub (connect one with `checkin-desk hub connect DSN`)"
            )
        connection.parse(dsn)
        self.dsn = dsn
        self.on_state = on_state
        self.on_page = on_page
        self.clock = clock  # the desk's clock, only to tell the hub how far off it is
        self.interval = interval
        self.page_size = page_size
        self.push_batch = push_batch
        self.connect_timeout = connect_timeout
        self.state = SyncState(online=None, pending=self.pending())
        self._conn: psycopg.Connection | None = None
        self._last_conn: psycopg.Connection | None = None
        self._wake = threading.Event()
        self._anchored: tuple[int, str] | None = None  # the audit head this connection's hub already holds

    # -- public ------------------------------------------------------------------------------------

    def run_once(self) -> SyncReport:
        """Push, then pull until caught up. Raises HubError (after reporting the state) when offline."""
        report = SyncReport()
        try:
            self._check_still_connected()
            self._move_waiting_scans()
            conn = self._connection()
            reused = conn is self._last_conn
            self._last_conn = conn
            try:
                self._push(conn, report)
            except psycopg.OperationalError:
                if not reused:
                    raise
                # The connection kept from the last round died meanwhile (hub restarted, Wi-Fi
                # dropped): once more on a fresh one. Everything below is safe to repeat.
                self.close()
                conn = self._last_conn = self._connection()
                self._push(conn, report)
            self._pull(conn, report)
            self._anchor_audit(conn)
            report.clock_skew_s = hub.touch_desk(
                conn,
                self.desk_name,
                self._desk_uid(),
                iso(self.clock()),
                pushed=report.pushed,
                pending=self.pending(),
                version=__version__,
            )
        except connection.HubError as exc:
            self._offline(str(exc))
            raise
        except (StoreError, sqlite3.OperationalError) as exc:
            # This desk's own file cannot be written (a full disk, read-only): the hub is not the
            # trouble, so the desk must not say it is offline; the round is tried again later.
            message = f"{LOCAL_STORE_MARK}: {faults.user_message(exc, self.store.path)}"
            reached = self._conn is not None and not self._conn.closed
            self._emit(
                SyncState(
                    online=True if reached else None,
                    pending=self.pending_or_none(),
                    message=message,
                    last_sync_at=self.state.last_sync_at,
                )
            )
            raise connection.HubError(message) from None
        except psycopg.Error as exc:
            message = connection.explain(exc, self.dsn)
            self._offline(message)
            raise connection.HubError(message) from None
        message = ""
        if abs(report.clock_skew_s) > CLOCK_SKEW_WARNING_S:
            message = (
                f"this desk's clock is {duration_text(report.clock_skew_s)} "
                f"{'ahead of' if report.clock_skew_s > 0 else 'behind'} the hub's; "
                "the hub orders scans by its own time"
            )
        self._emit(
            SyncState(
                online=True,
                pending=self.pending(),
                message=message,
                last_sync_at=utc_now_iso(),
                pushed=report.pushed,
                pulled=report.pulled,
                conflicts=report.conflicts,
                settings_changed=report.pulled_settings > 0,
            )
        )
        return report

    def run_forever(self, stop: threading.Event) -> None:
        """Sync every `interval` seconds until `stop` is set; back off while the hub is unreachable."""
        failures = 0
        while not stop.is_set():
            try:
                self.run_once()
                failures = 0
            except connection.HubError:
                failures += 1
            except Exception:
                # A bug: keep the desk working offline, but say so loudly in the log.
                log.exception("sync failed")
                failures += 1
                self._offline("sync failed unexpectedly (see the log)")
            delay = self.interval if failures == 0 else min(self.interval * 2 ** min(failures, 4), 30.0)
            self._wake.wait(delay)
            self._wake.clear()
        self.close()

    def wake(self) -> None:
        """Sync now (e.g. right after a scan was queued) instead of at the next interval."""
        self._wake.set()

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(psycopg.Error):
                conn.close()

    def pending(self) -> int:
        return self.store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0]

    def pending_or_none(self) -> int:
        """`pending()`, or the last count when the database cannot be read now."""
        try:
            return self.pending()
        except sqlite3.Error:
            return self.state.pending

    # -- connection --------------------------------------------------------------------------------

    def _check_still_connected(self) -> None:
        if self.store.get_setting(PURGED_SETTING):
            raise connection.HubError(
                "this event's attendee data was purged on this desk: it no longer syncs with a hub"
            )
        if self._follows_store and not self.store.get_setting(HUB_DSN_SETTING):
            raise connection.HubError("this desk was disconnected from its hub")

    def _move_waiting_scans(self) -> None:
        """Scans recorded beside a busy database join the outbox first, so this round pushes them."""
        try:
            recording.drain(self.store)
        except StoreError as exc:
            log.warning("waiting scans not moved yet: %s", exc)

    def _connection(self) -> psycopg.Connection:
        if self._conn is not None and not self._conn.closed and not self._conn.broken:
            return self._conn
        self.close()
        conn = connection.connect(
            self.dsn,
            connect_timeout=self.connect_timeout,
            application_name=f"checkin-desk sync {self.desk_name}",
            statement_timeout_ms=60_000,
        )
        try:
            # The hub must hold this desk's event (joined now if this database never joined one).
            event = identity.hub_event(conn)
            identity.bind(self.store, event, where=connection.describe(self.dsn))
        except BaseException:
            conn.close()
            raise
        hub_id = event.hub_id
        if self.store.get_setting(HUB_ID_SETTING) != hub_id:
            # Another hub than last time: start its pulls from the beginning.
            with self.store.transaction():
                for name in PULLS:
                    self.store.delete_setting(CURSOR_SETTING.format(name))
                self.store.set_setting(HUB_ID_SETTING, hub_id)
        self._conn = conn
        self._anchored = None
        return conn

    def _desk_uid(self) -> str:
        uid = self.store.get_setting(DESK_UID_SETTING)
        if not uid:
            uid = str(uuid.uuid4())
            self.store.set_setting(DESK_UID_SETTING, uid)
        return uid

    # -- push --------------------------------------------------------------------------------------

    def _push(self, conn: psycopg.Connection, report: SyncReport) -> None:
        uid = f"{self._desk_uid()}:{self.desk_name}"
        hub_policy = None
        while True:
            rows = self.store.conn.execute(
                "SELECT id, kind, ref, payload FROM outbox ORDER BY id LIMIT ?", (self.push_batch,)
            ).fetchall()
            if not rows:
                return
            if hub_policy is None:
                hub_policy = hub.policy(conn)
            items = [(oid, kind, ref, json.loads(payload)) for oid, kind, ref, payload in rows]
            with conn.transaction():
                result = hub.receive(conn, self.desk_name, uid, items, hub_policy)
            # Only now that the hub has committed may the desk forget them.
            with self.store.transaction() as local:
                local.execute("DELETE FROM outbox WHERE id BETWEEN ? AND ?", (rows[0][0], rows[-1][0]))
            report.pushed += len(rows)
            report.conflicts += result.conflicts
            if self.on_page:
                self.on_page("push", report.pushed)

    def _anchor_audit(self, conn: psycopg.Connection) -> None:
        """The audit chain's head onto the hub, where this desk cannot take it back (audit_anchor)."""
        head = audit.head(self.store.conn)
        if head is None or head == self._anchored:
            return
        audit_anchor.record(conn, self._desk_uid(), self.desk_name, head)
        self._anchored = head

    # -- pull --------------------------------------------------------------------------------------

    def _cursor(self, name: str) -> hub.Cursor:
        value = self.store.get_setting(CURSOR_SETTING.format(name))
        return (str(value[0]), int(value[1])) if value else hub.START

    def _save_cursor(self, name: str, cursor: hub.Cursor) -> None:
        self.store.set_setting(CURSOR_SETTING.format(name), list(cursor))

    def _pull(self, conn: psycopg.Connection, report: SyncReport) -> None:
        # Settings first (event days, policy, timezone, the event's public key), then revocations
        # (so no page of attendees or scans is ever applied before the codes it refuses), then
        # attendees, then scans.
        for count in self._pages(
            "settings", lambda cursor: hub.pull_settings(conn, cursor), self._apply_settings
        ):
            report.pulled_settings += count
        pull_revocations = partial(hub.pull_revocations, conn, limit=self.page_size)
        for count in self._pages("revocations", pull_revocations, self._apply_revocations):
            report.pulled_revocations += count
        pull_attendees = partial(hub.pull_attendee_rows, conn, limit=self.page_size)
        for count in self._pages("attendees", pull_attendees, self._apply_attendees):
            report.pulled_attendees += count
            report.pages += 1
            if self.on_page:
                self.on_page("attendees", report.pulled_attendees)
        pull_scans = partial(hub.pull_scans, conn, limit=self.page_size)
        for count in self._pages("scans", pull_scans, _apply_scans):
            report.pulled_scans += count
            report.pages += 1
            if self.on_page:
                self.on_page("scans", report.pulled_scans)

    def _pages(
        self,
        name: str,
        fetch: Callable[[hub.Cursor], tuple[list, hub.Cursor]],
        apply: Callable[[sqlite3.Connection, list], None],
    ) -> Iterator[int]:
        """Pull one kind of row page by page from where this desk stopped; yields each page's size.

        A page's rows and the cursor after it are written in one local transaction: a desk that
        stops half-way resumes at the first page it did not keep.
        """
        cursor = self._cursor(name)
        while True:
            rows, new_cursor = fetch(cursor)
            if not rows:
                return
            with self.store.transaction() as local:
                apply(local, rows)
                self._save_cursor(name, new_cursor)
            cursor = new_cursor
            yield len(rows)

    def _apply_settings(self, local: sqlite3.Connection, rows: list) -> None:
        for key, value in rows:
            if key in hub.LOCAL_ONLY_SETTINGS or key.startswith(hub.LOCAL_ONLY_PREFIXES):
                continue
            if key == signing.PUBLIC_KEY_SETTING and not _usable_public_key(self.store, value):
                continue
            self.store.set_setting(key, value)

    def _apply_revocations(self, local: sqlite3.Connection, revocations: list) -> None:
        signing.merge_revocations(self.store, revocations)  # joins the page's transaction

    def _apply_attendees(self, local: sqlite3.Connection, rows: list) -> None:
        # An edit made here and not pushed yet is newer than the hub's copy: keep it.
        waiting = {r[0] for r in local.execute("SELECT ref FROM outbox WHERE kind = 'attendee'")}
        self.store.upsert_rows((r for r in rows if r[0] not in waiting) if waiting else rows, origin="hub")

    # -- state -------------------------------------------------------------------------------------

    def _offline(self, message: str) -> None:
        self.close()
        self._emit(
            SyncState(
                online=False, pending=self.pending(), message=message, last_sync_at=self.state.last_sync_at
            )
        )

    def _emit(self, state: SyncState) -> None:
        self.state = state
        if self.on_state is not None:
            try:
                self.on_state(state)
            except Exception:
                log.exception("sync state callback failed")


_PULLED_COLS = (*hub.PULLED_SCAN_FIELDS, "origin")
_SUPERSEDED = ("attendee_code", "status", "admitted", "reentry", "badge", "offline", "override_reason")
_INSERT_PULLED = (
    f"INSERT INTO scans ({', '.join(_PULLED_COLS)}) VALUES ({', '.join('?' * len(_PULLED_COLS))}) "
    "ON CONFLICT (uuid) DO UPDATE SET hub_at = excluded.hub_at, day = excluded.day, "
    "cancelled_at = coalesce(scans.cancelled_at, excluded.cancelled_at), "
    "cancel_reason = coalesce(scans.cancel_reason, excluded.cancel_reason), "
    + ", ".join(
        # Another desk's scan seen again: the hub's record may have been superseded by that desk's
        # own (offline) one since it was first pulled; reports count what the hub now says.
        f"{c} = CASE WHEN scans.origin = 'hub' THEN excluded.{c} ELSE scans.{c} END"
        for c in _SUPERSEDED
    )
)


def _apply_scans(local, scans: list[dict[str, Any]]) -> None:
    """Other desks' scans arrive as new rows; this desk's own come back with the hub's receive time."""
    local.executemany(_INSERT_PULLED, [(*(s[c] for c in hub.PULLED_SCAN_FIELDS), "hub") for s in scans])


def _usable_public_key(store: Store, value: Any) -> bool:
    """The event's public key from the hub: taken when it is a key; a different one replaces this
    desk's (the hub speaks for the event) with a warning, since badges signed with the old one stop
    passing here."""
    try:
        keys.load_public(str(value))
    except keys.KeyFileError as exc:
        log.warning("the hub's event key is not usable (%s); this desk keeps its own", exc)
        return False
    current = signing.public_key(store)
    if current and current != str(value).strip():
        log.warning(
            "the hub replaces this desk's event key %s with %s",
            keys.fingerprint(current),
            keys.fingerprint(str(value)),
        )
    return True


def duration_text(seconds: float) -> str:
    """How long, for people: '42 s', '7 min', '3.5 h' (the sign is dropped)."""
    seconds = abs(seconds)
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"
