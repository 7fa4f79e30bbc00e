"""Checking the audit log: its own chain, and the anchors its hub holds for this desk.

The local chain and its head record live in one file; someone who edits the file can rewind both.
The hub's anchors (`sync.audit_anchor`) cannot be rewound from the desk, so with a hub the chain is
also compared with them. The result says what it was compared against.
"""

from __future__ import annotations

from dataclasses import dataclass

from checkin_desk.storage import audit
from checkin_desk.storage.store import Store
from checkin_desk.sync import audit_anchor, connection, credentials
from checkin_desk.sync.loop import DESK_UID_SETTING


@dataclass(frozen=True)
class AuditCheck:
    entries: int
    problems: list[audit.AuditProblem]
    compared_with: str  # one sentence for people: what the chain was checked against
    complete: bool = True  # False when the desk has a hub that could not be asked

    @property
    def intact(self) -> bool:
        return self.complete and not self.problems


LOCAL_ONLY = (
    "no hub is configured: only this desk's own chain was checked, which whoever can edit the event "
    "file can rewind"
)


def check_audit(store: Store, *, connect_timeout: float = 5.0) -> AuditCheck:
    problems = audit.verify(store.conn)
    entries = store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    dsn = credentials.hub_dsn(store)
    if not dsn:
        return AuditCheck(entries, problems, LOCAL_ONLY)
    where = connection.describe(dsn)
    uid = store.get_setting(DESK_UID_SETTING)
    if not uid:
        return AuditCheck(
            entries,
            problems,
            f"this desk has not synced with the hub {where} since it was connected: the hub holds no "
            "anchor for it yet, only the local chain was checked",
        )
    try:
        with connection.connect(
            dsn, connect_timeout=connect_timeout, application_name="checkin-desk audit"
        ) as conn:
            held = audit_anchor.anchors(conn, str(uid))
    except connection.HubError as exc:
        return AuditCheck(
            entries,
            problems,
            f"{exc}: only the local chain was checked, not the hub's anchors",
            complete=False,
        )
    if not held:
        return AuditCheck(
            entries,
            problems,
            f"the hub {where} holds no anchor for this desk yet (one is added at each sync): "
            "only the local chain was checked",
        )
    newest = held[-1]
    compared = (
        f"compared with the hub {where}: its newest anchor for this desk records {newest.entries} entries "
        f"on {newest.hub_at:%Y-%m-%d %H:%M:%S %Z}".rstrip()
        + (f" ({len(held)} anchors compared)" if len(held) > 1 else "")
    )
    return AuditCheck(entries, problems + audit_anchor.compare(store.conn, held), compared)
