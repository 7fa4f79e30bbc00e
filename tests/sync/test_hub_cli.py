"""The hub's schema, the desks' role, wrong addresses and the hub / sync commands."""

from __future__ import annotations

import json

import psycopg
import pytest

from checkin_desk import cli
from checkin_desk.sync import HubDecider, HubError, SyncLoop, connection, hub_schema
from sync.conftest import admin_query
from tests.conftest import DATA as DATA_DIR

pytestmark = pytest.mark.hub


def test_init_is_idempotent_and_versioned(hub_admin_dsn):
    with psycopg.connect(hub_admin_dsn, autocommit=True) as conn:
        assert hub_schema.migrate(conn) == (0, hub_schema.HUB_SCHEMA_VERSION)
        assert hub_schema.migrate(conn) == (hub_schema.HUB_SCHEMA_VERSION,) * 2
        assert hub_schema.check_version(conn) == hub_schema.HUB_SCHEMA_VERSION


def test_a_hub_of_a_newer_schema_is_refused_clearly_and_left_alone(hub_dsn, hub_admin_dsn, make_desk):
    admin_query(hub_admin_dsn, "UPDATE hub_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(HubError, match=r"newer than this checkin-desk knows.*update checkin-desk"):
        connection.connect(hub_dsn)
    rig = make_desk("desk-1", hub_dsn)
    with pytest.raises(HubError, match="schema version 99"):
        rig.sync()
    assert rig.loop.state.online is False
    assert rig.desk.scan("SCE-1").offline  # the desk keeps working on its own
    with psycopg.connect(hub_admin_dsn, autocommit=True) as conn, pytest.raises(hub_schema.HubSchemaError):
        hub_schema.migrate(conn)


def test_desk_role_can_do_its_job_and_nothing_more(hub_dsn):
    with psycopg.connect(hub_dsn, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM attendees").fetchone()[0] == 6
        for statement in (
            "DELETE FROM scans",
            "DELETE FROM attendees",
            "UPDATE hub_settings SET value = '1'",
            "CREATE TABLE sneaky (x int)",
            "DROP TABLE conflicts",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


@pytest.mark.parametrize(
    ("dsn", "expected"),
    [
        ("host=127.0.0.1 port=1 dbname=x user=u password=Sup3rS3cret", "nothing answers at u@127.0.0.1:1/x"),
        (
            "host=127.0.0.1 dbname=no_such_hub_db user=postgres password=Sup3rS3cret",
            'database "no_such_hub_db"',
        ),
        ("host=127.0.0.1 dbname=postgres user=no_such_role password=Sup3rS3cret", 'role "no_such_role"'),
        ("host=127.0.0.1 dbname=postgres user=postgres password=Sup3rS3cret", "not a checkin-desk hub"),
        ("garbage Sup3rS3cret", "cannot read the hub address"),
    ],
)
def test_wrong_addresses_give_one_clear_line_without_the_password(dsn, expected):
    with pytest.raises(HubError) as info:
        connection.connect(dsn, connect_timeout=2)
    assert expected in str(info.value)
    assert "Sup3rS3cret" not in str(info.value)


def test_password_is_masked_everywhere():
    dsn = "postgresql://desk:Sup3rS3cret@hub.local:5433/expo?sslmode=require"
    assert "Sup3rS3cret" not in connection.mask(dsn) and "********" in connection.mask(dsn)
    assert connection.describe(dsn) == "desk@hub.local:5433/expo (require)"
    assert "Sup3rS3cret" not in connection.explain(Exception(f"bad {dsn} password=Sup3rS3cret"), dsn)


def test_unreachable_hub_is_offline_not_an_error_for_the_decider():
    decider = HubDecider("host=127.0.0.1 port=1 dbname=x user=u connect_timeout=1", "d")
    try:
        assert decider.decide({"code": "X"}, 0.3) is None
        assert decider.online is False
    finally:
        decider.close()


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_hub_commands_end_to_end(hub_admin_dsn, tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "desk.sqlite")
    assert (
        run(capsys, "--db", db, "event", "create", "--name", "Expo", "--days", "2027-04-18,2027-04-19")[0]
        == 0
    )
    monkeypatch.setenv("CHECKIN_DESK_HUB_PASSWORD", "Sup3rS3cret")
    role = "desk_cli_" + hub_admin_dsn.rsplit("_", 1)[-1][:8]
    try:
        code, out, err = run(
            capsys, "--db", db, "hub", "init", "--dsn", hub_admin_dsn, "--desk-role", role, "--desk-password"
        )
        assert code == 0, err
        assert (
            f"schema version 0 -> {hub_schema.HUB_SCHEMA_VERSION}" in out
            and f"desk role {role}: created, password set" in out
        )
        assert "Sup3rS3cret" not in out + err
        code, out, err = run(
            capsys, "hub", "import", str(DATA_DIR / "attendees.json"), "--dsn", hub_admin_dsn
        )
        assert code == 0, err
        assert "imported into the hub" in out
        desk_dsn = psycopg.conninfo.make_conninfo(hub_admin_dsn, user=role, password="Sup3rS3cret")
        code, out, err = run(capsys, "--db", db, "hub", "connect", desk_dsn)
        assert code == 0, err
        assert "Sup3rS3cret" not in out and "********" in out
        code, out, err = run(capsys, "--db", db, "--desk", "desk-1", "sync", "--once")
        assert code == 0, err
        assert "pushed 1, pulled" in out  # the audit entry of the connection itself
        code, out, err = run(capsys, "--db", db, "hub", "status", "--json", "--dsn", hub_admin_dsn)
        info = json.loads(out)
        assert info["desks"][0]["desk"] == "desk-1" and info["attendees"] > 0
        code, out, err = run(capsys, "hub", "conflicts", "--dsn", hub_admin_dsn)
        assert out.strip() == "no conflicts"
        code, out, err = run(capsys, "--db", db, "hub", "disconnect")
        assert code == 0 and "disconnected" in out and "Sup3rS3cret" not in out
        code, out, err = run(capsys, "--db", db, "sync", "--once")
        assert code == 1 and "no hub" in err
    finally:
        admin_query(hub_admin_dsn, f"DROP OWNED BY {role}")
        admin_query(hub_admin_dsn, f"DROP ROLE IF EXISTS {role}")


def test_sync_loop_reports_state_to_its_callback(hub_dsn, make_desk, proxy):
    rig = make_desk("desk-1", proxy.dsn(hub_dsn))
    states = []
    loop = SyncLoop(rig.store, "desk-1", proxy.dsn(hub_dsn), on_state=states.append)
    loop.run_once()
    proxy.cut()
    rig.desk.scan("SCE-1")
    with pytest.raises(HubError):
        loop.run_once()
    loop.close()
    assert [s.online for s in states] == [True, False]
    assert states[1].pending == 1 and "hub" in states[1].message


def test_hub_status_and_hub_conflicts_show_times_in_the_same_zone(
    hub_dsn, hub_admin_dsn, make_desk, proxy, capsys
):
    on, off = make_desk("desk-on", hub_dsn), make_desk("desk-off", proxy.dsn(hub_dsn))
    off.sync()
    proxy.cut()
    assert off.desk.scan("SCE-1").offline
    assert not on.desk.scan("SCE-1").offline
    proxy.restore()
    off.sync()
    admin_query(hub_admin_dsn, "DELETE FROM hub_settings WHERE key = 'timezone'")  # a hub that never said
    code, status, _ = run(capsys, "hub", "status", "--dsn", hub_admin_dsn)
    assert code == 0
    code, conflicts, _ = run(capsys, "hub", "conflicts", "--dsn", hub_admin_dsn)
    assert code == 0
    assert "times in Africa/Casablanca" in status and "Times in Africa/Casablanca" in conflicts
    # 09:00 UTC on the hub's clock is 10:00 in Casablanca: both print the hub's times that way.
    (contact,) = admin_query(hub_admin_dsn, "SELECT last_contact FROM desks WHERE name = 'desk-off'")[0]
    local = contact.astimezone(__import__("zoneinfo").ZoneInfo("Africa/Casablanca")).strftime(
        "%Y-%m-%d %H:%M"
    )
    assert local in status and local.startswith("2027-04-19 10:")
