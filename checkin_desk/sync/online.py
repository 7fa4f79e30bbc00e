"""Online-first check-in: `HubDecider` is the desk's `OnlineDecider`.

`decide(scan, deadline_s)` asks the hub to decide and record the scan in one transaction that locks
the attendee row. It answers within the deadline or returns None, and the desk then decides
locally, marks the scan offline and queues it. Nothing here ever blocks a scan for longer than the
deadline: the hub work runs on one worker thread, and a stuck connection is cut, not waited for.

A transaction whose answer came too late is rolled back if it has not committed yet; if it did
commit, the desk's own (offline) record replaces the hub's when it is pushed (see hub.receive).
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
from typing import Any, NamedTuple

import psycopg

from checkin_desk.domain.models import Attendee, Decision
from checkin_desk.sync import connection, hub

log = logging.getLogger(__name__)


class OnlineResult(NamedTuple):
    decision: Decision
    hub_at: str
    attendee: Attendee | None  # the hub's copy: the desk refreshes its own with it


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
    ):
        connection.parse(dsn)  # a malformed DSN is a mistake to report now, not an offline desk
        self.dsn = dsn
        self.desk_name = desk_name
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
        self._thread = threading.Thread(target=self._work, name="hub-decider", daemon=True)
        self._thread.start()

    # -- the desk's side ---------------------------------------------------------------------------

    def decide(self, scan: dict[str, Any], deadline_s: float) -> OnlineResult | None:
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
            self._wake.notify()
        try:
            return job.future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            self._abandon(job)
            return None
        except Exception as exc:  # the worker already reported it; this scan goes offline
            log.debug("online decision failed: %s", connection.scrub(str(exc), self.dsn))
            return None

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
                while not self._queue and not self._closed:
                    self._wake.wait()
                if self._closed:
                    if self._conn is not None:
                        self._conn.close()
                    return
                job = self._queue.pop(0)
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

    def _decide(self, job: _Job) -> OnlineResult | None:
        try:
            conn = self._connection()
            hub_policy = self._hub_policy(conn)
            remaining_ms = int((job.deadline - time.monotonic()) * 1000)
            if remaining_ms <= 0:
                return None
            with conn.transaction() as tx:
                # The server gives up too: a lock held by a stuck desk cannot hold this one.
                conn.execute(f"SET LOCAL lock_timeout = {max(remaining_ms, 1)}")
                conn.execute(f"SET LOCAL statement_timeout = {max(remaining_ms, 1)}")
                decision, hub_at, attendee = hub.decide_online(conn, job.scan, hub_policy)
                if time.monotonic() > job.deadline:
                    # Too late: the desk has decided on its own. Leave no trace on the hub.
                    raise psycopg.Rollback(tx)
            if time.monotonic() > job.deadline:
                return None
            self._set_state(True, "")
            return OnlineResult(decision, hub_at, attendee)
        except (psycopg.errors.LockNotAvailable, psycopg.errors.QueryCanceled):
            return None  # the hub is slow right now, not gone
        except connection.HubError as exc:
            self._drop(str(exc))
            raise
        except psycopg.Error as exc:
            self._drop(connection.explain(exc, self.dsn))
            raise

    def _connection(self) -> psycopg.Connection:
        if self._conn is not None and not self._conn.closed:
            return self._conn
        self._conn = connection.connect(
            self.dsn,
            connect_timeout=self.connect_timeout,
            application_name=f"checkin-desk online {self.desk_name}",
        )
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
