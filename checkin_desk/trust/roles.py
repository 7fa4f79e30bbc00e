"""Staff roles and PINs: who may do what at the desk.

Three roles, each allowed what the one below may do: operator < supervisor < admin. PINs are stored
as scrypt hashes with a per-user salt. Wrong PINs lock the name out for a growing time, recorded in
the event database so that restarting the app does not reset the count.

Roles are enforced once the event has at least one staff account (the first one must be an admin and
needs no authorisation to create). Until then the desk behaves as before, trusting the names typed.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from checkin_desk.errors import CheckinDeskError
from checkin_desk.storage.store import Store
from checkin_desk.util.clock import iso, parse_iso, utc_now
from checkin_desk.util.textnorm import clean_text

# scrypt cost: ~40 ms and 16 MiB per check on a desk laptop. Stored with each hash, so it can grow.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
FREE_ATTEMPTS = 3  # wrong PINs in a row before the first lockout
FIRST_LOCKOUT = timedelta(seconds=30)  # doubles with every further wrong PIN...
MAX_LOCKOUT = timedelta(hours=1)  # ...up to this
MIN_PIN = {"operator": 4, "supervisor": 6, "admin": 6}


class Role(enum.IntEnum):
    OPERATOR = 1
    SUPERVISOR = 2
    ADMIN = 3

    @property
    def key(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Role:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"role must be operator, supervisor or admin, not {text!r}") from None


# What each privileged desk action needs.
REQUIRED: dict[str, Role] = {
    "reprint": Role.SUPERVISOR,
    "override": Role.SUPERVISOR,
    "cancel_checkin": Role.SUPERVISOR,
    "edit_attendee": Role.SUPERVISOR,
    "reissue_pass": Role.SUPERVISOR,
    "export_attendees": Role.SUPERVISOR,
    "settings": Role.ADMIN,
    "categories": Role.ADMIN,  # labels, colours and merges of the event's categories
    "staff": Role.ADMIN,
    "keys": Role.ADMIN,
    "purge": Role.ADMIN,
    "kiosk_exit": Role.SUPERVISOR,  # leaving the desk window's kiosk mode
    "import": Role.SUPERVISOR,  # an attendee list can block or unblock passes, as an edit can
    "demo_replace": Role.ADMIN,  # deletes the event's file: its scans, staff and audit log
    "set_pin": Role.OPERATOR,  # one's own PIN; another's needs an admin (set_pin checks)
}


class AuthorizationError(CheckinDeskError):
    """The action needs someone with a role (or a right PIN) that was not given. Message for the user.

    `reason` says which, for a screen that words it in its own language: "credentials" (wrong name or
    PIN), "role" (`staff` is below `needed`), "missing" (no one authorised), "locked" (LockedOut), "first"
    (the first account must be an admin).
    """

    def __init__(
        self,
        message: str,
        *,
        reason: str = "credentials",
        staff: Staff | None = None,
        needed: Role | None = None,
    ):
        super().__init__(message)
        self.reason, self.staff, self.needed = reason, staff, needed


class LockedOut(AuthorizationError):
    def __init__(self, name: str, until: datetime, now: datetime):
        self.seconds = max(1, int((until - now).total_seconds() + 0.999))
        self.until, self.name = until, name
        super().__init__(
            f"too many wrong PINs for {name}: try again in {_duration(self.seconds)}", reason="locked"
        )


@dataclass(frozen=True, slots=True)
class Staff:
    name: str
    role: Role
    authorized_at: str = ""  # when the PIN was checked (UTC ISO); "" for a listing

    def may(self, needed: Role) -> bool:
        return self.role >= needed


# -- PIN hashes ----------------------------------------------------------------------------------------


def hash_pin(pin: str, *, n: int | None = None) -> str:
    n = n or SCRYPT_N
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def check_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            pin.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=256 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    # Checked against when the name is unknown, so a wrong name takes as long as a wrong PIN.
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_pin(secrets.token_hex(8))
    return _DUMMY_HASH


# -- staff accounts ------------------------------------------------------------------------------------


def enforced(store: Store) -> bool:
    """Roles are enforced once the event has a staff account."""
    return store.conn.execute("SELECT 1 FROM staff LIMIT 1").fetchone() is not None


def check_new_pin(pin: str, role: Role) -> None:
    if len(pin) < MIN_PIN[role.key]:
        raise ValueError(f"{_a(role)}'s PIN needs at least {MIN_PIN[role.key]} characters")
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise ValueError("that PIN is too easy to guess")


def add_staff(store: Store, name: str, role: Role, pin: str, *, by: Staff | None = None) -> Staff:
    """Create a staff account. The first one must be an admin; later ones need an admin (`by`)."""
    name = clean_text(name)
    if not name or len(name) > 64:
        raise ValueError("a staff name needs 1 to 64 characters")
    check_new_pin(pin, role)
    now = iso(utc_now())
    with store.transaction() as conn:
        if enforced(store):
            _require(by, Role.ADMIN, "adding staff")
        elif role is not Role.ADMIN:
            raise AuthorizationError("the first staff account must be an admin", reason="first")
        if conn.execute("SELECT 1 FROM staff WHERE name = ?", (name,)).fetchone():
            raise ValueError(f"there is already a staff account named {name}")
        conn.execute(
            "INSERT INTO staff (name, role, pin_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            (name, role.key, hash_pin(pin), now, now),
        )
        store.audit(
            conn,
            desk=str(store.get_setting("desk_name", "")),
            operator=by.name if by else name,
            action="staff_add",
            subject=name,
            details={"role": role.key},
        )
    return Staff(name, role)


def set_pin(store: Store, name: str, pin: str, *, by: Staff) -> None:
    """Change a PIN: your own, or anyone's if you are an admin. Also clears a lockout."""
    staff = get_staff(store, name)
    if staff is None:
        raise ValueError(f"no staff account named {name}")
    if by.name.casefold() != staff.name.casefold():
        _require(by, Role.ADMIN, "changing someone else's PIN")
    check_new_pin(pin, staff.role)
    with store.transaction() as conn:
        conn.execute(
            "UPDATE staff SET pin_hash = ?, updated_at = ? WHERE name = ?",
            (hash_pin(pin), iso(utc_now()), staff.name),
        )
        conn.execute("DELETE FROM auth_failures WHERE name = ?", (_key(staff.name),))
        store.audit(
            conn,
            desk=str(store.get_setting("desk_name", "")),
            operator=by.name,
            action="staff_set_pin",
            subject=staff.name,
        )


