"""Hub tests run against a real PostgreSQL: a fresh database (and desk role) per test, dropped after.

Where no PostgreSQL answers they skip with the reason, except under CI=true where they fail.
Set CHECKIN_DESK_TEST_PG to an administrator DSN to use another server than the local one.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import threading
from datetime import UTC, datetime

import psycopg
import pytest
from psycopg import conninfo, sql

from checkin_desk.domain.models import Attendee
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import Store
from checkin_desk.sync import HubDecider, SyncLoop, connection, hub_schema, identity
from checkin_desk.sync import hub as hubsql
from tests.conftest import EVENT, PEOPLE, FakeClock

# The hub decides which day it is by its own clock (clock_timestamp() on the server), so hub tests
# do not run at the server's wall time: every test hub's clock is set to HUB_NOW (and ticks from
# there), and the desks' clocks start at the same instant. A test never depends on the hour it runs.
HUB_EVENT = EVENT
HUB_NOW = datetime(2027, 4, 19, 9, 0, tzinfo=UTC)  # 10:00 in Casablanca on the second day
ADMIN_DSN = os.environ.get("CHECKIN_DESK_TEST_PG", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")


def _admin() -> psycopg.Connection:
    try:
        return psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        reason = f"no PostgreSQL for hub tests at {ADMIN_DSN!r}: {str(exc).splitlines()[0]}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " (CI=true: hub tests must run)")
        pytest.skip(reason)


class HubClock:
    """The test hub's clock: clock_timestamp() in the test database is `hubclock.clock_timestamp()`,
    the server's clock moved by an offset, found before pg_catalog's by the database's search_path.

    The hub's own SQL (decisions, defaults, skew) runs unchanged; only the instant it reads moves.
    """

    def __init__(self, dsn: str):
        self.dsn = dsn
        self.set(HUB_NOW)

    def set(self, moment: datetime) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            offset = moment - conn.execute("SELECT pg_catalog.clock_timestamp()").fetchone()[0]
            conn.execute(
                sql.SQL(
                    "CREATE OR REPLACE FUNCTION hubclock.clock_timestamp() RETURNS timestamptz "
                    "LANGUAGE sql VOLATILE AS $$ SELECT pg_catalog.clock_timestamp() + {} $$"
                ).format(sql.Literal(offset))
            )

    def now(self) -> datetime:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            return conn.execute("SELECT clock_timestamp()").fetchone()[0]


def _install_hub_clock(admin: psycopg.Connection, name: str, dsn: str) -> HubClock:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA hubclock")
        conn.execute("GRANT USAGE ON SCHEMA hubclock TO PUBLIC")
    # pg_catalog listed last: an unqualified clock_timestamp() now finds hubclock's first, in every
    # new session of this database (the desks' role too) and in column defaults created after this.
    admin.execute(
        sql.SQL("ALTER DATABASE {} SET search_path = public, hubclock, pg_catalog").format(
            sql.Identifier(name)
        )
    )
    return HubClock(dsn)


@pytest.fixture
def hub_admin_dsn(request):
    """A new, empty database on the test server, its clock set to HUB_NOW; yields an administrator DSN."""
    admin = _admin()
    name = f"checkin_test_{secrets.token_hex(6)}"
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        dsn = conninfo.make_conninfo(ADMIN_DSN, dbname=name)
        request.node.hub_clock = _install_hub_clock(admin, name, dsn)
        yield dsn
    finally:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()


@pytest.fixture
def hub_dsn(hub_admin_dsn):
    """A hub (schema, event settings, the PEOPLE list) and a DSN for a desk role with only desk grants."""
    role = f"desk_{secrets.token_hex(5)}"
    with psycopg.connect(hub_admin_dsn, autocommit=True) as conn:
        hub_schema.migrate(conn)
        hub_schema.ensure_desk_role(conn, role, "desk-secret")
        hubsql.set_settings(
            conn,
            {
                "event_name": HUB_EVENT.name,
                "event_days": list(HUB_EVENT.days),
                "timezone": HUB_EVENT.timezone,
            },
        )
        hubsql.import_attendees(conn, PEOPLE)
    try:
        yield conninfo.make_conninfo(hub_admin_dsn, user=role, password="desk-secret")
    finally:
        admin = _admin()
        dbname = conninfo.conninfo_to_dict(hub_admin_dsn)["dbname"]
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (role,))
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
        admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        admin.close()


# What a desk role could do on a hub made before schema 5 (every release until then granted this).
OLD_DESK_GRANTS: tuple[tuple[str, str], ...] = (
    ("hub_meta", "SELECT"),
    ("hub_settings", "SELECT"),
    ("attendees", "SELECT, INSERT, UPDATE"),
    ("scans", "SELECT, INSERT, UPDATE"),
    ("attendee_changes", "SELECT, INSERT"),
    ("desk_events", "SELECT, INSERT"),
    ("desks", "SELECT, INSERT, UPDATE"),
    ("conflicts", "SELECT, INSERT"),
    ("walk_ins", "SELECT"),
    ("revocations", "SELECT, INSERT, UPDATE"),
)


def as_released(monkeypatch, version: int) -> None:
    """hub_schema as the release that made hub schema `version` (< 5): its migrations, its grants."""
    monkeypatch.setattr(hub_schema, "MIGRATIONS", hub_schema.MIGRATIONS[:version])
    monkeypatch.setattr(hub_schema, "HUB_SCHEMA_VERSION", version)
    grants = OLD_DESK_GRANTS if version >= 2 else tuple(g for g in OLD_DESK_GRANTS if g[0] != "revocations")
    monkeypatch.setattr(hub_schema, "DESK_GRANTS", grants)
    monkeypatch.setattr(hub_schema, "DESK_FUNCTIONS", ())


@pytest.fixture
def other_hub(hub_admin_dsn):
    """The hub of another event on the same server (an administrator's DSN): «Other Expo», other
    days, other attendees."""
    admin = _admin()
    name = f"checkin_test_{secrets.token_hex(6)}"
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dsn = conninfo.make_conninfo(ADMIN_DSN, dbname=name)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            hub_schema.migrate(conn)
            hubsql.set_settings(conn, {"event_name": "Other Expo", "event_days": ["2027-06-01"]})
            hubsql.import_attendees(conn, [Attendee("OTH-1", "Other", "Person")])
        yield dsn
    finally:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()


def admin_query(admin_dsn: str, query: str, params=None) -> list[tuple]:
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        cur = conn.execute(query, params)
        return cur.fetchall() if cur.description else []


def join_hub_event(store: Store, dsn: str) -> str | None:
    """What `checkin-desk hub connect` does to a desk's event database: join the hub's event
    (None when the hub cannot be used: the desk then decides on its own, as a real one would)."""
    try:
        with connection.connect(dsn) as conn:
            event = identity.hub_event(conn)
    except connection.HubError:
        return None
    identity.bind(store, event)
    return event.id


class DeskRig:
    """One desk: its own SQLite file, its Desk (online-first when given a DSN) and its sync loop."""

    def __init__(self, tmp_path, name: str, dsn: str | None, clock: FakeClock | None = None, **loop_kwargs):
        self.path = tmp_path / f"{name}.sqlite"
        self.store = Store.open(self.path, create=True)
        self.store.init_event(HUB_EVENT)
        self.clock = clock or FakeClock(HUB_NOW)
        self.name = name
        self.dsn = dsn
        event_id = join_hub_event(self.store, dsn) if dsn else None
        self.decider = HubDecider(dsn, name, retry_after=0.0, event_id=event_id) if dsn else None
        self.desk = Desk(
            self.store, name, "op", clock=self.clock, monotonic=self.clock.monotonic, online=self.decider
        )
        self.loop = SyncLoop(self.store, name, dsn, clock=self.clock, **loop_kwargs) if dsn else None

    def sync(self):
        return self.loop.run_once()

    def close(self):
        if self.decider:
            self.decider.close()
        if self.loop:
            self.loop.close()
        self.store.close()


@pytest.fixture
def hub_clock(request, hub_admin_dsn) -> HubClock:
    """The test hub's clock, to set it to another wall time."""
    return request.node.hub_clock


@pytest.fixture
def make_desk(tmp_path):
    rigs: list[DeskRig] = []

    def make(name: str, dsn: str | None, **kwargs) -> DeskRig:
        rig = DeskRig(tmp_path, name, dsn, **kwargs)
        rigs.append(rig)
        return rig

    yield make
    for rig in rigs:
        rig.close()


class Proxy:
    """A TCP proxy to PostgreSQL that a test can cut (connections reset, new ones refused),
    black-hole (connections stay open, nothing passes: the hub "hangs") and restore."""

    def __init__(self, target_host: str = "127.0.0.1", target_port: int = 5432):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.mode = "open"  # open | cut | blackhole
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def dsn(self, dsn: str) -> str:
        return conninfo.make_conninfo(dsn, host="127.0.0.1", port=str(self.port))

    def _accept(self):
        while not self._stop:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.mode == "cut":
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._socks += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                while self.mode == "blackhole":
                    threading.Event().wait(0.02)
                if self.mode == "cut":
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()

    def cut(self):
        """The network goes: every open connection is reset, new ones are refused."""
        self.mode = "cut"
        with self._lock:
            socks, self._socks = self._socks, []
        for s in socks:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def blackhole(self):
        self.mode = "blackhole"

    def restore(self):
        self.mode = "open"

    def close(self):
        self._stop = True
        self.cut()
        self.listener.close()


@pytest.fixture
def proxy():
    p = Proxy()
    yield p
    p.close()
