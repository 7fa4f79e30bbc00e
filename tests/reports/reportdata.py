"""Helpers for the report tests: scans written straight into the table, as desks would have."""

from __future__ import annotations

import uuid
from datetime import datetime

from checkin_desk.clock import local_day
from checkin_desk.store import Store


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
