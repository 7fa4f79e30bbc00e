"""What a stolen desk laptop can do to the hub: add records, never rewrite or delete them. Tests
connect as the desk role itself (a superuser would pass every check), and the desk's password is
kept out of the event database."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import psycopg
import pytest

from checkin_desk import cli
from checkin_desk.storage.store import HUB_DSN_SETTING, Store
from checkin_desk.sync import credentials, hub_schema
from sync.conftest import admin_query, as_released

pytestmark = pytest.mark.hub

FORBIDDEN = (
    # history: scans, their cancellations, conflicts, what desks sent
    "UPDATE scans SET status = 'ok', admitted = true",
    "UPDATE scans SET cancelled_at = now()",
    "DELETE FROM scans",
    "TRUNCATE scans CASCADE",
    "INSERT INTO scans (uuid, code, at, day, desk, kind, status, admitted, offline, hub_at) "
    "VALUES (gen_random_uuid(), 'SCE-1', now(), '2027-04-19', 'x', 'entry', 'ok', true, false, '2000-01-01')",
    "INSERT INTO scans (uuid, code, at, day, desk, kind, status, admitted, offline, cancelled_at) "
    "VALUES (gen_random_uuid(), 'SCE-1', now(), '2027-04-19', 'x', 'entry', 'ok', true, false, now())",
    "UPDATE scan_cancels SET reason = ''",
    "DELETE FROM scan_cancels",
    "INSERT INTO scan_cancels (scan_uuid, desk, cancelled_at) VALUES (gen_random_uuid(), 'x', now())",
    "UPDATE conflicts SET reason = ''",
    "DELETE FROM conflicts",
    "UPDATE desk_events SET payload = '{}'",
    "DELETE FROM desk_events",
    "UPDATE audit_anchors SET entries = 1",
    "DELETE FROM audit_anchors",
    "UPDATE attendee_changes SET payload = '{}'",
    "DELETE FROM attendee_changes",
    "INSERT INTO attendee_changes (change_key, code, kind, desk, payload) VALUES ('k', 'SCE-1', 'edit', 'x', '{}')",
    # the attendee list, revocations, settings, desks
    "UPDATE attendees SET status = 'valid'",
    "DELETE FROM attendees",
    "INSERT INTO attendees (code) VALUES ('FAKE-1')",
    "SELECT code FROM attendees FOR UPDATE",
    "UPDATE revocations SET below_issue = 0",
    "DELETE FROM revocations",
    "INSERT INTO revocations (code, below_issue) VALUES ('SCE-9', 0)",
    "UPDATE hub_settings SET value = '\"other\"' WHERE key = 'event_id'",
    "INSERT INTO hub_settings (key, value) VALUES ('x', '1')",
    "DELETE FROM hub_settings",
    "UPDATE hub_meta SET value = '99'",
    "UPDATE desks SET pushed = 0",
    "DELETE FROM desks",
    # the schema
    "CREATE TABLE sneaky (x int)",
    "DROP TABLE conflicts",
    "ALTER TABLE scans ADD COLUMN x int",
    "CREATE FUNCTION checkin_cancel_scan(u uuid) RETURNS int LANGUAGE sql AS 'SELECT 1'",
)


@pytest.fixture
def busy_hub(hub_dsn, make_desk):
    """A hub with history in every table a desk writes to: scans, a cancellation, a walk-in, an
    edit, a revocation, a desk's contact."""
    desk = make_desk("desk-1", hub_dsn)
    desk.sync()
    first = desk.desk.scan("SCE-1")
    desk.clock.advance(5)
    desk.desk.scan("SCE-2")
    desk.desk.register_walk_in(first_name="Hind", last_name="Tazi")
    desk.desk.edit_attendee("SCE-3", {"company": "Lydec"}, supervisor="sara")
    desk.desk.cancel_checkin(first.scan_uuid, reason="scanned by mistake", supervisor="sara")
    from checkin_desk.trust import signing

    signing.revoke(desk.store, "SCE-6", below_issue=2, reason="lost")
    desk.sync()
    return desk


