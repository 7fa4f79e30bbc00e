"""Reports with a hub: the report at one desk covers every desk, with the hub's conflicts."""

from __future__ import annotations

import json

import psycopg
import pytest

from checkin_desk import cli, reports
from checkin_desk.domain.models import Status
from checkin_desk.sync.loop import HUB_DSN_SETTING
from sync.conftest import admin_query
from tests.conftest import PEOPLE

pytestmark = pytest.mark.hub


def report_json(capsys, rig, *extra) -> dict:
    code = cli.main(["--db", str(rig.path), "--desk", rig.name, "report", *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def two_desks_apart(hub_dsn, hub_admin_dsn, make_desk, proxy):
    """Desks A and B scan while cut off from the hub: SCE-1 at both (a conflict), SCE-2 at A, and
    SCE-3 at B, whose pass the organisers cancelled on the hub meanwhile (a conflict only the hub
    can see). Both are back and synced; A has not pulled since."""
    dsn = proxy.dsn(hub_dsn)
    a, b = make_desk("desk-a", dsn), make_desk("desk-b", dsn)
    a.sync()
    b.sync()
    for rig in (a, b):
        rig.store.set_setting(HUB_DSN_SETTING, dsn)
    proxy.cut()
    with psycopg.connect(hub_admin_dsn, autocommit=True) as conn:
        conn.execute("UPDATE attendees SET status = 'cancelled' WHERE code = 'SCE-3'")
    for rig, code in ((a, "SCE-1"), (a, "SCE-2"), (b, "SCE-1"), (b, "SCE-3")):
        rig.clock.advance(30)
        outcome = rig.desk.scan(code)
        assert outcome.admitted and outcome.offline and outcome.status is Status.OK
    proxy.restore()
    a.loop.run_once()
    assert b.sync().conflicts == 2
    return a, b


def test_report_at_a_desk_with_a_hub_covers_all_desks_and_the_hubs_conflicts(capsys, two_desks_apart):
    a, _ = two_desks_apart
    report = report_json(capsys, a)
    assert report["scope"] == "hub"
    assert report["scope_label"].startswith("all desks (hub ")
    totals = report["totals"]
    assert (totals["unique_attendees"], totals["entries"], totals["offline_entries"]) == (3, 4, 4)
    assert {d["desk"]: d["entries"] for d in report["by_desk"]} == {"desk-a": 2, "desk-b": 2}
    conflicts = {c["attendee_code"]: c for c in report["offline"]["conflicts"]}
    assert report["offline"]["conflict_count"] == 2 and set(conflicts) == {"SCE-1", "SCE-3"}
    assert conflicts["SCE-1"]["desks"] == ["desk-a", "desk-b"]
    assert "second first entry" in conflicts["SCE-1"]["reason"]
    assert "cancelled" in conflicts["SCE-3"]["reason"]
    assert any("2 pass(es) were admitted offline" in note for note in report["notes"])


def test_report_says_this_desk_when_asked_local_or_when_the_hub_is_down(capsys, two_desks_apart, proxy):
    a, _ = two_desks_apart
    local = report_json(capsys, a, "--local")
    assert local["scope"] == "desk" and local["scope_label"].startswith("this desk (desk-a)")
    assert local["totals"]["entries"] == 2  # A has not pulled B's scans: nothing synced behind its back
    proxy.cut()
    down = report_json(capsys, a)
    assert down["scope"] == "desk"
    assert "could not be reached" in down["scope_label"] and "desk-secret" not in json.dumps(down)


def test_report_without_a_hub_is_this_desk_only(capsys, make_desk):
    alone = make_desk("desk-z", None)
    alone.store.upsert_attendees(PEOPLE)
    assert alone.desk.scan("SCE-1").admitted
    report = report_json(capsys, alone)
    assert report["scope"] == "desk" and report["scope_label"] == "this desk (desk-z) only (no hub connected)"
    assert report["totals"]["entries"] == 1


def test_a_hub_decision_the_desk_did_not_follow_is_cancelled_there_and_at_other_desks(
    hub_dsn, hub_admin_dsn, make_desk
):
    """A walk-in registered at desk A is scanned there again before A pushed it: the hub, asked,
    records "unknown"; A decides on its own copy (a re-entry). A's record goes up under a uuid of its
    own, after the cancellation of the hub's, so the hub and a desk that had pulled the hub's version
    count one person, two entries, no conflict."""
    a, b = make_desk("desk-a", hub_dsn), make_desk("desk-b", hub_dsn)
    walk_in = a.desk.register_walk_in(first_name="Hind", last_name="Tazi")
    a.clock.advance(5)
    again = a.desk.scan(walk_in.code)
    assert again.admitted and again.status is Status.ALREADY_CHECKED_IN and again.offline
    (hub_uuid,) = [r[0] for r in admin_query(hub_admin_dsn, "SELECT uuid::text FROM scans")]
    assert hub_uuid not in (walk_in.scan_uuid, again.scan_uuid)
    b.sync()  # B pulls the hub's "unknown" before A pushes
    assert b.store.conn.execute("SELECT status FROM scans").fetchall() == [("unknown",)]
    a.sync()
    assert admin_query(
        hub_admin_dsn, "SELECT uuid::text, status, cancelled_at IS NOT NULL FROM scans ORDER BY hub_at"
    ) == [
        (hub_uuid, "unknown", True),
        (walk_in.scan_uuid, "ok", False),
        (again.scan_uuid, "already_checked_in", False),
    ]
    assert admin_query(hub_admin_dsn, "SELECT count(*) FROM conflicts") == [(0,)]
    assert admin_query(hub_admin_dsn, "SELECT scan_uuid::text, desk FROM scan_cancels") == [
        (hub_uuid, "desk-a")
    ]
    b.sync()
    totals = reports.totals(b.store)
    assert (totals.unique_attendees, totals.entries) == (1, 2)
    assert sorted(b.store.conn.execute("SELECT status, cancelled_at IS NOT NULL FROM scans")) == [
        ("already_checked_in", 0),
        ("ok", 0),
        ("unknown", 1),
    ]
