import json

import pytest

from checkin_desk.domain.models import Status
from checkin_desk.services.desk import Desk, DeskError
from checkin_desk.storage import audit


def rows(store, sql, *params):
    return store.conn.execute(sql, params).fetchall()


def test_first_scan_records_scan_outbox_and_print_job_together(desk):
    outcome = desk.scan("sce-1")
    assert (outcome.status, outcome.admitted, outcome.print_badge) == (Status.OK, True, True)
    assert outcome.attendee.first_name == "Benoît"
    scan = rows(desk.store, "SELECT code, desk, operator, kind, status, admitted, badge, day FROM scans")
    assert scan == [("SCE-1", "desk-1", "amina", "entry", "ok", 1, 1, "2027-04-18")]
    outbox = rows(desk.store, "SELECT kind, ref, payload FROM outbox")
    assert [(k, r) for k, r, _ in outbox] == [("scan", outcome.scan_uuid)]
    assert json.loads(outbox[0][2])["status"] == "ok"
    jobs = rows(desk.store, "SELECT id, attendee_code, scan_uuid, state, reprint FROM print_jobs")
    assert jobs == [(outcome.print_job_id, "SCE-1", outcome.scan_uuid, "queued", 0)]


def test_reentry_is_admitted_flagged_and_prints_nothing(desk, clock):
    first = desk.scan("SCE-1")
    clock.advance(3600)
    again = desk.scan("SCE-1")
    assert (again.status, again.admitted, again.print_badge, again.print_job_id) == (
        Status.ALREADY_CHECKED_IN,
        True,
        False,
        None,
    )
    assert again.first_entry.at == first.at and again.first_entry.desk == "desk-1"
    assert rows(desk.store, "SELECT count(*) FROM print_jobs") == [(1,)]


def test_next_day_admits_without_a_second_badge(desk, clock):
    desk.scan("SCE-1")
    clock.advance(24 * 3600)
    outcome = desk.scan("SCE-1")
    assert (outcome.status, outcome.admitted, outcome.print_badge) == (Status.OK, True, False)


def test_double_read_within_a_second_is_one_scan(desk, clock):
    first = desk.scan("SCE-1")
    clock.advance(0.3)
    second = desk.scan("sce-1 ")
    assert second.duplicate_read and second.scan_uuid == first.scan_uuid
    assert rows(desk.store, "SELECT count(*) FROM scans") == [(1,)]
    clock.advance(1.0)
    assert desk.scan("SCE-1").status == Status.ALREADY_CHECKED_IN


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("SCE-4", Status.CANCELLED),
        ("SCE-5", Status.BLOCKED),
        ("SCE-6", Status.WRONG_DAY),
        ("NOPE", Status.UNKNOWN),
        ("", Status.MALFORMED),
        ("\x00\x1b[2J", Status.MALFORMED),
        ("x" * 10_000, Status.MALFORMED),
        ("' OR 1=1; DROP TABLE attendees; --", Status.MALFORMED),
        (b"\xff\xfe\x00", Status.MALFORMED),
    ],
)
def test_refusals_are_recorded_with_their_reason(desk, raw, status):
    outcome = desk.scan(raw)
    assert (outcome.status, outcome.admitted, outcome.print_job_id) == (status, False, None)
    assert rows(desk.store, "SELECT status, admitted FROM scans") == [(str(status), 0)]
    assert desk.store.attendee_count() == 6


def test_blocked_pass_shows_staff_notes(desk):
    assert desk.scan("SCE-5").attendee.notes == "Voir superviseur"


def test_walk_in_creates_attendee_checks_in_and_queues_badge(desk):
    outcome = desk.register_walk_in(
        first_name="سلمى", last_name="\u202eبرادة", company="UM6P", category="Press"
    )
    assert outcome.status == Status.OK and outcome.print_job_id
    attendee = desk.store.lookup(outcome.code)
    assert (attendee.last_name, attendee.category) == ("برادة", "press")
    kinds = [k for (k,) in rows(desk.store, "SELECT kind FROM outbox ORDER BY id")]
    assert kinds == ["attendee", "audit", "scan"]
    assert rows(desk.store, "SELECT action, subject FROM audit_log") == [("walk_in", outcome.code)]
    with pytest.raises(DeskError, match="name"):
        desk.register_walk_in(first_name=" ", last_name="\u200b")


def test_reprint_needs_a_reason_and_is_audited(desk):
    desk.scan("SCE-1")
    with pytest.raises(DeskError, match="reason"):
        desk.reprint("SCE-1", reason="  ", allowed_by="sup")
    job = desk.reprint("SCE-1", reason="badge torn", allowed_by="sup")
    assert rows(desk.store, "SELECT reprint, reason, allowed_by FROM print_jobs WHERE id = ?", job) == [
        (1, "badge torn", "sup")
    ]
    assert audit.verify(desk.store.conn) == []


def test_override_admits_a_refused_pass_and_keeps_why(desk):
    outcome = desk.admit_override("SCE-4", reason="refund reversed", supervisor="sup")
    assert outcome.admitted and outcome.status == Status.CANCELLED and outcome.print_job_id
    assert rows(desk.store, "SELECT admitted, override_reason FROM scans") == [(1, "refund reversed")]


def test_cancel_checkin_frees_the_first_entry(desk, clock):
    first = desk.scan("SCE-1")
    desk.cancel_checkin(first.scan_uuid, reason="scanned the wrong person", supervisor="sup")
    assert desk.store.admitted_entries("SCE-1") == []
    with pytest.raises(DeskError):
        desk.cancel_checkin(first.scan_uuid, reason="again", supervisor="sup")
    clock.advance(5)
    assert desk.scan("SCE-1").status == Status.OK


def test_edit_attendee_updates_search_and_audits(desk):
    desk.edit_attendee("SCE-1", {"company": "Casa Transports", "status": "blocked"}, supervisor="sup")
    assert desk.store.search("casa transports")[0].code == "SCE-1"
    assert desk.scan("SCE-1").status == Status.BLOCKED
    with pytest.raises(DeskError, match="cannot edit"):
        desk.edit_attendee("SCE-1", {"code": "X"}, supervisor="sup")
    with pytest.raises(DeskError, match="status"):
        desk.edit_attendee("SCE-1", {"status": "maybe"}, supervisor="sup")


def test_audit_chain_detects_tampering(desk):
    for reason in ("one", "two", "three"):
        desk.reprint("SCE-1", reason=reason, allowed_by="sup")
    conn = desk.store.conn
    assert audit.verify(conn) == []
    conn.execute("UPDATE audit_log SET details = '{}' WHERE id = 2")
    problems = audit.verify(conn)
    assert [p.entry_id for p in problems] == [2]
    conn.execute("DELETE FROM audit_log WHERE id = 2")
    assert {p.entry_id for p in audit.verify(conn)} == {3}


def test_two_desks_on_one_file_see_each_others_entries(people, clock, tmp_path):
    from checkin_desk.storage.store import Store

    other = Desk(Store.open(people.path), "desk-2", clock=clock, monotonic=clock.monotonic)
    mine = Desk(people, "desk-1", clock=clock, monotonic=clock.monotonic)
    assert mine.scan("SCE-2").status == Status.OK
    clock.advance(10)
    again = other.scan("SCE-2")
    assert again.status == Status.ALREADY_CHECKED_IN and again.first_entry.desk == "desk-1"
