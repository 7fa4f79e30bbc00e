"""Who may do supervisor actions: a PIN check, through the security module once it exists.

Until `checkin_desk.security` lands, one supervisor PIN per event is kept in the event's settings as
an scrypt hash (never the PIN itself). This module holds no Qt on purpose: it is the seam the security
branch replaces with roles.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import secrets
from datetime import datetime

from ..store import Store

SETTING = "supervisor_pin"
_N, _R, _P = 2**14, 8, 1


def _hash(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)


def set_pin(store: Store, pin: str) -> None:
    if len(pin) < 4 or not pin.isdigit():
        raise ValueError("a PIN is at least 4 digits")
    salt = secrets.token_bytes(16)
    store.set_setting(SETTING, {"scheme": "scrypt", "salt": salt.hex(), "hash": _hash(pin, salt).hex()})


def pin_is_set(store: Store) -> bool:
    security = _security()
    if security is not None and hasattr(security, "has_supervisors"):
        return bool(security.has_supervisors(store))
    return bool(store.get_setting(SETTING))


def authorize(store: Store, name: str, pin: str, now: datetime, role: str = "supervisor") -> bool:
    security = _security()
    if security is not None and hasattr(security, "authorize"):
        return bool(security.authorize(store, role, name, pin, now))
    record = store.get_setting(SETTING)
    if not record or not pin:
        return False
    expected = bytes.fromhex(record["hash"])
    return hmac.compare_digest(_hash(pin, bytes.fromhex(record["salt"])), expected)


def _security():
    try:
        return importlib.import_module("checkin_desk.security")
    except ImportError:
        return None
