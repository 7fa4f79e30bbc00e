"""Every window action goes through a service that checks its role from roles.REQUIRED: refused below it
(nothing changed, nothing audited), done at it with exactly one audit entry. With the command line's
table (tests/security/test_policy.py) this covers every action roles.REQUIRED declares."""

from __future__ import annotations

import pytest

from checkin_desk.services import categories, desk_ops, purge
from checkin_desk.trust import keys, personal_data, roles, signing

STAFF = {
    None: None,
    "olga": roles.Staff("olga", roles.Role.OPERATOR),
    "sam": roles.Staff("sam", roles.Role.SUPERVISOR),
    "ada": roles.Staff("ada", roles.Role.ADMIN),
}


def _reissue(desk, by, tmp_path):
    return desk_ops.reissue_and_print(desk, "SCE-1", reason="perdu", authorized_by=by)


# The service each window action calls: (action in roles.REQUIRED, call(desk, staff, tmp_path)).
WINDOW_ACTIONS = {
    "reprint (F6)": ("reprint", lambda d, by, t: d.reprint("SCE-1", reason="abîmé", authorized_by=by)),
    "admit despite a refusal (F7)": (
        "override",
        lambda d, by, t: d.admit_override("SCE-5", reason="vu", authorized_by=by),
    ),
    "print a refused pass's badge": (
        "override",
        lambda d, by, t: desk_ops.print_refused_badge(d, "SCE-5", reason="vu", authorized_by=by),
    ),
    "cancel a check-in (F8)": (
        "cancel_checkin",
        lambda d, by, t: d.cancel_checkin(d.last_scans(1)[0]["uuid"], reason="erreur", authorized_by=by),
    ),
    "edit an attendee (F9)": (
        "edit_attendee",
        lambda d, by, t: d.edit_attendee("SCE-2", {"company": "Acme"}, authorized_by=by),
    ),
    "re-issue a lost badge (F5)": ("reissue_pass", _reissue),
    "export the attendee list": (
        "export_attendees",
        lambda d, by, t: personal_data.export_attendees(d.store, t / "list.csv", authorized_by=by),
    ),
    "settings (F10)": ("settings", lambda d, by, t: d.change_setting("kiosk", True, authorized_by=by)),
    "rename a category": (
        "categories",
        lambda d, by, t: categories.set_labels(d.store, "visitor", fr="VISITEURS", authorized_by=by),
    ),
    "leave kiosk mode": ("kiosk_exit", lambda d, by, t: desk_ops.leave_kiosk(d, authorized_by=by)),
    "add a staff account": (
        "staff",
        lambda d, by, t: roles.add_staff(d.store, "newbie", roles.Role.OPERATOR, "918273", by=by),
    ),
    "purge": ("purge", lambda d, by, t: purge.purge_event(d.store, authorized_by=by, force=True)),
}


def test_the_window_and_the_command_line_cover_every_declared_action():
    from security.test_policy import CASES

    covered = {action for action, _call in WINDOW_ACTIONS.values()}
    covered |= {action for _name, action, _argv in CASES} | {"set_pin"}
    assert set(roles.REQUIRED) - covered == set()


def _audit(store):
    return store.conn.execute("SELECT action, operator FROM audit_log ORDER BY id").fetchall()


@pytest.mark.parametrize("who", list(STAFF))
@pytest.mark.parametrize("name", list(WINDOW_ACTIONS))
def test_each_window_action_needs_its_role_and_leaves_one_audit_entry(desk, tmp_path, monkeypatch, name, who):
    store = desk.store
    roles.add_staff(store, "ada", roles.Role.ADMIN, "739182")  # staff accounts: roles are enforced
    path, public = keys.generate(tmp_path / "event.pem")
    signing.set_public_key(store, public)
    monkeypatch.setattr(signing, "private_key", lambda _store, _file=None: keys.load_private(path))
    desk.scan("SCE-1")  # a check-in to cancel, a badge to reprint
    action, call = WINDOW_ACTIONS[name]
    staff = STAFF[who]
    before = _audit(store)
    if who is None or not staff.may(roles.REQUIRED[action]):
        with pytest.raises(roles.AuthorizationError):
            call(desk, staff, tmp_path)
        assert _audit(store) == before
        assert not (tmp_path / "list.csv").exists()
        return
    call(desk, staff, tmp_path)
    after = _audit(store)
    assert after[: len(before)] == before
    new = after[len(before) :]
    assert len(new) == 1, new
    assert new[0][1] == staff.name