def remove_staff(store: Store, name: str, *, by: Staff | None) -> Staff:
    """Close a staff account (an admin's act): its PIN stops working; the audit log keeps its name.
    The last admin cannot be removed: nobody could then add staff or change settings."""
    _require(by, Role.ADMIN, "removing staff")
    staff = get_staff(store, name)
    if staff is None:
        raise ValueError(f"no staff account named {name}")
    with store.transaction() as conn:
        if staff.role is Role.ADMIN:
            admins = conn.execute(
                "SELECT count(*) FROM staff WHERE role = 'admin' AND active = 1"
            ).fetchone()[0]
            if admins <= 1:
                raise ValueError(f"{staff.name} is the last admin: add another admin first")
        conn.execute(
            "UPDATE staff SET active = 0, updated_at = ? WHERE name = ?", (iso(utc_now()), staff.name)
        )
        store.audit(
            conn,
            desk=str(store.get_setting("desk_name", "")),
            operator=by.name,
            action="staff_remove",
            subject=staff.name,
            details={"role": staff.role.key},
        )
    return staff


def get_staff(store: Store, name: str) -> Staff | None:
    row = store.conn.execute(
        "SELECT name, role FROM staff WHERE name = ? AND active = 1", (clean_text(name),)
    ).fetchone()
    return Staff(row[0], Role.parse(row[1])) if row else None


def list_staff(store: Store) -> list[Staff]:
    rows = store.conn.execute("SELECT name, role FROM staff WHERE active = 1 ORDER BY name COLLATE NOCASE")
    return [Staff(name, Role.parse(role)) for name, role in rows]


# -- authorising ---------------------------------------------------------------------------------------


