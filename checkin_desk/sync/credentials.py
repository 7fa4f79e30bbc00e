"""The desk's hub password lives outside the event database, in a file only its owner can read.

The event database keeps the hub's address without its password (setting `hub_dsn`): a copy of the
event file — a backup, a file sent for support, a stolen laptop's data folder — carries no
credential. The password goes into a libpq password file, `credentials/hub.pgpass` in the config
directory (folder 0700, file 0600); `connection.connect` names it with `passfile=`, and libpq itself
ignores such a file when others can read it. A password still inside the event database (set by an
older release, or by hand) is moved out the first time the address is read (`hub_dsn`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from psycopg import conninfo

from checkin_desk.storage.store import HUB_DSN_SETTING, Store, StoreError
from checkin_desk.trust.personal_data import PURGED_SETTING
from checkin_desk.util.config import config_dir
from checkin_desk.util.privacy import make_private_dir, open_private


def passfile_path() -> Path:
    return config_dir() / "credentials" / "hub.pgpass"


def split(dsn: str) -> tuple[str, str | None]:
    """(the address without its password, the password or None)."""
    params = conninfo.conninfo_to_dict(dsn)
    password = params.pop("password", None)
    return conninfo.make_conninfo(**{k: str(v) for k, v in params.items()}), password


PURGED_REFUSAL = (
    "this event's attendee data was purged on this desk: a purged event never connects to a hub "
    "again (the hub would write the names back)"
)


def purged(store: Store) -> bool:
    return bool(store.get_setting(PURGED_SETTING))


def refuse_if_purged(store: Store) -> None:
    """Raises HubError on a purged event: every way to a hub (settings, `hub connect`, a scan, the
    sync loop) checks this first, so an address put back by hand brings no name back either."""
    if purged(store):
        from checkin_desk.sync.connection import HubError  # connection imports this module

        raise HubError(PURGED_REFUSAL)


def store_hub(store: Store, dsn: str) -> str:
    """Connect this event database to the hub at `dsn`: its password to the password file, the rest
    to the database. Returns the address as stored. Refused on a purged event."""
    refuse_if_purged(store)
    address, password = split(dsn)
    if password is not None:
        remember(address, password)
    _replace_setting(store, address)
    return address


def connect_store(store: Store, dsn: str) -> str:
    """What `hub connect` and the window's settings do: store the hub (its password apart) and give
    this desk a new uid for it, so that a database file copied to another desk never shares one."""
    address = store_hub(store, dsn)
    store.delete_setting("sync_desk_uid")
    return address


def hub_dsn(store: Store) -> str | None:
    """The hub this event database is connected to (no password), or None; None on a purged event
    even when an address was put back by hand."""
    dsn = store.get_setting(HUB_DSN_SETTING)
    if not dsn or purged(store):
        return None
    try:
        password = split(str(dsn))[1]
    except Exception:
        return str(dsn)  # unreadable: connection.parse says why when it is used
    if password is None:
        return str(dsn)
    try:
        return store_hub(store, str(dsn))
    except StoreError:  # busy or read-only now: use it as it is, move it next time
        return str(dsn)


def disconnect(store: Store) -> str | None:
    """Forget the hub of this event database and its password. Returns the address it had."""
    dsn = store.get_setting(HUB_DSN_SETTING)
    if not dsn:
        return None
    dsn = split(str(dsn))[0] if purged(store) else hub_dsn(store)
    store.delete_setting(HUB_DSN_SETTING)
    forget(dsn)
    return dsn


def _replace_setting(store: Store, address: str) -> None:
    # The old value (with its password) is overwritten in the file, not just unlinked, and the
    # write-ahead log that still holds it is emptied.
    conn = store.conn
    conn.execute("PRAGMA secure_delete = ON")
    try:
        store.set_setting(HUB_DSN_SETTING, address)
    finally:
        conn.execute("PRAGMA secure_delete = OFF")
    with contextlib.suppress(sqlite3.OperationalError):  # busy: the next checkpoint does it
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# -- the password file ---------------------------------------------------------------------------------


def _key(address: str) -> tuple[str, str, str, str]:
    """The (host, port, database, user) a libpq password file line is matched on."""
    params = conninfo.conninfo_to_dict(address)
    host = str(params.get("host") or params.get("hostaddr") or "localhost")
    port = str(params.get("port") or "5432")
    user = str(params.get("user") or "*")
    dbname = str(params.get("dbname") or params.get("user") or "*")
    if "," in host or "," in port:
        host, port = "*", "*"
    return host, port, dbname, user


def _escape(field: str) -> str:
    return field.replace("\\", "\\\\").replace(":", "\\:")


def _line_key(line: str) -> tuple[str, ...]:
    fields, current, escaped = [], "", False
    for ch in line:
        if escaped:
            current += ch
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ":" and len(fields) < 4:
            fields.append(current)
            current = ""
        else:
            current += ch
    return tuple(fields[:4])


def remember(address: str, password: str) -> None:
    key = _key(address)
    lines = [line for line in _read() if _line_key(line) != key]
    lines.append(":".join(_escape(f) for f in (*key, password)))
    _write(lines)


def forget(address: str) -> None:
    key = _key(address)
    lines = _read()
    kept = [line for line in lines if _line_key(line) != key]
    if len(kept) != len(lines):
        _write(kept)


def _read() -> list[str]:
    try:
        return [line for line in passfile_path().read_text(encoding="utf-8").splitlines() if line.strip()]
    except FileNotFoundError:
        return []


def _write(lines: list[str]) -> None:
    path = passfile_path()
    make_private_dir(path.parent)
    tmp = path.with_suffix(".tmp")
    with open_private(tmp, "w", encoding="utf-8") as fh:
        fh.write("".join(line + "\n" for line in lines))
    os.replace(tmp, path)
