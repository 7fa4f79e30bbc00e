"""The audit log detects each kind of tampering and says where; `audit verify` reports it."""

from __future__ import annotations

import json

import pytest

from checkin_desk.cli import main
from checkin_desk.storage import audit


@pytest.fixture
def logged(desk):
    """A desk whose audit log has five entries."""
    desk.reprint("SCE-1", reason="jammed", allowed_by="youssef")
    desk.reprint("SCE-2", reason="misprint", allowed_by="youssef")
    scan = desk.scan("SCE-3")
    desk.cancel_checkin(scan.scan_uuid, reason="wrong person", supervisor="youssef")
    desk.edit_attendee(
        "SCE-1", {"email": "b.lefevre@lydec.ma", "phone": "+212 6 61 23 45 67"}, supervisor="y"
    )
    desk.register_walk_in(first_name="Karim", last_name="Tazi")
    assert audit.verify(desk.store.conn) == []
    assert desk.store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 5
    return desk.store


def problems(store) -> list[str]:
    return [str(p) for p in audit.verify(store.conn)]


def test_intact_log_verifies_and_every_entry_goes_to_the_outbox(logged):
    assert problems(logged) == []
    sent = logged.conn.execute("SELECT count(*) FROM outbox WHERE kind = 'audit'").fetchone()[0]
    assert sent == 5


def test_altered_entry_is_found(logged):
    logged.conn.execute("UPDATE audit_log SET operator = 'nobody' WHERE id = 2")
    assert problems(logged) == ["entry 2: content was altered after it was written"]


def test_altered_and_rehashed_entry_breaks_the_next_link(logged):
    row = logged.conn.execute(
        "SELECT at, desk, action, subject, details, prev_hash FROM audit_log WHERE id = 2"
    ).fetchone()
    at, desk, action, subject, details, prev = row
    new_hash = audit.entry_hash(prev, at, desk, "nobody", action, subject, details)
    logged.conn.execute("UPDATE audit_log SET operator = 'nobody', hash = ? WHERE id = 2", (new_hash,))
    assert problems(logged) == [
        "entry 3: does not follow the entry before it (an entry was deleted, replaced or reordered)"
    ]


def test_deleted_entry_in_the_middle_is_found(logged):
    logged.conn.execute("DELETE FROM audit_log WHERE id = 3")
    found = problems(logged)
    assert found[0] == "entry 4: entries 3..3 are missing"
    assert found[1].startswith("entry 4: does not follow the entry before it")


def test_deleted_last_entries_are_found_by_the_recorded_head(logged):
    logged.conn.execute("DELETE FROM audit_log WHERE id >= 4")
    assert problems(logged) == ["entry 5: entries 4..5 (the newest) are missing"]


def test_every_entry_deleted_is_found(logged):
    logged.conn.execute("DELETE FROM audit_log")
    assert problems(logged) == ["entry 5: entries 1..5 (the newest) are missing"]


def test_deleted_head_record_is_found(logged):
    logged.conn.execute("DELETE FROM settings WHERE key = ?", (audit.HEAD_SETTING,))
    assert problems(logged) == ["entry 5: the record of the newest entry is missing"]


def test_reordered_entries_are_found(logged):
    columns = "at, desk, operator, action, subject, details, prev_hash, hash"
    two = logged.conn.execute(f"SELECT {columns} FROM audit_log WHERE id = 2").fetchone()
    three = logged.conn.execute(f"SELECT {columns} FROM audit_log WHERE id = 3").fetchone()
    sets = ", ".join(f"{c.strip()} = ?" for c in columns.split(","))
    logged.conn.execute(f"UPDATE audit_log SET {sets} WHERE id = 2", three)
    logged.conn.execute(f"UPDATE audit_log SET {sets} WHERE id = 3", two)
    found = problems(logged)
    assert "entry 2: out of order: it was written right after entry 3" in found
    assert "entry 4: out of order: it was written right after entry 2" in found


def test_entry_added_behind_the_apps_back_is_found(logged):
    last = logged.conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    digest = audit.entry_hash(last, "2027-04-18T10:00:00.000+00:00", "desk-1", "x", "reprint", "SCE-9", "{}")
    logged.conn.execute(
        "INSERT INTO audit_log (at, desk, operator, action, subject, details, prev_hash, hash) "
        "VALUES ('2027-04-18T10:00:00.000+00:00', 'desk-1', 'x', 'reprint', 'SCE-9', '{}', ?, ?)",
        (last, digest),
    )
    assert problems(logged) == ["entry 6: entries 6..6 were added outside the app"]


def test_audit_details_never_hold_a_full_email_or_phone(logged):
    details = logged.conn.execute("SELECT details FROM audit_log WHERE action = 'edit_attendee'").fetchone()[
        0
    ]
    assert "benoit@lydec.ma" not in details and "b***@lydec.ma" in details
    assert json.loads(details)["changed"] == ["email", "phone"]


def test_audit_verify_command_says_where(logged, capsys):
    path = logged.path
    assert main(["--db", path, "audit", "verify"]) == 0
    assert "audit log intact: 5 entries" in capsys.readouterr().out
    logged.conn.execute("UPDATE audit_log SET details = '{}' WHERE id = 2")
    assert main(["--db", path, "audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "entry 2: content was altered after it was written" in err and "reprint SCE-2 by youssef" in err