def _key(name: str) -> str:
    return clean_text(name).casefold()


def lockout_for(failures: int) -> timedelta:
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    doublings = min(failures - FREE_ATTEMPTS, 20)  # 30 s * 2**20 is far past the cap: no overflow
    return min(FIRST_LOCKOUT * 2**doublings, MAX_LOCKOUT)


def locked_until(store: Store, name: str) -> datetime | None:
    row = store.conn.execute(
        "SELECT locked_until FROM auth_failures WHERE name = ?", (_key(name),)
    ).fetchone()
    return parse_iso(row[0]) if row and row[0] else None


def authorize(store: Store, role_needed: Role, name: str, pin: str, now: datetime | None = None) -> Staff:
    """Check `name`'s PIN and role; the Staff to pass as `authorized_by` to a privileged desk action.

    Raises LockedOut while the name is locked out (the PIN is not even checked), AuthorizationError for
    a wrong name or PIN (both counted, with the same message) or a role below `role_needed`.

    The attempt is counted as a failure, in its own IMMEDIATE transaction, *before* the slow hash is
    checked, and forgiven only once the PIN proves right. N guesses made at once (threads, processes,
    desks sharing the file) therefore spend N attempts: past the free ones, the rest find the name
    locked without their PIN ever being checked.
    """
    now = now or utc_now()
    key, shown = _key(name), clean_text(name)[:64]
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT failures, locked_until FROM auth_failures WHERE name = ?", (key,)
        ).fetchone()
        failures, until = (row[0], parse_iso(row[1]) if row[1] else None) if row else (0, None)
        if until is not None and now < until:
            raise LockedOut(shown, until, now)
        failures += 1
        lock = lockout_for(failures)
        conn.execute(
            "INSERT INTO auth_failures (name, failures, locked_until, last_failure_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET failures = excluded.failures, "
            "locked_until = excluded.locked_until, last_failure_at = excluded.last_failure_at",
            (key, failures, iso(now + lock) if lock else None, iso(now)),
        )
    row = store.conn.execute(
        "SELECT name, role, pin_hash FROM staff WHERE name = ? AND active = 1", (clean_text(name),)
    ).fetchone()
    good = check_pin(pin, row[2] if row else _dummy_hash()) and row is not None
    with store.transaction() as conn:
        if good:
            conn.execute("DELETE FROM auth_failures WHERE name = ?", (key,))
        else:
            store.audit(
                conn,
                desk=str(store.get_setting("desk_name", "")),
                operator=shown,
                action="pin_refused",
                subject=shown,
                details={"failures": failures, "locked_seconds": int(lock.total_seconds())},
            )
    if not good:
        if lock:
            raise LockedOut(shown, now + lock, now)
        raise AuthorizationError("wrong name or PIN")
    staff = Staff(row[0], Role.parse(row[1]), iso(now))
    _require(staff, role_needed, "this")
    return staff


def _a(role: Role) -> str:
    return ("an " if role.key[0] in "aeiou" else "a ") + role.key


def _require(staff: Staff | None, needed: Role, what: str) -> Staff:
    if staff is None:
        raise AuthorizationError(
            f"{what} needs {_a(needed)}: enter {_a(needed)}'s name and PIN", reason="missing", needed=needed
        )
    if not staff.may(needed):
        raise AuthorizationError(
            f"{staff.name} is {_a(staff.role)}; {what} needs {_a(needed)}",
            reason="role",
            staff=staff,
            needed=needed,
        )
    return staff


def require(store: Store, action: str, authorized_by: Staff | None, claimed: str = "") -> str:
    """The name to record for a privileged `action`, after checking the role it needs.

    With `authorized_by` (from `authorize`), its role must be enough. Without it, the action is refused
    when roles are enforced, and `claimed` (the name typed, as before roles existed) is used otherwise.
    """
    needed = REQUIRED[action]
    if authorized_by is not None:
        return _require(authorized_by, needed, action.replace("_", " ")).name
    if enforced(store):
        _require(None, needed, action.replace("_", " "))
    return claimed


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} s"
    return f"{(seconds + 59) // 60} min"
