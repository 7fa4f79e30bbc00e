"""The audit chain's head anchored on the hub: a rewind on the desk file is caught by `audit verify`,
an honest desk that logged more since its last sync is not. (That the desk role cannot move an
anchor is in test_desk_role.)"""

from __future__ import annotations

import contextlib
import sqlite3

import psycopg
import pytest

from checkin_desk import cli
from checkin_desk.storage import audit
from checkin_desk.sync import audit_anchor, credentials
from sync.conftest import admin_query

pytestmark = pytest.mark.hub


@pytest.fixture
def audited(hub_dsn, make_desk):
    """A desk connected to the hub (as `hub connect` leaves it) with three audit entries, synced."""
    rig = make_desk("desk-1", hub_dsn)
    credentials.store_hub(rig.store, hub_dsn)
    rig.sync()  # the attendees
    rig.desk.reprint("SCE-1", reason="jammed", allowed_by="youssef")
    rig.desk.reprint("SCE-2", reason="misprint", allowed_by="youssef")
    rig.desk.edit_attendee("SCE-3", {"company": "Lydec"}, supervisor="youssef")
    rig.sync()
    return rig


def verify(rig, capsys) -> tuple[int, str, str]:
    status = cli.main(["--db", str(rig.path), "--desk", rig.name, "audit", "verify"])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def rewind_newest_entry(path) -> None:
    """What someone with the file can do without hashing anything: drop the newest entry, then point
    the recorded head at the one before."""
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
        conn.execute(
            "UPDATE settings SET value = (SELECT json_object('id', id, 'hash', hash) FROM audit_log "
            "ORDER BY id DESC LIMIT 1) WHERE key = 'audit_head'"
        )


def test_a_sync_anchors_the_head_once_per_change(audited, hub_admin_dsn):
    assert audit.head(audited.store.conn) == (3, last_hash := audit.hashes(audited.store.conn)[-1])
    anchors = "SELECT desk, entries, last_hash FROM audit_anchors ORDER BY id"
    assert admin_query(hub_admin_dsn, anchors) == [("desk-1", 3, last_hash)]
    audited.sync()
    assert admin_query(hub_admin_dsn, anchors) == [("desk-1", 3, last_hash)]
    audited.desk.reprint("SCE-1", reason="rain", allowed_by="youssef")
    audited.sync()
    assert [row[1] for row in admin_query(hub_admin_dsn, anchors)] == [3, 4]


def test_the_two_statement_rewind_is_caught_with_a_hub(audited, capsys):
    rewind_newest_entry(audited.path)
    assert audit.verify(audited.store.conn) == []  # the chain and its head record alone are fooled
    status, out, err = verify(audited, capsys)
    assert status == 1
    assert out == ""
    assert "audit log damaged: 1 problems in 2 entries" in err
    assert "compared with the hub" in err and "records 3 entries" in err
    assert "entry 3: the hub recorded 3 entries on " in err
    assert "this log has 2: entries 3..3 were removed and the log rewound" in err


def test_a_rewind_written_over_by_new_entries_is_caught(audited, capsys):
    rewind_newest_entry(audited.path)
    audited.desk.reprint("SCE-2", reason="a new third entry", allowed_by="youssef")
    status, _, err = verify(audited, capsys)
    assert status == 1
    assert "entry 3: not the entry the hub recorded on " in err
    assert "the log was rewound and rewritten from here" in err


def test_a_desk_that_logged_more_since_its_last_sync_is_intact(audited, capsys):
    audited.desk.reprint("SCE-1", reason="offline since", allowed_by="youssef")
    audited.desk.reprint("SCE-2", reason="still offline", allowed_by="youssef")
    status, out, err = verify(audited, capsys)
    assert (status, err) == (0, "")
    assert out.startswith("audit log intact: 5 entries; compared with the hub ")
    assert "its newest anchor for this desk records 3 entries" in out


def test_every_anchor_is_compared_not_only_the_last_one_added(audited, hub_dsn, capsys):
    """A forged anchor of the rewound chain, added with the desk's own credential, hides nothing."""
    rewind_newest_entry(audited.path)
    uid = audited.store.get_setting("sync_desk_uid")
    with psycopg.connect(hub_dsn, autocommit=True) as conn:
        assert audit_anchor.record(conn, uid, "desk-1", audit.head(audited.store.conn))
    status, _, err = verify(audited, capsys)
    assert status == 1
    assert "entries 3..3 were removed and the log rewound" in err and "(2 anchors compared)" in err


def test_without_a_hub_it_says_only_the_local_chain_was_checked(desk, capsys):
    desk.reprint("SCE-1", reason="jammed", allowed_by="youssef")
    assert cli.main(["--db", str(desk.store.path), "audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert out == (
        "audit log intact: 1 entries; no hub is configured: only this desk's own chain was checked, "
        "which whoever can edit the event file can rewind\n"
    )


def test_a_hub_that_does_not_answer_leaves_the_log_not_verified(audited, capsys):
    credentials.store_hub(audited.store, "host=127.0.0.1 port=1 dbname=hub user=desk")
    status, out, err = verify(audited, capsys)
    assert (status, out) == (1, "")
    assert err.startswith("audit log not verified: 3 entries; ")
    assert "only the local chain was checked, not the hub's anchors" in err
