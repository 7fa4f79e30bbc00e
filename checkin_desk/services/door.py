"""The one door for a privileged change: the role its action needs (`roles.REQUIRED`), then the change
and its audit entry in one transaction. Services that have no method of their own on `Desk` (printers,
the hub, staff, the event file) go through here; the window and the command line only call services.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from checkin_desk.storage.store import Store
from checkin_desk.trust import roles


@dataclass
class AuditEntry:
    """What the audit log will say about the change; the caller may add details as it goes."""

    action: str
    subject: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def check(store: Store, action: str, actor: roles.Staff | None, claimed: str = "") -> str:
    """The name to record for `action` after checking its role (see roles.require)."""
    return roles.require(store, action, actor, claimed)


@contextmanager
def privileged(
    store: Store,
    action: str,
    actor: roles.Staff | None,
    *,
    desk: str,
    claimed: str = "",
    audit_as: str | None = None,
    subject: str = "",
    details: dict[str, Any] | None = None,
) -> Iterator[AuditEntry]:
    """`with privileged(store, "settings", actor, desk=...) as entry:` make the change inside; the audit
    entry is written in the same transaction when the block ends without an error."""
    name = check(store, action, actor, claimed)
    entry = AuditEntry(audit_as or action, subject, dict(details or {}))
    if actor is not None:
        entry.details.setdefault("role", actor.role.key)
    with store.transaction() as conn:
        yield entry
        store.audit(conn, desk=desk, operator=name, action=entry.action, subject=entry.subject,
                    details=entry.details)  # fmt: skip


def record(
    store: Store, action: str, actor: roles.Staff | None, *, desk: str, claimed: str = "", **entry: Any
) -> None:
    """An audit entry on its own, for a change made elsewhere (an import's own transaction)."""
    with privileged(store, action, actor, desk=desk, claimed=claimed, **entry):
        pass
