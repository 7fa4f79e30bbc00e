"""What every command needs: the event database and the desk, resolved from flags and machine config."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from checkin_desk.cli import UsageError
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import HUB_DSN_SETTING, Store
from checkin_desk.trust import roles
from checkin_desk.util.config import MachineConfig


def db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if getattr(args, "db", None) else MachineConfig.load().event_path()


def open_store(args: argparse.Namespace, *, create: bool = False) -> Store:
    return Store.open(db_path(args), create=create)


def desk_name(args: argparse.Namespace, store: Store | None = None) -> str:
    if getattr(args, "desk", None):
        return args.desk
    if store is not None and (name := store.get_setting("desk_name")):
        return str(name)
    return MachineConfig.load().desk()


def operator_name(args: argparse.Namespace) -> str:
    """Who is at the desk: --operator, else --as (before staff accounts exist, the name given), else
    the machine's setting."""
    given = getattr(args, "operator", None) or getattr(args, "as_name", None)
    return given or MachineConfig.load().operator or ""


def open_desk(args: argparse.Namespace) -> Desk:
    store = open_store(args)
    name = desk_name(args, store)
    online = None
    if store.get_setting(HUB_DSN_SETTING):
        # Connected to a hub: decide online first (checkin_desk.sync), locally when it does not answer.
        from checkin_desk.sync import HubDecider, credentials

        if credentials.purged(store):
            print(f"hub not asked: {credentials.PURGED_REFUSAL}", file=sys.stderr)
        else:
            online = HubDecider(credentials.hub_dsn(store), name, event_id=store.get_setting("event_id"))
    return Desk(store, name, operator_name(args), online=online)


def map_options(items: list[str]) -> dict[str, str]:
    """`--map COLUMN=FIELD` options as {column: field}."""
    overrides = {}
    for item in items:
        column, sep, field_name = item.partition("=")
        if not sep or not column or not field_name:
            raise UsageError(f"--map {item!r}: write it as COLUMN=FIELD")
        overrides[column] = field_name
    return overrides


# -- staff: who runs a privileged command ------------------------------------------------------------
# Privileged commands take `--as NAME`; the PIN is read from CHECKIN_DESK_PIN, else asked for (or read
# from standard input when it is not a terminal). Before the event has any staff account, no PIN is asked.


def privileged(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument(
        "--as", dest="as_name", metavar="NAME", help="staff name (PIN from CHECKIN_DESK_PIN or asked)"
    )
    return p


def read_secret(prompt: str, env: str) -> str:
    if env in os.environ:
        return os.environ[env]
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline()
    if not line:
        raise UsageError(f"no PIN given (set {env} or type it)")
    return line.rstrip("\r\n")


def new_pin() -> str:
    if "CHECKIN_DESK_NEW_PIN" in os.environ or not sys.stdin.isatty():
        return read_secret("New PIN: ", "CHECKIN_DESK_NEW_PIN")
    first, second = getpass.getpass("New PIN: "), getpass.getpass("New PIN again: ")
    if first != second:
        raise UsageError("the two PINs differ")
    return first


def authorize(args: argparse.Namespace, store: Store, action: str) -> roles.Staff | None:
    """The staff member running a privileged command; None while the event has no staff accounts."""
    if getattr(args, "checked_for", None) == action:
        return args.checked_staff  # checked once already, at the door (cli._door)
    if not roles.enforced(store):
        args.checked_staff, args.checked_for = None, action
        return None
    if not args.as_name:
        raise UsageError(f"this needs a staff member ({roles.REQUIRED[action].key}): add --as NAME")
    staff = roles.authorize(
        store, roles.REQUIRED[action], args.as_name, read_secret("PIN: ", "CHECKIN_DESK_PIN")
    )
    args.checked_staff, args.checked_for = staff, action
    return staff


def staff_of(args: argparse.Namespace) -> roles.Staff | None:
    """Who was checked at the door for this command (None: no staff accounts, or an open command)."""
    return getattr(args, "checked_staff", None)


def camera_source(text: str) -> str:
    """An argparse type for --camera: an empty source is a mistake in a script, not "no camera"."""
    if not text.strip():
        raise argparse.ArgumentTypeError("give a device number (0), a video file or a stream URL")
    return text.strip()
