"""Refused passes never get a badge job by hand: not from search, not as a reprint, only through a
supervisor's audited override."""

from __future__ import annotations

import json

import pytest

from checkin_desk.domain.models import Status
from checkin_desk.services import desk_ops
from checkin_desk.services.badge_policy import badge_refusal
from checkin_desk.services.desk import DeskError, PassRefused
from checkin_desk.trust import keys, roles, signing


def jobs(store):
    return store.conn.execute(
        "SELECT attendee_code, reprint, allowed_by FROM print_jobs ORDER BY id"
    ).fetchall()


def audit(store, action):
    rows = store.conn.execute("SELECT operator, subject, details FROM audit_log WHERE action = ?", (action,))
    return [(o, s, json.loads(d)) for o, s, d in rows]


@pytest.mark.parametrize(("code", "status"), [("SCE-4", Status.CANCELLED), ("SCE-5", Status.BLOCKED)])
def test_blocked_and_cancelled_passes_never_print_from_search(desk, people, code, status):
    with pytest.raises(PassRefused) as refused:
        desk_ops.print_first_badge(desk, code)
    assert refused.value.status == status
    assert jobs(people) == []


def test_an_unknown_code_never_prints(desk, people):
    with pytest.raises(PassRefused) as refused:
        desk_ops.print_first_badge(desk, "NOPE-1")
    assert refused.value.status == Status.UNKNOWN
    with pytest.raises(DeskError):
        desk_ops.print_refused_badge(desk, "NOPE-1", reason="test", supervisor="Karim")
    assert jobs(people) == []


def test_a_reprint_of_a_blocked_pass_is_refused_too(desk, people):
    with pytest.raises(PassRefused):
        desk.reprint("SCE-5", reason="badge abîmé", allowed_by="Karim")
    assert jobs(people) == []


def test_a_revoked_pass_prints_only_where_the_new_code_was_issued(desk, people):
    path, public = keys.generate()
    signing.set_public_key(people, public)
    key = keys.load_private(path)
    attendee = people.lookup("SCE-1")
    signing.issue(people, attendee, key)
    assert badge_refusal(people, "SCE-1") is None
    # Re-issued on the organisers' machine: this desk learns the revocation, not the new code.
    signing.revoke(people, "SCE-1", below_issue=1, reason="lost")
    assert badge_refusal(people, "SCE-1") == Status.CANCELLED
    with pytest.raises(PassRefused):
        desk_ops.print_first_badge(desk, "SCE-1")
    # Where the new code is issued, its badge carries it and may print.
    signing.reissue(people, attendee, key, reason="lost")
    assert badge_refusal(people, "SCE-1") is None
    assert desk_ops.print_first_badge(desk, "SCE-1") > 0


def test_the_override_needs_a_supervisor_and_a_reason_and_is_audited(desk, people, monkeypatch):
    monkeypatch.setattr(roles, "SCRYPT_N", 2**10)
    admin = roles.add_staff(people, "Nadia", roles.Role.ADMIN, "482915")
    karim = roles.add_staff(people, "Karim", roles.Role.SUPERVISOR, "730264", by=admin)
    amina = roles.add_staff(people, "Amina", roles.Role.OPERATOR, "582163", by=admin)
    with pytest.raises(roles.AuthorizationError):
        desk_ops.print_refused_badge(desk, "SCE-5", reason="vu avec la sécurité", authorized_by=amina)
    with pytest.raises(DeskError):
        desk_ops.print_refused_badge(desk, "SCE-5", reason="  ", authorized_by=karim)
    assert jobs(people) == []
    desk_ops.print_refused_badge(desk, "SCE-5", reason="vu avec la sécurité", authorized_by=karim)
    assert jobs(people) == [("SCE-5", 0, "Karim")]
    [(operator, subject, details)] = audit(people, "print_override")
    assert (operator, subject) == ("Karim", "SCE-5")
    assert details["was"] == "blocked" and details["reason"] == "vu avec la sécurité"
    assert details["role"] == "supervisor"
