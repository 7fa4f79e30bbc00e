"""Roles and PINs: scrypt hashes, a lockout that grows and survives a restart, privileged desk actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from checkin_desk.domain.models import Status
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import Store
from checkin_desk.trust import roles
from checkin_desk.trust.roles import AuthorizationError, LockedOut, Role

NOW = datetime(2027, 4, 18, 9, 0, tzinfo=UTC)


def test_pins_are_stored_as_salted_scrypt_hashes(store, admin, supervisor):
    hashes = dict(store.conn.execute("SELECT name, pin_hash FROM staff"))
    assert hashes["Nadia"].startswith("scrypt$") and "482915" not in hashes["Nadia"]
    assert roles.check_pin("482915", hashes["Nadia"]) and not roles.check_pin("482916", hashes["Nadia"])
    # Same PIN, different salt, different hash.
    assert roles.hash_pin("482915") != roles.hash_pin("482915")
    assert not roles.check_pin("x", "not-a-hash") and not roles.check_pin("x", "md5$1$2$3$4$5")


def test_authorize_returns_the_staff_member_with_their_role(store, supervisor):
    staff = roles.authorize(store, Role.SUPERVISOR, "youssef", "730264", NOW)  # names are case-blind
    assert (staff.name, staff.role, staff.authorized_at) == (
        "Youssef",
        Role.SUPERVISOR,
        NOW.isoformat(timespec="milliseconds"),
    )
    assert roles.authorize(store, Role.OPERATOR, "Youssef", "730264", NOW).role is Role.SUPERVISOR


def test_a_role_too_low_is_refused_with_a_clear_message(store, operator):
    with pytest.raises(AuthorizationError, match="Amina is an operator; this needs a supervisor"):
        roles.authorize(store, Role.SUPERVISOR, "Amina", "5821", NOW)


def test_wrong_name_and_wrong_pin_give_the_same_answer(store, supervisor):
    with pytest.raises(AuthorizationError, match=r"^wrong name or PIN$"):
        roles.authorize(store, Role.SUPERVISOR, "Youssef", "000000", NOW)
    with pytest.raises(AuthorizationError, match=r"^wrong name or PIN$"):
        roles.authorize(store, Role.SUPERVISOR, "Nobody", "730264", NOW)


def test_wrong_pins_lock_out_for_a_growing_time(store, supervisor):
    t = NOW
    for _ in range(roles.FREE_ATTEMPTS - 1):
        with pytest.raises(AuthorizationError):
            roles.authorize(store, Role.SUPERVISOR, "Youssef", "111111", t)
    with pytest.raises(LockedOut, match="try again in 30 s"):
        roles.authorize(store, Role.SUPERVISOR, "Youssef", "111111", t)
    # While locked out even the right PIN is not checked.
    with pytest.raises(LockedOut):
        roles.authorize(store, Role.SUPERVISOR, "Youssef", "730264", t + timedelta(seconds=29))
    # After the lockout, one more wrong PIN locks for twice as long.
    t += timedelta(seconds=31)
    with pytest.raises(LockedOut, match="60 s"):
        roles.authorize(store, Role.SUPERVISOR, "Youssef", "111111", t)
    t += timedelta(seconds=61)
    with pytest.raises(LockedOut, match="2 min"):
        roles.authorize(store, Role.SUPERVISOR, "Youssef", "111111", t)
    # The right PIN after the lockout works and resets the count.
    t += timedelta(minutes=3)
    assert roles.authorize(store, Role.SUPERVISOR, "Youssef", "730264", t).name == "Youssef"
    assert roles.locked_until(store, "Youssef") is None
    with pytest.raises(AuthorizationError, match="wrong name or PIN"):
        roles.authorize(store, Role.SUPERVISOR, "Youssef", "111111", t)
    # Each refusal is in the audit log.
    refused = store.conn.execute("SELECT count(*) FROM audit_log WHERE action = 'pin_refused'").fetchone()[0]
    assert refused == 6


def test_lockout_is_capped():
    assert roles.lockout_for(100) == roles.MAX_LOCKOUT
    assert roles.lockout_for(0) == timedelta(0)


def test_lockout_survives_a_restart(tmp_path, store, supervisor):
    for _ in range(roles.FREE_ATTEMPTS):
        with pytest.raises(AuthorizationError):
            roles.authorize(store, Role.SUPERVISOR, "Youssef", "999999", NOW)
    path = store.path
    store.close()
    reopened = Store.open(path)
    try:
        with pytest.raises(LockedOut):
            roles.authorize(reopened, Role.SUPERVISOR, "Youssef", "730264", NOW + timedelta(seconds=10))
        assert roles.authorize(reopened, Role.SUPERVISOR, "Youssef", "730264", NOW + timedelta(seconds=31))
    finally:
        reopened.close()


def test_unknown_names_are_locked_out_too(store, admin):
    for _ in range(roles.FREE_ATTEMPTS):
        with pytest.raises(AuthorizationError):
            roles.authorize(store, Role.ADMIN, "Mallory", "123456", NOW)
    with pytest.raises(LockedOut):
        roles.authorize(store, Role.ADMIN, "mallory", "123456", NOW)


def test_first_account_must_be_an_admin_and_later_ones_need_one(store):
    with pytest.raises(AuthorizationError, match="first staff account must be an admin"):
        roles.add_staff(store, "Amina", Role.OPERATOR, "5821")
    admin = roles.add_staff(store, "Nadia", Role.ADMIN, "482915")
    with pytest.raises(AuthorizationError, match="needs an admin"):
        roles.add_staff(store, "Omar", Role.SUPERVISOR, "730264")
    sup = roles.add_staff(store, "Youssef", Role.SUPERVISOR, "730264", by=admin)
    with pytest.raises(AuthorizationError):
        roles.add_staff(store, "Omar", Role.SUPERVISOR, "730265", by=sup)
    with pytest.raises(ValueError, match="at least 6"):
        roles.add_staff(store, "Omar", Role.SUPERVISOR, "1234", by=admin)
    with pytest.raises(ValueError, match="too easy"):
        roles.add_staff(store, "Omar", Role.SUPERVISOR, "123456", by=admin)
    assert [s.name for s in roles.list_staff(store)] == ["Nadia", "Youssef"]


def test_set_pin_own_or_by_admin(store, admin, supervisor, operator):
    roles.set_pin(store, "Amina", "9137", by=roles.Staff("Amina", Role.OPERATOR))
    assert roles.authorize(store, Role.OPERATOR, "Amina", "9137", NOW)
    with pytest.raises(AuthorizationError):
        roles.set_pin(store, "Youssef", "913746", by=roles.Staff("Amina", Role.OPERATOR))
    roles.set_pin(store, "Youssef", "913746", by=admin)
    assert roles.authorize(store, Role.SUPERVISOR, "Youssef", "913746", NOW)


# -- at the desk -----------------------------------------------------------------------------------------


@pytest.fixture
def guarded(desk, supervisor):
    """The desk of the shared fixtures, on an event that now has staff accounts: roles are enforced."""
    return desk


def test_without_staff_accounts_existing_callers_work_as_before(desk):
    assert not roles.enforced(desk.store)
    assert desk.reprint("SCE-1", reason="jammed", allowed_by="youssef")


@pytest.mark.parametrize(
    "action",
    [
        lambda d, **kw: d.reprint("SCE-1", reason="jammed", allowed_by="me", **kw),
        lambda d, **kw: d.admit_override("SCE-4", reason="ID checked", supervisor="me", **kw),
        lambda d, **kw: d.edit_attendee("SCE-1", {"company": "ONCF"}, supervisor="me", **kw),
        lambda d, **kw: d.change_setting("readmit_same_day", False, admin="me", **kw),
    ],
)
def test_privileged_actions_need_an_authorized_role_once_staff_exist(guarded, operator, action):
    with pytest.raises(AuthorizationError, match="needs a"):
        action(guarded)
    with pytest.raises(AuthorizationError, match="Amina is an operator"):
        action(guarded, authorized_by=roles.authorize(guarded.store, Role.OPERATOR, "Amina", "5821"))


def test_cancel_checkin_needs_a_supervisor(guarded, operator):
    scan = guarded.scan("SCE-1")
    with pytest.raises(AuthorizationError):
        guarded.cancel_checkin(scan.scan_uuid, reason="wrong person", supervisor="amina")
    boss = roles.authorize(guarded.store, Role.SUPERVISOR, "Youssef", "730264")
    guarded.cancel_checkin(scan.scan_uuid, reason="wrong person", authorized_by=boss)


def test_authorized_actions_land_in_the_audit_log_with_name_and_role(guarded):
    boss = roles.authorize(guarded.store, Role.SUPERVISOR, "Youssef", "730264")
    guarded.reprint("SCE-1", reason="jammed", authorized_by=boss)
    outcome = guarded.admit_override("SCE-4", reason="ID checked", authorized_by=boss)
    assert outcome.admitted and outcome.status is Status.CANCELLED
    rows = guarded.store.conn.execute(
        "SELECT operator, action, details FROM audit_log WHERE action IN ('reprint', 'override') ORDER BY id"
    ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [("Youssef", "reprint"), ("Youssef", "override")]
    assert all('"role": "supervisor"' in r[2] and '"desk_operator": "amina"' in r[2] for r in rows)
    job = guarded.store.conn.execute("SELECT allowed_by FROM print_jobs WHERE reprint = 1").fetchone()[0]
    assert job == "Youssef"


def test_settings_change_needs_an_admin(guarded, admin):
    boss = roles.authorize(guarded.store, Role.SUPERVISOR, "Youssef", "730264")
    with pytest.raises(AuthorizationError, match="needs an admin"):
        guarded.change_setting("readmit_same_day", False, authorized_by=boss)
    chief = roles.authorize(guarded.store, Role.ADMIN, "Nadia", "482915")
    guarded.change_setting("readmit_same_day", False, authorized_by=chief)
    assert guarded.policy.readmit_same_day is False


def test_walk_ins_and_scans_need_no_pin(guarded):
    assert guarded.scan("SCE-1").admitted
    assert guarded.register_walk_in(first_name="Karim", last_name="Tazi").admitted


def test_a_staff_object_for_another_desk_user_cannot_be_faked_through_the_cli_path(guarded):
    """The desk trusts a Staff object (code in the same process is trusted); the CLI and GUI only ever
    get one from authorize(), which checked the PIN."""
    d = Desk(guarded.store, "desk-9")
    with pytest.raises(AuthorizationError):
        d.reprint("SCE-1", reason="friend", allowed_by="Youssef")


def test_parallel_guesses_each_spend_an_attempt_and_the_right_pin_started_last_is_locked_out(
    store, supervisor, monkeypatch
):
    """40 guesses at once, each on its own connection, then the right PIN: the lockout holds."""
    import threading
    import time

    real_check, release = roles.check_pin, threading.Event()
    checked_wrong, waiting, lock = [], [0], threading.Lock()

    def slow_check(pin, stored):
        if pin != "730264":
            with lock:
                checked_wrong.append(pin)
                waiting[0] += 1
            release.wait(10)  # every guess that got this far is "hashing" at the same time
        return real_check(pin, stored)

    monkeypatch.setattr(roles, "check_pin", slow_check)
    outcomes: dict[str, str] = {}

    def guess(pin: str) -> None:
        s = Store.open(store.path)
        try:
            roles.authorize(s, Role.SUPERVISOR, "Youssef", pin, NOW)
            outcomes[pin] = "ok"
        except LockedOut:
            outcomes[pin] = "locked"
        except AuthorizationError:
            outcomes[pin] = "wrong"
        finally:
            s.close()

    wrong = [f"{n:06d}" for n in range(100000, 100040)]
    threads = [threading.Thread(target=guess, args=(pin,)) for pin in wrong]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and waiting[0] + sum(1 for t in threads if not t.is_alive()) < len(
        wrong
    ):
        time.sleep(0.01)  # poll: every guess is either hashing or already refused
    guess("730264")  # the right PIN, started last, while the guesses are still being checked
    release.set()
    for t in threads:
        t.join(20)
    assert outcomes["730264"] == "locked"
    assert len(checked_wrong) == roles.FREE_ATTEMPTS  # only these PINs were ever compared
    # The last checked guess is the one that locks the name: it is told so.
    assert sorted(outcomes[p] for p in wrong).count("wrong") == roles.FREE_ATTEMPTS - 1
    refused = store.conn.execute("SELECT count(*) FROM audit_log WHERE action = 'pin_refused'").fetchone()[0]
    assert refused == roles.FREE_ATTEMPTS
