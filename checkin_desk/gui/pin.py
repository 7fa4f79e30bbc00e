"""Who may do a privileged action at the desk window: one authority, `checkin_desk.trust.roles`.

The PIN dialog calls `check(store, action, name, pin, now)`, which asks `roles.authorize` for the role
`roles.REQUIRED[action]` and returns an `Authority` to hand to the desk service (`authorized_by=`).
Before the event has its first staff account (`roles.enforced` is false) the desk trusts the name
typed, as the desk service does; the settings dialog is where the first (admin) account is made.

No Qt here: the words come through a `tr(message_id, **values)` callable (the window's Translator).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from checkin_desk.storage.store import Store
from checkin_desk.trust import roles
from checkin_desk.trust.roles import AuthorizationError, LockedOut, Role, Staff
from checkin_desk.util.textnorm import clean_text

Tr = Callable[..., str]


@dataclass(frozen=True, slots=True)
class Authority:
    """Who allowed an action: `staff` from roles.authorize, or None (no staff accounts yet) with the
    name typed. `kwargs` are what the desk service's privileged methods take."""

    name: str
    staff: Staff | None = None

    def kwargs(self, name_arg: str = "supervisor") -> dict:
        return {name_arg: self.name, "authorized_by": self.staff}


def needed(action: str) -> Role:
    return roles.REQUIRED[action]


def check(store: Store, action: str, name: str, pin: str, now: datetime) -> Authority:
    """The Authority for `action`, or AuthorizationError / LockedOut (word them with `message`)."""
    name = clean_text(name)
    if not roles.enforced(store):
        if not name:
            raise AuthorizationError("enter your name", reason="missing")
        return Authority(name)
    return Authority(name, roles.authorize(store, needed(action), name, pin, now))


def wait_text(tr: Tr, seconds: int) -> str:
    if seconds < 90:
        return tr("pin.seconds", n=seconds)
    return tr("pin.minutes", n=(seconds + 59) // 60)


def message(tr: Tr, exc: AuthorizationError, now: datetime | None = None) -> str:
    """The refusal in the desk's language; a lockout says how long is left."""
    if isinstance(exc, LockedOut):
        seconds = exc.seconds
        if now is not None:
            seconds = max(1, int((exc.until - now).total_seconds() + 0.999))
        return tr("pin.locked", name=exc.name, wait=wait_text(tr, seconds))
    if exc.reason == "role" and exc.staff is not None and exc.needed is not None:
        return tr(
            "pin.role",
            name=exc.staff.name,
            role=role_name(tr, exc.staff.role),
            needed=role_name(tr, exc.needed),
        )
    if exc.reason == "missing":
        return tr("pin.need_name")
    if exc.reason == "first":
        return tr("staff.first_admin")
    return tr("pin.wrong")


def role_name(tr: Tr, role: Role) -> str:
    return tr(f"role.{role.key}")


def new_pin_problem(tr: Tr, pin: str, again: str, role: Role) -> str:
    """ "" when `pin` (typed twice) may be a `role`'s PIN, else why not, in the desk's language."""
    if pin != again:
        return tr("staff.pin_mismatch")
    if len(pin) < roles.MIN_PIN[role.key]:
        return tr("staff.pin_short", n=roles.MIN_PIN[role.key])
    try:
        roles.check_new_pin(pin, role)
    except ValueError:
        return tr("staff.pin_easy")
    return ""
