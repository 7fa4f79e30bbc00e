"""Helpers for the report tests: scans written straight into the table, as desks would have."""

from __future__ import annotations

import uuid
from datetime import datetime

from checkin_desk.domain.models import Attendee
from checkin_desk.storage.store import Store
from checkin_desk.util.clock import local_day


def add_scan(
    store: Store,
    code: str | None,
    at: str,
    desk: str = "desk-1",
    status: str = "ok",
    *,
    admitted: int | None = None,
    reentry: int = 0,
    offline: int = 1,
    cancelled: bool = False,
    override: str | None = None,
    kind: str = "entry",
) -> str:
    moment = datetime.fromisoformat(at)
    scan_uuid = str(uuid.uuid4())
    if admitted is None:
        admitted = int(status in ("ok", "already_checked_in"))
    with store.transaction() as conn:
        store.insert_scan(
            conn,
            {
                "uuid": scan_uuid,
                "code": code or "",
                "attendee_code": code if code and store.lookup(code) else None,
                "at": moment.isoformat(timespec="milliseconds"),
                "day": local_day(moment, store.event().timezone),
                "desk": desk,
                "kind": kind,
                "status": status,
                "admitted": admitted,
                "reentry": reentry,
                "offline": offline,
                "override_reason": override,
                "cancelled_at": "2027-04-19T09:21:00.000+00:00" if cancelled else None,
            },
        )
    return scan_uuid


def make_fixed(people: Store) -> Store:
    """The data set of tests/reports (times UTC; Casablanca is UTC+1 in April 2027).

    day 18: SCE-1 09:05 desk-1, re-entry 12:20 desk-2; SCE-2 09:10 desk-1 and 09:25 desk-2, both
            first entries while offline (a conflict); SCE-4 refused (cancelled); an unknown code.
    day 19: SCE-3 00:30 local (23:30 UTC the day before); SCE-1 10:00; walk-in W1 10:10 desk-2;
            SCE-6 10:20 (then cancelled by a supervisor); SCE-5 blocked but admitted on override 10:30.
    day 20: nothing.
    """
    store = people
    store.upsert_attendees([Attendee("W1", "Walk", "In", category="visitor")], origin="walk_in")
    add_scan(store, "SCE-1", "2027-04-18T08:05:00+00:00", "desk-1")
    add_scan(store, "SCE-1", "2027-04-18T11:20:00+00:00", "desk-2", "already_checked_in", reentry=1)
    add_scan(store, "SCE-2", "2027-04-18T08:10:00+00:00", "desk-1")
    add_scan(store, "SCE-2", "2027-04-18T08:25:00+00:00", "desk-2")
    add_scan(store, "SCE-4", "2027-04-18T08:30:00+00:00", "desk-1", "cancelled")
    add_scan(store, "ZZZ-404", "2027-04-18T08:31:00+00:00", "desk-1", "unknown")
    add_scan(store, "SCE-3", "2027-04-18T23:30:00+00:00", "desk-1")
    add_scan(store, "SCE-1", "2027-04-19T09:00:00+00:00", "desk-1")
    add_scan(store, "W1", "2027-04-19T09:10:00+00:00", "desk-2")
    add_scan(store, "SCE-6", "2027-04-19T09:20:00+00:00", "desk-1", cancelled=True)
    add_scan(store, "SCE-5", "2027-04-19T09:30:00+00:00", "desk-1", "blocked", admitted=1, override="guest")
    with store.transaction() as conn:
        store.insert_print_job(
            conn, {"uuid": "j1", "attendee_code": "SCE-1", "desk": "desk-1", "state": "printed"}
        )
        store.insert_print_job(
            conn,
            {
                "uuid": "j2",
                "attendee_code": "SCE-1",
                "desk": "desk-1",
                "reprint": 1,
                "reason": "badge lost",
                "allowed_by": "sup",
            },
        )
    return store
