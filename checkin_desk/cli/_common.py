"""What every command needs: the event database and the desk, resolved from flags and machine config."""

from __future__ import annotations

import argparse
from pathlib import Path

from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import HUB_DSN_SETTING, Store
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
    return getattr(args, "operator", None) or MachineConfig.load().operator or ""


def open_desk(args: argparse.Namespace) -> Desk:
    store = open_store(args)
    name = desk_name(args, store)
    online = None
    if store.get_setting(HUB_DSN_SETTING):
        # Connected to a hub: decide online first (checkin_desk.sync), locally when it does not answer.
        from checkin_desk.sync import HubDecider, credentials

        online = HubDecider(credentials.hub_dsn(store), name, event_id=store.get_setting("event_id"))
    return Desk(store, name, operator_name(args), online=online)


def map_options(items: list[str]) -> dict[str, str]:
    """`--map COLUMN=FIELD` options as {column: field}."""
    from checkin_desk.cli import UsageError

    overrides = {}
    for item in items:
        column, sep, field_name = item.partition("=")
        if not sep or not column or not field_name:
            raise UsageError(f"--map {item!r}: write it as COLUMN=FIELD")
        overrides[column] = field_name
    return overrides
