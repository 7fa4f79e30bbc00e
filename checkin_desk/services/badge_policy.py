"""Which passes may get a badge outside a scan: the rule every badge job made by hand goes through.

A scan prints a badge only when the rules admit the pass (`rules.decide`). A badge asked for by hand
(print from search, a reprint, a re-issued pass) must not be a way round that: a blocked or cancelled
pass, a pass whose signed code was revoked (re-issued elsewhere: a badge from here would carry the old,
refused code) and an unknown code never get a badge job, except through a supervisor's override,
which is audited (`desk_ops.print_refused_badge`). `Desk.queue_badge` asks `badge_refusal` first.
"""

from __future__ import annotations

from checkin_desk.domain import codes
from checkin_desk.domain.models import Status
from checkin_desk.domain.rules import REFUSED_BY_PASS
from checkin_desk.storage.store import Store
from checkin_desk.trust import signing


def badge_refusal(store: Store, code: str) -> Status | None:
    """Why `code`'s pass may not get a badge (unknown, cancelled, blocked, unpaid), or None when it may.

    A revoked pass (every signed code this desk could print for it is revoked) is `Status.CANCELLED`,
    as a scan of its old badge would be.
    """
    attendee = store.lookup(codes.normalise(code))
    if attendee is None:
        return Status.UNKNOWN
    if attendee.status in REFUSED_BY_PASS:
        return REFUSED_BY_PASS[attendee.status]
    below = signing.revocation(store, attendee.code)
    if below is not None:
        row = store.conn.execute("SELECT issue FROM issued_codes WHERE code = ?", (attendee.code,)).fetchone()
        if row is None or int(row[0]) < below:
            return Status.CANCELLED
    return None


def is_revoked(store: Store, code: str) -> bool:
    """True when `code`'s pass itself is valid but its signed code was replaced (a re-issued pass)."""
    attendee = store.lookup(codes.normalise(code))
    return (
        attendee is not None
        and attendee.status not in REFUSED_BY_PASS
        and badge_refusal(store, code) == Status.CANCELLED
    )
