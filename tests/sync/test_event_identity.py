"""A desk syncs only with the hub of its own event, joins a hub's event on a fresh machine exactly as
docs/sync.md says, and leaves its hub for good when its event is purged."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from checkin_desk import cli
from checkin_desk.storage.store import HUB_DSN_SETTING, Store
from checkin_desk.sync import HubDecider, credentials, identity
from sync.conftest import HUB_EVENT, admin_query
from tests.conftest import PEOPLE

pytestmark = pytest.mark.hub
ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_desk_refuses_the_hub_of_another_event_and_names_both(hub_dsn, other_hub, make_desk, capsys):
    rig = make_desk("desk-1", hub_dsn)
    rig.sync()
    outcome = rig.desk.scan("SCE-1")
    rig.store.set_setting(HUB_DSN_SETTING, credentials.split(hub_dsn)[0])
    before = (rig.store.event(), rig.store.attendee_count())
    code, _, err = run(capsys, "--db", str(rig.path), "hub", "connect", other_hub)
    assert (
        code == 1 and "«Other Expo»" in err and f"«{HUB_EVENT.name}»" in err and "nothing was changed" in err
    )
    assert rig.store.get_setting(HUB_DSN_SETTING) == credentials.split(hub_dsn)[0]  # left as it was

    # Pointed at it anyway (an address typed in the window's settings): sync refuses too.
    credentials.store_hub(rig.store, other_hub)
    code, _, err = run(capsys, "--db", str(rig.path), "--desk", "desk-1", "sync", "--once")
    assert code == 1 and "«Other Expo»" in err and f"«{HUB_EVENT.name}»" in err
    assert (rig.store.event(), rig.store.attendee_count()) == before
    assert rig.store.lookup("OTH-1") is None
    assert [r[0] for r in rig.store.conn.execute("SELECT ref FROM outbox WHERE kind = 'scan'")] == [
        outcome.scan_uuid
    ]
    # ...and so do online decisions: the scan is decided here, the other hub never sees it.
    decider = HubDecider(other_hub, "desk-1", event_id=identity.local_event_id(rig.store))
    try:
        assert decider.decide({"uuid": outcome.scan_uuid, "code": "OTH-1"}, 2.0) is None
        assert "«Other Expo»" in decider.message
    finally:
        decider.close()
    assert admin_query(other_hub, "SELECT count(*) FROM scans") == [(0,)]
    assert admin_query(other_hub, "SELECT count(*) FROM desks") == [(0,)]


def test_a_database_that_never_joined_a_hub_joins_only_when_that_cannot_mix_two_events(
    hub_dsn, hub_admin_dsn, tmp_path, capsys
):
    # With a list of its own (imported here, or the demo event): refused, unless told it is the same.
    db = tmp_path / "own.sqlite"
    store = Store.open(db, create=True)
    store.init_event(HUB_EVENT)
    store.upsert_attendees(PEOPLE[:2])
    store.close()
    code, _, err = run(capsys, "--db", str(db), "hub", "connect", hub_dsn)
    assert code == 1 and "never joined a hub" in err and "--adopt" in err
    code, _, err = run(capsys, "--db", str(db), "hub", "connect", "--adopt", hub_dsn)
    assert code == 0, err
    assert run(capsys, "--db", str(db), "--desk", "d", "sync", "--once")[0] == 0

    # Empty: joins by itself at its first sync.
    empty = tmp_path / "empty.sqlite"
    store = Store.open(empty, create=True)
    store.init_event(HUB_EVENT)
    credentials.store_hub(store, hub_dsn)
    store.close()
    assert run(capsys, "--db", str(empty), "--desk", "e", "sync", "--once")[0] == 0
    (hub_event_id,) = admin_query(
        hub_admin_dsn, "SELECT value #>> '{}' FROM hub_settings WHERE key = 'event_id'"
    )[0]
    store = Store.open(empty)
    assert identity.local_event_id(store) == hub_event_id and store.attendee_count() == len(PEOPLE)
    store.close()

    # Synced with this very hub before events had an identity (an older release): joins by itself.
    older = tmp_path / "older.sqlite"
    store = Store.open(older, create=True)
    store.init_event(HUB_EVENT)
    store.upsert_attendees(PEOPLE)
    (hub_id,) = admin_query(hub_admin_dsn, "SELECT value FROM hub_meta WHERE key = 'hub_id'")[0]
    store.set_setting(identity.HUB_ID_SETTING, hub_id)
    credentials.store_hub(store, hub_dsn)
    store.close()
    assert run(capsys, "--db", str(older), "--desk", "o", "sync", "--once")[0] == 0


def checkin_desk(home: Path, *argv: str) -> subprocess.CompletedProcess:
    """The real command, as typed on a desk whose home directory is `home`."""
    env = {**os.environ, "CHECKIN_DESK_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-m", "checkin_desk", *argv], capture_output=True, env=env, cwd=ROOT, timeout=120
    )
    done.out, done.err = done.stdout.decode(), done.stderr.decode()
    return done


def test_a_fresh_desk_joins_the_hub_exactly_as_docs_sync_md_says(hub_dsn, tmp_path):
    params = psycopg.conninfo.conninfo_to_dict(hub_dsn)
    address = f"postgresql://{params['user']}:{params['password']}@{params['host']}:{params['port']}/{params['dbname']}"
    docs = (ROOT / "docs" / "sync.md").read_text(encoding="utf-8")
    assert "checkin-desk hub connect 'postgresql://checkin_desk:…@hub.local/expo" in docs
    assert "checkin-desk --desk desk-3 sync --once" in docs
    home = tmp_path / "new-desk"  # nothing there: no event, no config
    home.mkdir()

    connect = checkin_desk(home, "hub", "connect", address)
    assert connect.returncode == 0, connect.err
    sync = checkin_desk(home, "--desk", "desk-3", "sync", "--once")
    assert sync.returncode == 0, sync.err
    assert "pulled 6 attendees" in sync.out

    config = json.loads((home / "config" / "config.json").read_text())
    db = Path(config["current_event"])
    assert db.parent == home / "data" / "events" and stat.S_IMODE(db.stat().st_mode) == 0o600
    assert params["password"] not in connect.out and params["password"].encode() not in db.read_bytes()
    shown = checkin_desk(home, "event", "show")
    assert shown.out.splitlines()[:2] == [
        HUB_EVENT.name,
        f"{', '.join(HUB_EVENT.days)} ({HUB_EVENT.timezone})",
    ]
    scan = checkin_desk(home, "--desk", "desk-3", "scan", "SCE-1", "--json")
    answer = json.loads(scan.out)
    assert (answer["status"], answer["offline"], answer["attendee"]["last_name"]) == ("ok", False, "Lefèvre")


def test_purge_disconnects_the_desk_from_its_hub_and_says_so(hub_dsn, make_desk, capsys):
    rig = make_desk("desk-1", hub_dsn)
    credentials.store_hub(rig.store, hub_dsn)  # as `hub connect` stores it
    rig.sync()
    rig.desk.scan("SCE-1")
    rig.sync()
    code, out, err = run(capsys, "--db", str(rig.path), "purge", "--event", "--yes")
    assert code == 0, err
    assert "disconnected from the hub" in out and "never syncs again" in out
    assert rig.store.get_setting(HUB_DSN_SETTING) is None
    assert "desk-secret" not in (
        credentials.passfile_path().read_text() if credentials.passfile_path().exists() else ""
    )
    # Connected again by hand: the purged event refuses to sync, and no name comes back.
    rig.store.set_setting(HUB_DSN_SETTING, hub_dsn)
    code, _, err = run(capsys, "--db", str(rig.path), "--desk", "desk-1", "sync", "--once")
    assert code == 1 and "purged" in err
    code, _, err = run(capsys, "--db", str(rig.path), "hub", "connect", hub_dsn)
    assert code == 1 and "purged" in err
    # A scan with the address put back is decided here and says why: the hub is never asked.
    hub_scans = admin_query(hub_dsn, "SELECT count(*) FROM scans")
    code, out, err = run(capsys, "--db", str(rig.path), "--desk", "desk-1", "scan", "SCE-2", "--json")
    assert "hub not asked" in err and "purged" in err
    assert json.loads(out)["attendee"] is None
    assert admin_query(hub_dsn, "SELECT count(*) FROM scans") == hub_scans
    assert rig.store.conn.execute("SELECT count(*) FROM attendees WHERE last_name <> ''").fetchone() == (0,)
