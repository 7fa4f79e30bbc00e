"""The PostgreSQL hub: its schema, online-first decisions, and the desk's sync loop. No Qt here.

- `HubDecider(dsn, desk_name)`: the desk's `OnlineDecider` (pass it as `Desk(..., online=...)`).
- `SyncLoop(store, desk_name)`: `run_once()` / `run_forever(stop_event)`, state through `on_state`.
- `hub_schema.migrate` / `ensure_desk_role`: what `checkin-desk hub init` does.
- `reporting.report_source(store, desk_name)`: what `checkin-desk report` reports on with a hub.
"""

from checkin_desk.sync.connection import HubError, describe, mask
from checkin_desk.sync.loop import HUB_DSN_SETTING, SyncLoop, SyncReport, SyncState
from checkin_desk.sync.online import HubAnswer, HubDecider

__all__ = [
    "HUB_DSN_SETTING",
    "HubAnswer",
    "HubDecider",
    "HubError",
    "SyncLoop",
    "SyncReport",
    "SyncState",
    "describe",
    "mask",
]
