"""The hub and the desk's own record never diverge: the desk reserves its write before asking the
hub, records beside a database another program holds, and cancels on the hub a decision it could
not record (a full disk), so that the scan done again gets its first entry and its badge."""

from __future__ import annotations

import json

import pytest

from checkin_desk.domain.models import Status
from checkin_desk.services.desk import Desk
from checkin_desk.storage import faults, recording
from checkin_desk.storage.store import Store
from checkin_desk.sync import HubDecider
from sync.conftest import HUB_EVENT, HUB_NOW, admin_query, join_hub_event
from tests.conftest import PEOPLE, FakeClock
from tests.desk_faults import LockHolder, fill, small_disk

pytestmark = pytest.mark.hub


def hub_entries(admin_dsn: str, code: str) -> list[tuple]:
    return admin_query(
        admin_dsn,
        "SELECT uuid::text, desk, badge, cancelled_at IS NOT NULL FROM scans "
        "WHERE attendee_code = %s AND admitted ORDER BY hub_at",
        (code,),
    )


def test_a_scan_while_another_program_holds_the_desks_database_is_recorded_on_both_sides(
    hub_dsn, hub_admin_dsn, make_desk
):
    rig = make_desk("desk-1", hub_dsn)
    rig.sync()
    holder = LockHolder(rig.path)  # an import, another desk process... holding the write lock
    try:
        outcome = rig.desk.scan("SCE-1")
        assert outcome.status is Status.OK and outcome.print_badge and not outcome.offline
        assert outcome.extra["waiting"] and LockHolder.NAME in outcome.extra["held_by"]
        rig.clock.advance(10)
        again = rig.desk.scan("SCE-1")
        assert again.status is Status.ALREADY_CHECKED_IN and not again.print_badge
    finally:
        holder.release()
    assert recording.drain(rig.store) == 2
    local = rig.store.conn.execute("SELECT uuid, badge, offline FROM scans ORDER BY at").fetchall()
    assert local == [(outcome.scan_uuid, 1, 0), (again.scan_uuid, 0, 0)]
    jobs = rig.store.conn.execute("SELECT scan_uuid FROM print_jobs").fetchall()
    assert jobs == [(outcome.scan_uuid,)]
    assert hub_entries(hub_admin_dsn, "SCE-1") == [
        (outcome.scan_uuid, "desk-1", True, False),
        (again.scan_uuid, "desk-1", False, False),
    ]
    rig.sync()  # pushing the desk's records changes nothing on the hub: they are the same scans
    assert admin_query(hub_admin_dsn, "SELECT count(*) FROM scans") == [(2,)]
    assert admin_query(hub_admin_dsn, "SELECT count(*) FROM conflicts") == [(0,)]


def test_a_hub_decision_the_desk_cannot_write_is_cancelled_and_the_retry_gets_the_first_badge(
    hub_dsn, hub_admin_dsn, tmp_path
):
    with small_disk(tmp_path / "disk", "6m") as disk:
        store = Store.open(disk / "desk.sqlite", create=True)
        store.init_event(HUB_EVENT)
        event_id = join_hub_event(store, hub_dsn)
        clock = FakeClock(HUB_NOW)
        decider = HubDecider(hub_dsn, "desk-1", event_id=event_id)
        desk = Desk(store, "desk-1", "op", clock=clock, monotonic=clock.monotonic, online=decider)
        try:
            assert desk.scan("SCE-2").status is Status.OK  # the desk works; then its disk fills up
            filler = fill(disk)
            clock.advance(5)
            with pytest.raises(faults.StorageFault) as info:
                desk.scan("SCE-1")
            assert info.value.kind == "full" and "is full" in str(info.value)
            (lost,) = hub_entries(hub_admin_dsn, "SCE-1")
            assert lost[3], "the hub still counts an entry the desk never recorded"
            assert admin_query(hub_admin_dsn, "SELECT scan_uuid::text, desk FROM scan_cancels") == [
                (lost[0], "desk-1")
            ]
            filler.unlink()
            clock.advance(5)
            retried = desk.scan("SCE-1")
            assert retried.status is Status.OK and retried.print_badge and not retried.offline
            assert hub_entries(hub_admin_dsn, "SCE-1")[1] == (retried.scan_uuid, "desk-1", True, False)
            assert store.conn.execute(
                "SELECT scan_uuid FROM print_jobs WHERE attendee_code = 'SCE-1'"
            ).fetchall() == [(retried.scan_uuid,)]
        finally:
            decider.close()
            store.close()


def test_kept_scans_retried_on_a_full_disk_keep_their_time_and_leave_one_hub_decision(
    hub_dsn, hub_admin_dsn, tmp_path
):
    """The terminal desk's kept scans: tried again while the disk is still full, they ask no hub
    (one cancelled decision, not one per retry); recorded once there is room, each with the time it
    was scanned, not the retry's."""
    from checkin_desk.cli.scanning import TerminalDesk
    from checkin_desk.util.clock import iso

    with small_disk(tmp_path / "disk", "6m") as disk:
        store = Store.open(disk / "desk.sqlite", create=True)
        store.init_event(HUB_EVENT)
        event_id = join_hub_event(store, hub_dsn)
        store.upsert_attendees(PEOPLE)  # as the first sync pulls them
        clock = FakeClock(HUB_NOW)
        decider = HubDecider(hub_dsn, "desk-1", event_id=event_id)
        desk = Desk(store, "desk-1", "op", clock=clock, monotonic=clock.monotonic, online=decider)
        lines: list[str] = []
        terminal = TerminalDesk(lambda: desk, lines.append, as_json=True)
        terminal.start()
        try:
            terminal.scan(b"SCE-2")
            filler = fill(disk)
            clock.advance(5)
            first_at = iso(clock())
            terminal.scan(b"SCE-1")
            clock.advance(3)
            second_at = iso(clock())
            terminal.scan(b"SCE-3")
            assert [line.count('"not_recorded"') for line in lines[1:]] == [1, 1]
            for _ in range(3):
                clock.advance(10)
                terminal.idle()
            assert [row[3] for row in hub_entries(hub_admin_dsn, "SCE-1")] == [True]  # one, cancelled
            assert admin_query(hub_admin_dsn, "SELECT count(*) FROM scan_cancels") == [(1,)]
            filler.unlink()
            clock.advance(60)
            terminal.idle()
            assert terminal.kept == []
            assert [json.loads(line)["status"] for line in lines[3:]] == ["ok", "ok"]
            recorded = dict(store.conn.execute("SELECT attendee_code, at FROM scans").fetchall())
            assert (recorded["SCE-1"], recorded["SCE-3"]) == (first_at, second_at)
            assert admin_query(hub_admin_dsn, "SELECT count(*) FROM scan_cancels") == [(1,)]
        finally:
            decider.close()
            store.close()


def test_a_full_disk_at_the_desk_is_not_called_a_hub_offline(hub_dsn, tmp_path):
    from checkin_desk.services.trouble import hub_trouble
    from checkin_desk.sync import HubError
    from sync.conftest import DeskRig

    with small_disk(tmp_path / "disk", "6m") as disk:
        rig = DeskRig(disk, "desk-1", hub_dsn)
        try:
            rig.sync()
            rig.desk.scan("SCE-1")  # in the outbox: the next round must write to delete it
            filler = fill(disk)
            with pytest.raises(HubError, match="is full"):
                rig.sync()
            assert rig.loop.state.online is True
            assert hub_trouble(rig.loop.state.message).kind == "local"
            filler.unlink()
            rig.sync()
            assert rig.loop.state.online is True and rig.loop.pending() == 0
        finally:
            rig.close()
