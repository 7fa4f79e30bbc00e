"""The report's source on a desk with a hub: sync first, then report on the synced copy.

After `SyncLoop.run_once()` returns, this desk's database holds every scan the hub had (pulled in
pages, each with its cursor) plus this desk's own, so the report's figures are computed by the same
SQLite code and indexes as a desk-only report, and cover all desks. The hub's `conflicts` table is
read in the same round: only the hub knows what it would have decided when each offline scan
arrived. When the hub cannot be reached the report covers this desk's copy and says why.
"""

from __future__ import annotations

import contextlib
import logging

from checkin_desk.reports.source import HubConflict, LocalSource, ReportSource, SyncedSource
from checkin_desk.storage.store import Store
from checkin_desk.sync import connection, credentials, hub
from checkin_desk.sync.loop import SyncLoop
from checkin_desk.util.clock import utc_now_iso

log = logging.getLogger(__name__)


def report_source(store: Store, desk_name: str, dsn: str | None = None) -> ReportSource:
    """SyncedSource after a fresh sync when the desk has a hub and it answers, else LocalSource."""
    dsn = dsn or credentials.hub_dsn(store)
    if not dsn:
        return LocalSource(store, desk_name)
    try:
        loop = SyncLoop(store, desk_name, dsn)
    except connection.HubError as exc:
        return LocalSource(store, desk_name, hub_problem=str(exc))
    try:
        loop.run_once()
        with connection.connect(dsn, application_name=f"checkin-desk report {desk_name}") as conn:
            conflicts = [_conflict(row) for row in hub.iter_conflicts(conn)]
    except connection.HubError as exc:
        return LocalSource(store, desk_name, hub_problem=str(exc))
    except Exception as exc:  # psycopg errors after the sync: report on what was pulled
        message = connection.explain(exc, dsn)
        log.warning("report: %s", message)
        return LocalSource(store, desk_name, hub_problem=message)
    finally:
        with contextlib.suppress(Exception):
            loop.close()
    return SyncedSource(
        store, desk_name, hub_name=connection.describe(dsn), synced_at=utc_now_iso(), conflicts=conflicts
    )


def _conflict(row: dict) -> HubConflict:
    return HubConflict(
        attendee_code=row["attendee_code"] or "",
        day=row["day"],
        desk=row["desk"],
        earlier_desk=row["earlier_desk"] or "",
        hub_at=row["hub_at"],
        earlier_hub_at=row["earlier_hub_at"] or "",
        reason=row["reason"],
    )
