"""After the event: remove attendee personal data from this desk (trust.personal_data.purge_event) and
the hub's password with it, so that no sync can pull names back."""

from __future__ import annotations

from checkin_desk.storage.store import Store
from checkin_desk.trust import personal_data
from checkin_desk.trust.personal_data import PurgeRefused, PurgeReport
from checkin_desk.trust.roles import Staff


def _forget_hub(address: str) -> str:
    """The hub's password leaves this desk with the purge; returns the hub's name for the report."""
    from checkin_desk.sync import connection, credentials  # psycopg only when there was a hub

    credentials.forget(address)
    return connection.describe(address)


def purge_event(
    store: Store,
    *,
    desk: str = "",
    claimed: str = "",
    authorized_by: Staff | None = None,
    force: bool = False,
) -> PurgeReport:
    """Admin only; refuses while changes have not reached the hub, unless `force` (PurgeRefused)."""
    return personal_data.purge_event(
        store, desk=desk, claimed=claimed, authorized_by=authorized_by, force=force, forget_hub=_forget_hub
    )


__all__ = ["PurgeRefused", "PurgeReport", "purge_event"]
