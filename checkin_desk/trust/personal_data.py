"""Attendee personal data leaving the desk: exports (supervisor only) and the after-event purge.

`purge_event` keeps what the organisers' figures need — every scan with its day, hour, desk, category
and status, and one pseudonymous id per attendee so that unique counts stay right — and removes names,
companies, e-mails, phones, notes, the search index, badge print jobs, and the codes themselves
(replaced by random ids, so the desk can no longer be matched with the registration system's list).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from checkin_desk.errors import CheckinDeskError
from checkin_desk.storage import recording, search_index
from checkin_desk.storage.store import ATTENDEE_FIELDS, HUB_DSN_SETTING, Store
from checkin_desk.trust import roles
from checkin_desk.trust.roles import Staff
from checkin_desk.util.clock import utc_now_iso
from checkin_desk.util.csvsafe import SafeWriter
from checkin_desk.util.privacy import open_private

PURGED_SETTING = "purged_at"  # when this event's personal data was purged: it never syncs again
EXPORT_FIELDS = ATTENDEE_FIELDS
PERSONAL_FIELDS = ("first_name", "last_name", "company", "job_title", "country", "email", "phone", "notes")


class PurgeRefused(CheckinDeskError):
    """The purge would lose data that has not reached the hub yet; the message says what to do."""


def export_attendees(
    store: Store,
    path: str | os.PathLike,
    *,
    desk: str = "",
    claimed: str = "",
    authorized_by: Staff | None = None,
) -> int:
    """Write the attendee list to a CSV file (owner-only, formulas neutralised); supervisor only.

    Returns the number of attendees written. The export lands in the audit log.
    """
    who = roles.require(store, "export_attendees", authorized_by, claimed)
    count = 0
    with open_private(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = SafeWriter(fh, lineterminator="\r\n")
        writer.writerow(EXPORT_FIELDS)
        for attendee in store.attendees():
            row = attendee.to_dict()
            writer.writerow([",".join(row[f]) if f == "days" else row[f] for f in EXPORT_FIELDS])
            count += 1
    with store.transaction() as conn:
        store.audit(
            conn,
            desk=desk,
            operator=who,
            action="export_attendees",
            subject=Path(path).name,
            details={"attendees": count, **({"role": authorized_by.role.key} if authorized_by else {})},
        )
    return count


@dataclass(frozen=True)
class PurgeReport:
    attendees: int
    scans: int
    print_jobs: int
    outbox: int
    disconnected_from: str = ""  # the hub this desk was connected to ('' when none)


def pending_outbox(store: Store) -> int:
    return store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0]


def purge_event(
    store: Store,
    *,
    desk: str = "",
    claimed: str = "",
    authorized_by: Staff | None = None,
    force: bool = False,
    forget_hub: Callable[[str], str] | None = None,
) -> PurgeReport:
    """Remove attendee personal data from this desk, keeping anonymous counts. Admin only.

    Refuses while the outbox holds changes the hub has not received, unless `force`. `forget_hub(address)`
    removes the hub's password from this machine and names the hub for the report (services.purge
    gives it: the hub's credentials belong to the sync layer, above this one).
    """
    who = roles.require(store, "purge", authorized_by, claimed)
    # Scans recorded beside a busy database hold attendee codes: into the database first.
    recording.drain(store, wait_s=2.0)
    if (beside := recording.waiting_count(store)) and not force:
        raise PurgeRefused(
            f"{beside} scans still wait beside the event database (another program holds it); "
            "close that program and purge again"
        )
    waiting = pending_outbox(store)
    if waiting and not force:
        raise PurgeRefused(
            f"{waiting} changes have not been sent to the hub yet; sync first, or purge with --force "
            "to lose them"
        )
    hub_address = store.get_setting(HUB_DSN_SETTING) or ""
    conn = store.conn
    conn.execute("PRAGMA secure_delete = ON")  # deleted rows are overwritten, not just unlinked
    with store.transaction():
        # A purged desk leaves its hub: syncing again would pull every name back.
        store.delete_setting(HUB_DSN_SETTING)
        store.set_setting(PURGED_SETTING, utc_now_iso())
        conn.execute("CREATE TEMP TABLE purge_map (old TEXT PRIMARY KEY, new TEXT NOT NULL UNIQUE)")
        try:
            olds = [row[0] for row in conn.execute("SELECT code FROM attendees")]
            conn.executemany(
                "INSERT INTO purge_map (old, new) VALUES (?, ?)",
                [(old, "P" + secrets.token_hex(6).upper()) for old in olds],
            )
            blank = ", ".join(f"{f} = ''" for f in PERSONAL_FIELDS)
            attendees = conn.execute(
                f"UPDATE attendees SET {blank}, origin = 'purged', "
                "code = (SELECT new FROM purge_map WHERE old = attendees.code)"
            ).rowcount
            search_index.clear(conn)
            scans = conn.execute(
                "UPDATE scans SET raw = '', "
                "attendee_code = (SELECT new FROM purge_map WHERE old = scans.attendee_code), "
                "code = coalesce((SELECT new FROM purge_map WHERE old = scans.code), ''), "
                "override_reason = CASE WHEN override_reason IS NULL THEN NULL ELSE 'purged' END, "
                "cancel_reason = CASE WHEN cancel_reason IS NULL THEN NULL ELSE 'purged' END"
            ).rowcount
            jobs = conn.execute("DELETE FROM print_jobs").rowcount
            outbox = conn.execute("DELETE FROM outbox").rowcount
            conn.execute("DELETE FROM issued_codes")
            conn.execute("DELETE FROM revocations")
        finally:
            conn.execute("DROP TABLE temp.purge_map")
        store.audit(
            conn,
            desk=desk,
            operator=who,
            action="purge",
            subject="attendee personal data",
            details={"attendees": attendees, "scans": scans, "print_jobs": jobs, "outbox": outbox},
        )
    # The purge's own audit entry went to the outbox: keep it, it is for the hub. Then compact the file
    # so that the old rows are not left in free pages or in the write-ahead log.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    # Scratch search indexes that killed imports left behind hold words of the names: whatever their age.
    search_index.sweep_scratch_files(store.path, older_than=0)
    if beside:  # --force: what still waited beside the database goes too
        _remove_waiting_file(store)
    hub = forget_hub(hub_address) if forget_hub is not None and hub_address else ""
    return PurgeReport(attendees, scans, jobs, outbox, hub)


def _remove_waiting_file(store: Store) -> None:
    if store.waiting is not None:
        store.waiting.close()
        store.waiting = None
    for suffix in ("", "-wal", "-shm"):
        Path(recording.waiting_path(store.path) + suffix).unlink(missing_ok=True)
