"""The pull horizon: a desk pulls every committed row exactly once, whatever else runs on the server.

Transaction ids are shared by every database of a PostgreSQL server. A transaction running in
another database (another application, another event's hub, a test run next door) must not stop
desks from pulling; one running in the hub's own database must (it may still write rows that sort
before the cursor), and its rows arrive once it commits.
"""

from __future__ import annotations

import psycopg
import pytest

from checkin_desk.domain.models import Attendee
from checkin_desk.sync import hub as hubsql
from sync.conftest import ADMIN_DSN

pytestmark = pytest.mark.hub


def test_a_transaction_in_another_database_does_not_hold_back_pulls(hub_dsn, hub_admin_dsn, make_desk):
    d3, d7 = make_desk("desk-3", hub_dsn), make_desk("desk-7", hub_dsn)
    with psycopg.connect(ADMIN_DSN) as elsewhere:  # not autocommit: the transaction stays open
        elsewhere.execute("SELECT pg_current_xact_id()")  # it has a transaction id, in another database
        first = d7.sync()
        assert first.pulled_attendees > 0  # the hub's list, imported before that transaction began
        walk_in = d3.desk.register_walk_in(first_name="Yasmine", last_name="Alaoui")
        d3.sync()
        d7.sync()
        assert d7.store.lookup(walk_in.code) is not None
        assert d7.store.conn.execute("SELECT count(*) FROM scans WHERE origin = 'hub'").fetchone()[0] == 1
        elsewhere.rollback()


def test_a_slow_writer_in_the_hub_database_holds_the_cursor_until_it_commits(
    hub_dsn, hub_admin_dsn, make_desk
):
    desk = make_desk("desk-1", hub_dsn)
    desk.sync()
    with psycopg.connect(hub_admin_dsn) as slow, psycopg.connect(hub_admin_dsn, autocommit=True) as fast:
        hubsql.import_attendees(slow, [Attendee("SLOW-1", "Slow", "Writer")])  # its own transaction...
        slow.execute("BEGIN")
        slow.execute("INSERT INTO attendees (code, last_name) VALUES ('SLOW-2', 'Slow')")  # ...still open
        hubsql.import_attendees(fast, [Attendee("FAST-1", "Fast", "Writer")])  # committed, newer txid
        held = desk.sync()
        assert desk.store.lookup("SLOW-1") is not None  # older than the slow writer: pulled
        # FAST-1 sorts after the open transaction: pulling it now would move the cursor past SLOW-2.
        assert desk.store.lookup("FAST-1") is None and held.pulled_attendees == 1
        slow.execute("COMMIT")
    after = desk.sync()
    assert after.pulled_attendees == 2
    assert desk.store.lookup("SLOW-2") is not None and desk.store.lookup("FAST-1") is not None
