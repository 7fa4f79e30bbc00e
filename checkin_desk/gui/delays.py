"""How long a result stays on screen before the desk shows "ready" again (event settings, seconds)."""

from __future__ import annotations

from checkin_desk.storage.store import Store

READY_AFTER_SETTING = "gui_ready_after"  # the desk's banner
KIOSK_READY_AFTER_SETTING = "gui_kiosk_ready_after"  # the kiosk's result, back to the welcome screen
READY_AFTER_S, KIOSK_READY_AFTER_S = 10, 5  # defaults; 0 keeps the result until the next scan


def seconds_setting(store: Store, key: str, default: int) -> int:
    """A delay in seconds from the event settings; a value that is not one falls back to `default`."""
    value = store.get_setting(key, default)
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 3600 else default
