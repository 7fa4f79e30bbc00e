"""Event commands: create or show an event, build the demo event, import the attendee list."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from checkin_desk.cli import CommandError, UsageError
from checkin_desk.cli._common import db_path, map_options, open_store
from checkin_desk.domain.models import EventInfo
from checkin_desk.imports.readers import ImportFileError, import_file
from checkin_desk.services import demo as demo_data
from checkin_desk.storage.store import Store
from checkin_desk.util.config import MachineConfig, data_dir


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("event", help="create or show the event")
    p.add_argument("action", choices=("create", "show"))
    p.add_argument("--name", default="Event")
    p.add_argument("--days", help="comma-separated ISO dates, e.g. 2027-04-18,2027-04-19")
    p.add_argument("--timezone", default="Africa/Casablanca")
    p.set_defaults(handler=cmd_event)

    p = sub.add_parser("demo", help="build the demo event (three days from today)")
    p.add_argument("--attendees", type=int, default=2000)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--if-missing", action="store_true", help="do nothing if the event database exists")
    p.add_argument("--replace", action="store_true", help="replace an existing demo database")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("import", help="import an attendee list (CSV, XLSX, JSON)")
    p.add_argument("file")
    p.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD")
    p.add_argument("--skip-invalid", action="store_true", help="import the good rows, skip the bad ones")
    p.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    p.set_defaults(handler=cmd_import)


def _set_current(path: Path) -> None:
    config = MachineConfig.load()
    if config.current_event != str(path):
        config.current_event = str(path)
        config.save()


def cmd_event(args: argparse.Namespace) -> int:
    path = db_path(args)
    if args.action == "show":
        store = open_store(args)
        event = store.event()
        print(
            f"{event.name}\n{', '.join(event.days)} ({event.timezone})\n{store.attendee_count()} attendees\n{path}"
        )
        return 0
    if not args.days:
        raise UsageError("event create needs --days")
    if path.exists() and path.stat().st_size:
        raise CommandError(f"an event database already exists at {path}")
    store = Store.open(path, create=True)
    store.init_event(EventInfo(args.name, tuple(d.strip() for d in args.days.split(",")), args.timezone))
    _set_current(path)
    print(f"created {path}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    path = Path(args.db) if args.db else data_dir() / "events" / "demo.sqlite"
    if path.exists() and path.stat().st_size:
        if args.if_missing:
            _set_current(path)
            return 0
        if not args.replace:
            raise CommandError(f"{path} exists; use --replace to rebuild the demo event")
        Store.open(path).close()  # refuse to delete a file that is not an event database
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if args.attendees < 0:
        raise UsageError("--attendees must be 0 or more")
    store = Store.open(path, create=True)
    event = demo_data.event_info()
    store.init_event(event)
    report = store.upsert_attendees(demo_data.attendees(args.attendees, event, args.seed), origin="demo")
    _set_current(path)
    print(f"demo event: {report.inserted} attendees, {event.days[0]} to {event.days[-1]}, in {path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    overrides = map_options(args.map)
    store = open_store(args)
    try:
        result = import_file(
            store, args.file, overrides=overrides, skip_invalid=args.skip_invalid, dry_run=args.dry_run
        )
    except ImportFileError as exc:
        raise CommandError(str(exc)) from exc
    up = result.upsert
    print(
        f"{args.file}: {result.rows} rows, {result.valid} valid, {result.error_count} with errors "
        f"({result.encoding}{', delimiter ' + repr(result.delimiter) if result.delimiter else ''})"
    )
    for error in result.errors[:50]:
        print(f"  row {error.row}: {error.reason}")
    if result.error_count > 50:
        print(f"  ... and {result.error_count - 50} more")
    if up and up.new_categories:
        print(f"  new categories: {', '.join(sorted(set(up.new_categories)))}")
    if result.written:
        print(f"imported: {up.inserted} new, {up.updated} updated, {up.unchanged} unchanged")
        return 0
    if args.dry_run:
        print(
            f"dry run: would add {up.inserted if up else 0}, update {up.updated if up else 0}; nothing written"
        )
        return 0
    print(
        "nothing was imported: fix the rows above, or import the valid rows with --skip-invalid",
        file=sys.stderr,
    )
    return 1
