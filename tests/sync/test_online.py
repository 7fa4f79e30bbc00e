"""Several desks, one hub: online-first decisions and offline reconciliation."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from checkin_desk import reports
from checkin_desk.domain.models import PassStatus, Status
from sync.conftest import admin_query

pytestmark = pytest.mark.hub


def hub_scans(admin_dsn: str, code: str) -> list[tuple]:
    return admin_query(
        admin_dsn,
        "SELECT desk, status, admitted, badge, offline FROM scans WHERE attendee_code = %s ORDER BY hub_at",
        (code,),
    )


def test_same_pass_online_at_two_desks_gives_one_ok_and_one_badge(hub_dsn, hub_admin_dsn, make_desk):
    d1, d2 = make_desk("desk-1", hub_dsn), make_desk("desk-2", hub_dsn)
    d1.sync()
    d2.sync()
    first = d1.desk.scan("SCE-1")
    second = d2.desk.scan("sce-1 ")
    assert (first.status, first.offline, first.print_badge) == (Status.OK, False, True)
    assert (second.status, second.offline, second.print_badge) == (Status.ALREADY_CHECKED_IN, False, False)
    assert second.first_entry.desk == "desk-1"
    assert hub_scans(hub_admin_dsn, "SCE-1") == [
        ("desk-1", "ok", True, True, False),
        ("desk-2", "already_checked_in", True, False, False),
    ]
    # The hub's receive time is recorded on the desk too.
    assert d1.store.conn.execute("SELECT hub_at IS NOT NULL FROM scans").fetchone()[0] == 1


def test_same_pass_at_six_desks_at_the_same_instant_gives_exactly_one_ok(hub_dsn, hub_admin_dsn, make_desk):
    desks = [make_desk(f"desk-{n}", hub_dsn) for n in range(6)]
    for rig in desks:
        rig.sync()
    barrier = threading.Barrier(len(desks))
    outcomes = []

    def go(rig):
        barrier.wait()
        outcomes.append(rig.desk.scan("SCE-2"))

    threads = [threading.Thread(target=go, args=(rig,)) for rig in desks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(not o.offline for o in outcomes)
    assert sorted(o.status for o in outcomes) == [Status.ALREADY_CHECKED_IN] * 5 + [Status.OK]
    assert sum(o.print_badge for o in outcomes) == 1
    rows = hub_scans(hub_admin_dsn, "SCE-2")
    assert [r[1] for r in rows].count("ok") == 1 and sum(r[3] for r in rows) == 1


def test_a_desk_that_never_synced_decides_online_and_learns_the_attendee(hub_dsn, make_desk):
    fresh = make_desk("desk-9", hub_dsn)
    outcome = fresh.desk.scan("SCE-3")
    assert outcome.status == Status.OK and not outcome.offline
    assert outcome.attendee.company == "上海电气集团"
    assert fresh.store.lookup("SCE-3") is not None


def test_both_desks_offline_two_admissions_one_conflict_one_unique_attendee(
    hub_dsn, hub_admin_dsn, make_desk, proxy
):
    dsn = proxy.dsn(hub_dsn)
    d1, d2 = make_desk("desk-1", dsn), make_desk("desk-2", dsn)
    d1.sync()
    d2.sync()
    proxy.cut()
    a, b = d1.desk.scan("SCE-1"), d2.desk.scan("SCE-1")
    assert (a.status, a.offline, a.print_badge) == (Status.OK, True, True)
    assert (b.status, b.offline, b.print_badge) == (Status.OK, True, True)
    proxy.restore()
    assert d1.sync().conflicts == 0
    assert d2.sync().conflicts == 1
    d1.sync()
    rows = hub_scans(hub_admin_dsn, "SCE-1")
    assert [(r[0], r[2], r[4]) for r in rows] == [("desk-1", True, True), ("desk-2", True, True)]
    conflicts = admin_query(
        hub_admin_dsn, "SELECT desk, desk_status, hub_status, earlier_desk FROM conflicts"
    )
    assert conflicts == [("desk-2", "ok", "already_checked_in", "desk-1")]
    unique, entries = admin_query(
        hub_admin_dsn,
        "SELECT count(DISTINCT attendee_code), count(*) FROM scans WHERE admitted AND kind = 'entry'",
    )[0]
    assert (unique, entries) == (1, 2)
    for rig in (d1, d2):
        total = reports.totals(rig.store)
        assert (total.unique_attendees, total.entries) == (1, 2)
    # Back online: a third scan is a re-entry, decided by the hub.
    d1.clock.advance(60)
    third = d1.desk.scan("SCE-1")
    assert third.status == Status.ALREADY_CHECKED_IN and not third.offline


def test_online_then_offline_elsewhere_conflicts_on_the_offline_one(hub_dsn, hub_admin_dsn, make_desk, proxy):
    d_online = make_desk("desk-on", hub_dsn)
    d_off = make_desk("desk-off", proxy.dsn(hub_dsn))
    d_off.sync()
    proxy.cut()
    offline = d_off.desk.scan("SCE-1")  # happens first, reaches the hub last
    online = d_online.desk.scan("SCE-1")
    assert offline.offline and not online.offline and online.status == Status.OK
    proxy.restore()
    assert d_off.sync().conflicts == 1
    (reason,) = admin_query(hub_admin_dsn, "SELECT reason FROM conflicts WHERE desk = 'desk-off'")[0]
    assert "second first entry" in reason


def test_walk_in_at_one_desk_is_scannable_at_another_seconds_later(hub_dsn, make_desk):
    d3, d7 = make_desk("desk-3", hub_dsn), make_desk("desk-7", hub_dsn)
    walk_in = d3.desk.register_walk_in(first_name="Yasmine", last_name="Alaoui", company="Casa Events")
    assert walk_in.admitted
    d3.sync()
    again = d7.desk.scan(walk_in.code)  # desk 7 has not pulled yet: the hub knows
    assert not again.offline and again.status == Status.ALREADY_CHECKED_IN
    assert again.first_entry.desk == "desk-3"
    d7.sync()
    assert d7.store.lookup(walk_in.code).last_name == "Alaoui"


def test_revocations_and_settings_flow_from_the_hub(hub_dsn, hub_admin_dsn, make_desk, proxy):
    d1 = make_desk("desk-1", proxy.dsn(hub_dsn))
    d1.sync()
    with psycopg.connect(hub_admin_dsn, autocommit=True) as conn:
        conn.execute("UPDATE attendees SET status = 'cancelled' WHERE code = 'SCE-1'")
        conn.execute("UPDATE hub_settings SET value = 'false' WHERE key = 'event_name'")
        conn.execute("INSERT INTO hub_settings (key, value) VALUES ('readmit_same_day', 'false')")
    report = d1.sync()
    assert report.pulled_attendees == 1 and report.pulled_settings == 2
    assert d1.loop.state.settings_changed
    assert d1.store.lookup("SCE-1").status == PassStatus.CANCELLED
    assert d1.store.get_setting("readmit_same_day") is False
    proxy.cut()
    d1.desk.reload_settings()
    assert d1.desk.scan("SCE-1").status == Status.CANCELLED  # refused offline too


def test_cancelled_check_in_and_edits_reach_the_hub_and_other_desks(hub_dsn, hub_admin_dsn, make_desk):
    d1, d2 = make_desk("desk-1", hub_dsn), make_desk("desk-2", hub_dsn)
    d1.sync()
    outcome = d1.desk.scan("SCE-1")
    d1.desk.cancel_checkin(outcome.scan_uuid, reason="scanned the wrong badge", supervisor="sara")
    d1.desk.edit_attendee("SCE-2", {"company": "OCP"}, supervisor="sara")
    d1.sync()
    assert admin_query(hub_admin_dsn, "SELECT cancel_reason FROM scans")[0][0] == "scanned the wrong badge"
    assert admin_query(hub_admin_dsn, "SELECT company FROM attendees WHERE code = 'SCE-2'")[0][0] == "OCP"
    d2.sync()
    assert d2.store.lookup("SCE-2").company == "OCP"
    assert reports.totals(d2.store).entries == 0
    d2.desk.reload_settings()
    assert d2.desk.scan("SCE-1").status == Status.OK  # the cancelled entry does not count


def test_a_desk_connects_to_the_hub_before_its_first_scan(hub_dsn, hub_admin_dsn, make_desk):
    # A first connection can take longer than a scan may wait: made on the first scan, it would decide
    # the first visitor of every start-up offline.
    rig = make_desk("desk-warm", hub_dsn)
    deadline = time.monotonic() + 15
    sessions = []
    while not sessions and time.monotonic() < deadline:
        sessions = admin_query(
            hub_admin_dsn,
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'checkin-desk online desk-warm'",
        )
        threading.Event().wait(0.05)
    assert sessions, "the desk waited for a scan to connect to the hub"
    assert not rig.desk.scan("SCE-1").offline  # and the first scan is decided on the hub