@pytest.mark.parametrize("statement", FORBIDDEN)
def test_the_desk_role_cannot_rewrite_delete_or_forge_history(busy_hub, hub_dsn, statement):
    with (
        psycopg.connect(hub_dsn, autocommit=True) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(statement)


def test_the_functions_desks_call_only_add_or_tighten(busy_hub, hub_dsn, hub_admin_dsn):
    before = admin_query(hub_admin_dsn, "SELECT code, below_issue FROM revocations ORDER BY code")
    changes = admin_query(hub_admin_dsn, "SELECT change_key, payload::text FROM attendee_changes ORDER BY 1")
    with psycopg.connect(hub_dsn, autocommit=True) as conn:
        # A revocation is never loosened; a change already received is never replaced.
        assert conn.execute(
            "SELECT checkin_raise_revocation('SCE-6', 0, '', 'undo', 'thief')"
        ).fetchone() == (0,)
        key = changes[0][0]
        payload = '{"code": "SCE-3", "first_name": "Forged", "origin": "edit"}'
        assert conn.execute(
            "SELECT checkin_receive_attendee(%s, 'thief', 'edit', %s::jsonb)", (key, payload)
        ).fetchone() == (0,)
        # A temporary table cannot stand in for the real one inside a function run as the hub's owner.
        conn.execute("CREATE TEMPORARY TABLE attendees (LIKE public.attendees INCLUDING DEFAULTS)")
        conn.execute("INSERT INTO attendees (code, last_name) VALUES ('SCE-1', 'Shadow')")
        rows = conn.execute("SELECT code, last_name FROM checkin_lock_attendees(ARRAY['SCE-1'])").fetchall()
        assert rows == [("SCE-1", "Lefèvre")]
    assert admin_query(hub_admin_dsn, "SELECT code, below_issue FROM revocations ORDER BY code") == before
    assert (
        admin_query(hub_admin_dsn, "SELECT change_key, payload::text FROM attendee_changes ORDER BY 1")
        == changes
    )
    # What the desk changed is on the record with who and why: the cancellation is kept.
    assert admin_query(hub_admin_dsn, "SELECT desk, reason FROM scan_cancels") == [
        ("desk-1", "scanned by mistake")
    ]


def test_only_desk_roles_may_call_the_hub_functions(hub_dsn, hub_admin_dsn):
    granted = admin_query(
        hub_admin_dsn,
        "SELECT p.proname, has_function_privilege('public', p.oid, 'EXECUTE') FROM pg_proc p "
        "WHERE p.proname LIKE 'checkin\\_%' ORDER BY 1",
    )
    assert [name for name, _ in granted] == sorted(f.split("(")[0] for f in hub_schema.DESK_FUNCTIONS)
    assert not any(public for _, public in granted)
    assert all(
        admin_query(hub_admin_dsn, "SELECT prosecdef FROM pg_proc WHERE proname = %s", (n,)) == [(True,)]
        for n, _ in granted
    )


def test_a_desk_role_of_an_older_hub_loses_its_updates_when_the_hub_is_migrated(hub_admin_dsn, monkeypatch):
    role = "desk_v4_" + hub_admin_dsn.rsplit("_", 1)[-1][:8]
    with monkeypatch.context() as m:
        as_released(m, 4)
        with psycopg.connect(hub_admin_dsn, autocommit=True) as conn:
            hub_schema.migrate(conn)
            hub_schema.ensure_desk_role(conn, role, "v4-secret")
    desk_dsn = psycopg.conninfo.make_conninfo(hub_admin_dsn, user=role, password="v4-secret")
    try:
        with psycopg.connect(desk_dsn, autocommit=True) as conn:
            conn.execute("UPDATE scans SET status = 'ok'")  # what every desk could do before
        assert cli.main(["hub", "init", "--dsn", hub_admin_dsn, "--no-desk-role"]) == 0
        with psycopg.connect(desk_dsn, autocommit=True) as conn:
            for statement in (
                "UPDATE scans SET status = 'ok'",
                "UPDATE attendees SET notes = ''",
                "DELETE FROM scans",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
            assert conn.execute("SELECT count(*) FROM checkin_lock_attendees(ARRAY['X'])").fetchone() == (0,)
            # The audit anchors came with a later migration than the desk role: granted to it then.
            conn.execute(
                "INSERT INTO audit_anchors (desk_uid, desk, entries, last_hash) VALUES ('u', 'x', 1, repeat('a', 64))"
            )
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("DELETE FROM audit_anchors")
    finally:
        admin_query(hub_admin_dsn, f"DROP OWNED BY {role}")
        admin_query(hub_admin_dsn, f"DROP ROLE IF EXISTS {role}")


def test_the_desk_role_adds_audit_anchors_but_cannot_change_or_remove_them(busy_hub, hub_dsn, hub_admin_dsn):
    before = admin_query(hub_admin_dsn, "SELECT id, desk_uid, entries, last_hash, hub_at FROM audit_anchors")
    assert len(before) == 1
    with psycopg.connect(hub_dsn, autocommit=True) as conn:
        for statement in (
            "UPDATE audit_anchors SET entries = 2",
            "UPDATE audit_anchors SET last_hash = repeat('0', 64)",
            "DELETE FROM audit_anchors",
            "TRUNCATE audit_anchors",
            "INSERT INTO audit_anchors (desk_uid, desk, entries, last_hash, hub_at) "
            "VALUES ('u', 'x', 1, repeat('0', 64), '2000-01-01')",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        conn.execute(
            "INSERT INTO audit_anchors (desk_uid, desk, entries, last_hash) VALUES ('u', 'x', 1, repeat('0', 64))"
        )
    after = admin_query(hub_admin_dsn, "SELECT id, desk_uid, entries, last_hash, hub_at FROM audit_anchors")
    assert after[:1] == before and [row[1:4] for row in after[1:]] == [("u", 1, "0" * 64)]


def test_the_desk_role_of_a_schema_5_hub_may_add_anchors_once_it_is_migrated(hub_admin_dsn, monkeypatch):
    role = "desk_v5_" + hub_admin_dsn.rsplit("_", 1)[-1][:8]
    with monkeypatch.context() as m:  # hub_schema as the release that made schema 5
        m.setattr(hub_schema, "MIGRATIONS", hub_schema.MIGRATIONS[:5])
        m.setattr(hub_schema, "HUB_SCHEMA_VERSION", 5)
        m.setattr(hub_schema, "DESK_GRANTS", [g for g in hub_schema.DESK_GRANTS if g[0] != "audit_anchors"])
        m.setattr(hub_schema, "DESK_SEQUENCES", [q for q in hub_schema.DESK_SEQUENCES if "anchors" not in q])
        with psycopg.connect(hub_admin_dsn, autocommit=True) as conn:
            hub_schema.migrate(conn)
            hub_schema.ensure_desk_role(conn, role, "v5-secret")
    desk_dsn = psycopg.conninfo.make_conninfo(hub_admin_dsn, user=role, password="v5-secret")
    anchor = (
        "INSERT INTO audit_anchors (desk_uid, desk, entries, last_hash) VALUES ('u', 'x', 1, repeat('a', 64))"
    )
    try:
        assert cli.main(["hub", "init", "--dsn", hub_admin_dsn, "--no-desk-role"]) == 0
        with psycopg.connect(desk_dsn, autocommit=True) as conn:
            conn.execute(anchor)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("UPDATE audit_anchors SET entries = 2")
    finally:
        admin_query(hub_admin_dsn, f"DROP OWNED BY {role}")
        admin_query(hub_admin_dsn, f"DROP ROLE IF EXISTS {role}")


def file_bytes(path) -> bytes:
    """The event database as it is on disk, with its write-ahead log."""
    return b"".join(Path(p).read_bytes() for p in (path, f"{path}-wal") if os.path.exists(p))


def test_the_desk_password_is_kept_owner_only_outside_the_event_database(hub_dsn, tmp_path, capsys):
    db = str(tmp_path / "desk.sqlite")
    assert cli.main(["--db", db, "event", "create", "--name", "Expo", "--days", "2027-04-18"]) == 0
    assert cli.main(["--db", db, "hub", "connect", hub_dsn]) == 0
    out = capsys.readouterr().out
    passfile = credentials.passfile_path()
    assert str(passfile) in out and "desk-secret" not in out
    assert stat.S_IMODE(os.stat(passfile).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(passfile.parent).st_mode) == 0o700
    assert "desk-secret" in passfile.read_text()
    store = Store.open(db)
    assert "password" not in store.get_setting(HUB_DSN_SETTING)
    store.close()
    assert b"desk-secret" not in file_bytes(db)
    assert cli.main(["--db", db, "--desk", "desk-1", "sync", "--once"]) == 0  # libpq reads the file
    assert "pulled 6 attendees" in capsys.readouterr().out


def test_a_password_left_in_an_older_event_database_is_moved_out_at_first_use(hub_dsn, make_desk, capsys):
    rig = make_desk("desk-1", None)
    rig.store.set_setting(HUB_DSN_SETTING, hub_dsn)  # as releases before this one stored it
    rig.store.close()
    assert b"desk-secret" in file_bytes(rig.path)
    assert cli.main(["--db", str(rig.path), "--desk", "desk-1", "sync", "--once"]) == 0
    assert b"desk-secret" not in file_bytes(rig.path)
    assert "desk-secret" in credentials.passfile_path().read_text()
    rig.store = Store.open(rig.path)
