"""Online-first check-in: `HubDecider` is the desk's `OnlineDecider`.

`decide(scan, deadline_s)` asks the hub to decide and record the scan in one transaction that locks
the attendee row. It answers within the deadline or returns None, and the desk then decides
locally, marks the scan offline and queues it. Nothing here ever blocks a scan for longer than the
deadline: the hub work runs on one worker thread, and a stuck connection is cut, not waited for.

A transaction whose answer came too late is rolled back if it has not committed yet; if it did
commit, it is cancelled on the hub at once. The desk records its own decision under a new uuid and,
when `may_have_recorded` says the hub's fate of the old one is unknown (a connection cut mid-commit),
queues that cancellation in its outbox too. `void` cancels a scan the hub decided but the desk could
not record (its disk full), so that the same scan again gets its first entry and badge.

The hub must hold the event this desk joined (`event_id`, see identity): checked at each connection.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import psycopg

from checkin_desk.domain.models import HubAnswer
from checkin_desk.sync import connection, hub, identity
from checkin_desk.util.clock import utc_now_iso

log = logging.getLogger(__name__)


LATE_REASON = "the hub's answer reached the desk too late: the desk decided this scan itself"


class _Job:
    def __init__(self, scan: dict[str, Any], deadline: float):
        self.scan = scan
        self.deadline = deadline  # time.monotonic() after which the answer is useless
        self.future: Future = Future()


class HubDecider:
    """Decides scans on the hub. Thread-safe; one connection, one worker thread.

    `on_state(online: bool, message: str)` is called when the hub becomes reachable or not (from the
    worker thread or the caller's: a GUI must hop to its own thread before touching widgets).
    """

    def __init__(
        self,
        dsn: str,
        desk_name: str = "",
        *,
        connect_timeout: float = 2.0,
        retry_after: float = 2.0,
        policy_ttl: float = 5.0,
        on_state: Callable[[bool, str], None] | None = None,
        event_id: str | None = None,
    ):
        connection.parse(dsn)  # a malformed DSN is a mistake to report now, not an offline desk
        self.dsn = dsn
        self.desk_name = desk_name
        self._event_id = event_id  # the hub event this desk joined; None: not joined yet, decide here
        self.connect_timeout = connect_timeout
        self.retry_after = retry_after
        self.policy_ttl = policy_ttl
        self.on_state = on_state
        self.online: bool | None = None  # None until the first attempt
        self.message = ""
        self._conn: psycopg.Connection | None = None
        self._policy: tuple[float, hub.HubPolicy] | None = None
        self._lock = threading.Lock()
        self._busy = False
        self._next_attempt = 0.0
        self._closed = False
        self._wake = threading.Condition(self._lock)
        self._queue: list[_Job] = []
        # Connect before the first scan: a first connection (TCP, authentication, identity check, policy)
        # can take longer than a scan may wait, and the first visitor would always be decided offline.
        self._warm = event_id is not None
        # Scans sent to the hub whose fate is unknown (answer abandoned, connection cut at commit).
        self._unsure: dict[str, None] = {}
        self._voids: list[tuple[str, str]] = []  # cancellations still to make on the hub
        self._thread = threading.Thread(target=self._work, name="hub-decider", daemon=True)
        self._thread.start()

    # -- the desk's side ---------------------------------------------------------------------------

    def decide(self, scan: dict[str, Any], deadline_s: float) -> HubAnswer | None:
        deadline = time.monotonic() + deadline_s
        with self._lock:
            if self._closed or self._busy:
                # The worker is still stuck on an earlier scan (a cut wire): do not queue behind it.
                return None
            if self._conn is None and time.monotonic() < self._next_attempt:
                return None  # the hub was unreachable a moment ago: do not wait for it on every scan
            job = _Job(scan, deadline)
            self._busy = True
            self._queue.append(job)
            self._unsure[str(scan.get("uuid"))] = None
            while len(self._unsure) > 1000:
                self._unsure.pop(next(iter(self._unsure)))
            self._wake.notify()
        try:
            result = job.future.result(timeout=max(0.0, deadline - time.monotonic()))
            if result is not None:
                self._settled(scan)
            return result
        except FutureTimeout:
            self._abandon(job)
            return None
        except Exception as exc:  # the worker already reported it; this scan goes offline
            log.debug("online decision failed: %s", connection.scrub(str(exc), self.dsn))
            return None

    @property
    def event_id(self) -> str | None:
        return self._event_id

    @event_id.setter
    def event_id(self, value: str | None) -> None:
        """The desk joined the hub's event (its first sync): try the hub again at once."""
        if value != self._event_id:
            self._event_id = value
            self._next_attempt = 0.0
            with self._lock:
                self._warm = value is not None
                self._wake.notify()

    def may_have_recorded(self, scan_uuid: str) -> bool:
        """Whether the hub may hold this scan although `decide` gave no answer for it."""
        with self._lock:
            return scan_uuid in self._unsure

    def void(self, scan_uuid: str, reason: str) -> bool:
        """Cancel on the hub a scan it decided that this desk could not record. Tried now on a
        connection of its own (the worker may be busy); if the hub does not answer, before the next
        decision. Returns True when done now."""
        try:
            with connection.connect(
                self.dsn, connect_timeout=2, application_name=f"checkin-desk void {self.desk_name}"
            ) as conn:
                hub.cancel_scan(conn, scan_uuid, self.desk_name, utc_now_iso(), reason)
            return True
        except (connection.HubError, psycopg.Error) as exc:
            log.warning("scan %s stays to be cancelled on the hub: %s", scan_uuid, exc)
            with self._lock:
                self._voids.append((scan_uuid, reason))
            return False

    def _settled(self, scan: dict[str, Any]) -> None:
        with self._lock:
            self._unsure.pop(str(scan.get("uuid")), None)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._wake.notify()
            conn = self._conn
        if conn is not None and not self._busy:
            conn.close()

    # -- the worker's side -------------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._closed and not self._warm:
                    self._wake.wait()
                if self._closed:
                    if self._conn is not None:
                        self._conn.close()
                    return
                if not self._queue:
                    self._warm = False  # not busy: a scan arriving meanwhile queues behind the connection
                    job = None
                else:
                    job = self._queue.pop(0)
            if job is None:
                self._warm_up()
                continue
            try:
                if not job.future.set_running_or_notify_cancel():
                    continue
                try:
                    job.future.set_result(self._decide(job))
                except Exception as exc:
                    job.future.set_exception(exc)
            finally:
                with self._lock:
                    self._busy = False

    def _decide(self, job: _Job) -> HubAnswer | None:
        committing = False
        try:
            conn = self._connection()
            self._cancel_voids(conn)
            hub_policy = self._hub_policy(conn)
            remaining_ms = int((job.deadline - time.monotonic()) * 1000)
            if remaining_ms <= 0:
                self._settled(job.scan)
                return None
            with conn.transaction() as tx:
                # The server gives up too: a lock held by a stuck desk cannot hold this one.
                conn.execute(f"SET LOCAL lock_timeout = {max(remaining_ms, 1)}")
                conn.execute(f"SET LOCAL statement_timeout = {max(remaining_ms, 1)}")
                decision, hub_at, attendee = hub.decide_online(conn, job.scan, hub_policy)
                if time.monotonic() > job.deadline:
                    # Too late: the desk has decided on its own. Leave no trace on the hub.
                    raise psycopg.Rollback(tx)
                committing = True
            committing = False
            if time.monotonic() > job.deadline:
                # Committed, but the desk stopped waiting meanwhile and decides on its own.
                hub.cancel_scan(conn, job.scan["uuid"], self.desk_name, utc_now_iso(), LATE_REASON)
                self._settled(job.scan)
                return None
            self._set_state(True, "")
            return HubAnswer(decision, hub_at, attendee)
        except (psycopg.errors.LockNotAvailable, psycopg.errors.QueryCanceled):
            self._settled(job.scan)  # rolled back
            return None  # the hub is slow right now, not gone
        except connection.HubError as exc:
            self._settled(job.scan)  # never reached the hub's tables
            self._drop(str(exc))
            raise
        except psycopg.Error as exc:
            if not committing:
                self._settled(job.scan)
            self._drop(connection.explain(exc, self.dsn))
            raise

    def _warm_up(self) -> None:
        """Open the connection and read the policy ahead of the first scan. A failure here changes
        nothing: the scan that follows tries again and reports it."""
        try:
            self._hub_policy(self._connection())
        except Exception as exc:
            log.debug("hub not ready ahead of the first scan: %s", connection.scrub(str(exc), self.dsn))
            conn, self._conn = self._conn, None
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()

    def _cancel_voids(self, conn: psycopg.Connection) -> None:
        with self._lock:
            voids, self._voids = self._voids, []
        for number, (scan_uuid, reason) in enumerate(voids):
            try:
                hub.cancel_scan(conn, scan_uuid, self.desk_name, utc_now_iso(), reason)
            except psycopg.Error:
                with self._lock:
                    self._voids[:0] = voids[number:]
                raise

    def _connection(self) -> psycopg.Connection:
        if self._conn is not None and not self._conn.closed:
            return self._conn
        conn = connection.connect(
            self.dsn,
            connect_timeout=self.connect_timeout,
            application_name=f"checkin-desk online {self.desk_name}",
        )
        try:
            identity.check_decider(conn, self.event_id, connection.describe(self.dsn))
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        self._policy = None
        return self._conn

    def _hub_policy(self, conn: psycopg.Connection) -> hub.HubPolicy:
        now = time.monotonic()
        if self._policy is None or now - self._policy[0] > self.policy_ttl:
            self._policy = (now, hub.policy(conn))
        return self._policy[1]

    def _drop(self, message: str) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()
        self._next_attempt = time.monotonic() + self.retry_after
        self._set_state(False, message)

    def _abandon(self, job: _Job) -> None:
        """The deadline passed. If the worker is stuck waiting on the network, cut its socket."""
        grace = time.monotonic() + 0.05
        while time.monotonic() < grace and not job.future.done():
            time.sleep(0.005)
        if job.future.done():
            return
        conn = self._conn
        if conn is not None:
            try:
                # shutdown() acts on the socket itself, so the worker's blocked read returns at once.
                with socket.socket(fileno=os.dup(conn.pgconn.socket)) as sock:
                    sock.shutdown(socket.SHUT_RDWR)
            except (OSError, psycopg.Error):
                pass
        self._next_attempt = time.monotonic() + self.retry_after
        self._set_state(False, "the hub did not answer in time; deciding on this desk")

    def _set_state(self, online: bool, message: str) -> None:
        changed = online != self.online or message != self.message
        self.online, self.message = online, message
        if changed:
            if not online:
                log.warning("hub offline: %s", message)
            if self.on_state is not None:
                try:
                    self.on_state(online, message)
                except Exception:
                    log.exception("hub state callback failed")
