"""Event commands: create or show an event, build the demo event, import the attendee list."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

from checkin_desk.cli import CommandError, UsageError
from checkin_desk.cli._common import db_path, desk_name, map_options, open_store, operator_name, staff_of
from checkin_desk.domain.models import EventInfo
from checkin_desk.imports.readers import ImportFileError, check_header, days_in_file, import_file
from checkin_desk.services import demo as demo_data
from checkin_desk.services import door
from checkin_desk.storage.store import Store
from checkin_desk.util.config import MachineConfig, data_dir
from checkin_desk.util.textnorm import fold


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("event", help="create or show the event")
    p.add_argument(
        "action", choices=("create", "show"), help="create: a new event database; show: the current event"
    )
    p.add_argument(
        "--name", default="Event", help='the event\'s name, e.g. "Smart City Expo 2027" (names its file)'
    )
    p.add_argument(
        "--days", help="its days, comma-separated ISO dates, e.g. 2027-04-18,2027-04-19,2027-04-20"
    )
    p.add_argument(
        "--timezone", default="Africa/Casablanca", help="time zone of the venue (default: %(default)s)"
    )
    p.set_defaults(handler=cmd_event)

    p = sub.add_parser("demo", help="build the demo event (three days from today)")
    p.add_argument("--attendees", type=int, default=2000, help="how many attendees (default: %(default)s)")
    p.add_argument("--seed", type=int, default=2026, help="random seed: the same seed, the same attendees")
    p.add_argument("--if-missing", action="store_true", help="do nothing if the event database exists")
    p.add_argument("--replace", action="store_true", help="replace an existing demo database")
    p.add_argument(
        "--yes", action="store_true", help="with --replace: confirm deleting its scans, staff and audit log"
    )
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("import", help="import an attendee list (CSV, XLSX, JSON)")
    p.add_argument(
        "file",
        help="the list: CSV, XLSX or JSON, as pretix, Eventbrite, Hi.Events or a spreadsheet export it",
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="read COLUMN as FIELD (code, first_name...)",
    )
    p.add_argument(
        "--status-map",
        action="append",
        default=[],
        metavar="VALUE=STATUS",
        help="read a status VALUE as valid, cancelled, blocked or unpaid",
    )
    p.add_argument(
        "--category-map",
        action="append",
        default=[],
        metavar="VALUE=CATEGORY",
        help="put attendees whose category (ticket type) is VALUE into CATEGORY; remembered for later imports",
    )
    p.add_argument("--skip-invalid", action="store_true", help="import the good rows, skip the bad ones")
    p.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    p.add_argument(
        "--create-event",
        action="store_true",
        help="on a machine with no event yet: create it first (--name, and --days or the days found in the list)",
    )
    p.add_argument("--name", help="with --create-event: the event's name")
    p.add_argument("--days", help="with --create-event: the event's days, comma-separated ISO dates")
    p.set_defaults(handler=cmd_import)


def event_file(name: str) -> Path:
    """Where a new event's database goes: named after the event ("SCE 2027" -> sce-2027.sqlite)."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:60] or "event"
    return data_dir() / "events" / f"{slug}.sqlite"


def _set_current(path: Path) -> None:
    config = MachineConfig.load()
    if config.current_event != str(path):
        config.current_event = str(path)
        config.save()


def cmd_event(args: argparse.Namespace) -> int:
    if args.action == "show":
        store = open_store(args)
        event = store.event()
        print(
            f"{event.name}\n{', '.join(event.days)} ({event.timezone})\n{store.attendee_count()} attendees\n{store.path}"
        )
        return 0
    if not args.days:
        raise UsageError("event create needs --days, e.g. --days 2027-04-18,2027-04-19,2027-04-20")
    path = Path(args.db) if args.db else event_file(args.name)
    _create_event(path, args.name, _days(args.days), args.timezone)
    print(f"created {path}")
    return 0


def _days(text: str) -> tuple[str, ...]:
    days = tuple(d.strip() for d in text.split(",") if d.strip())
    for day in days:
        try:
            date.fromisoformat(day)
        except ValueError:
            raise UsageError(f"--days: {day!r} is not a date like 2027-04-18") from None
    return tuple(sorted(set(days)))


def _create_event(path: Path, name: str, days: tuple[str, ...], timezone: str = "Africa/Casablanca") -> Store:
    if path.exists() and path.stat().st_size:
        raise CommandError(f"an event database already exists at {path}")
    store = Store.open(path, create=True)
    store.init_event(EventInfo(name, days, timezone))
    _set_current(path)
    return store


def cmd_demo(args: argparse.Namespace) -> int:
    path = Path(args.db) if args.db else data_dir() / "events" / "demo.sqlite"
    if path.exists() and path.stat().st_size:
        if args.if_missing:
            _set_current(path)
            return 0
        if not args.replace:
            raise CommandError(f"{path} exists; use --replace to rebuild the demo event")
        lost = _what_replacing_loses(path)  # also refuses a file that is not an event database
        if lost and not args.yes:
            raise UsageError(f"{path} holds {lost}: --replace deletes them for good; add --yes to confirm")
        # The scans waiting beside it belong to the old event too (storage.recording).
        for suffix in ("", "-wal", "-shm", "-waiting", "-waiting-wal", "-waiting-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if args.attendees < 0:
        raise UsageError("--attendees must be 0 or more")
    store = Store.open(path, create=True)
    event = demo_data.event_info()
    store.init_event(event)
    report = store.upsert_attendees(demo_data.attendees(args.attendees, event, args.seed), origin="demo")
    if args.replace and lost:  # the old log went with its file: the new one says what was replaced
        door.record(store, "demo_replace", None, desk=desk_name(args, store),
                    claimed=getattr(staff_of(args), "name", "") or operator_name(args),
                    details={"deleted": lost})  # fmt: skip
    _set_current(path)
    print(f"demo event: {report.inserted} attendees, {event.days[0]} to {event.days[-1]}, in {path}")
    return 0


def _what_replacing_loses(path: Path) -> str:
    """What deleting this event file loses that a demo rebuild does not give back: "" for a plain demo."""
    store = Store.open(path)
    try:
        count = lambda sql: store.conn.execute(sql).fetchone()[0]  # noqa: E731
        found = {
            "scans": count("SELECT count(*) FROM scans"),
            "staff accounts": count("SELECT count(*) FROM staff"),
            "attendees not from the demo": count("SELECT count(*) FROM attendees WHERE origin <> 'demo'"),
            "audit entries": count("SELECT count(*) FROM audit_log"),
        }
    finally:
        store.close()
    return ", ".join(f"{n:,} {what}" for what, n in found.items() if n)


def _options(items: list[str], flag: str) -> dict[str, str]:
    out = {}
    for item in items:
        value, sep, target = item.rpartition("=")
        if not sep or not value or not target:
            raise UsageError(f"{flag} {item!r}: write it as VALUE=TARGET")
        out[value] = target
    return out


def _no_event_yet(args: argparse.Namespace, path: Path) -> CommandError:
    days = days_in_file(Path(args.file))
    found = ",".join(days) if days else "2027-04-18,2027-04-19,2027-04-20"
    where = f"the days found in {Path(args.file).name}" if days else "your event's days"
    return CommandError(
        "there is no event on this machine yet. Create it, then import again:\n"
        f'  checkin-desk event create --name "Smart City Expo 2027" --days {found}   ({where})\n'
        f'or do both at once: checkin-desk import {args.file} --create-event --name "Smart City Expo 2027"'
        + ("" if days else f" --days {found}")
    )


def cmd_import(args: argparse.Namespace) -> int:
    overrides = map_options(args.map)
    status_map = _options(args.status_map, "--status-map")
    category_map = _options(args.category_map, "--category-map")
    path = db_path(args)
    if not (path.exists() and path.stat().st_size):
        try:
            check_header(Path(args.file), overrides)  # a list that cannot be imported creates no event
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        if not args.create_event:
            raise _no_event_yet(args, path)
        days = _days(args.days) if args.days else days_in_file(Path(args.file))
        if not days:
            raise UsageError(f"no days found in {args.file}: say them with --days 2027-04-18,2027-04-19")
        name = args.name or "Event"
        path = Path(args.db) if args.db else event_file(name)
        _create_event(path, name, days).close()
        print(f"created the event {name!r} ({', '.join(days)}) in {path}")
        args.db = str(path)
    store = open_store(args)
    try:
        result = import_file(
            store,
            args.file,
            overrides=overrides,
            skip_invalid=args.skip_invalid,
            dry_run=args.dry_run,
            status_map=status_map,
            category_map=category_map,
        )
    except ImportFileError as exc:
        raise CommandError(str(exc)) from exc
    up = result.upsert
    print(f"{args.file}: {result.source}; {result.codes_note}")
    print(
        f"{result.rows} rows, {result.valid} valid, {result.error_count} with errors "
        f"({result.encoding}{', delimiter ' + repr(result.delimiter) if result.delimiter else ''})"
    )
    for error in result.errors[:50]:
        print(f"  row {error.row}: {error.reason}")
    if result.error_count > 50:
        print(f"  ... and {result.error_count - 50} more")
    if up and up.new_categories:
        labels = [result.labels.get(key, key) for key in sorted(set(up.new_categories))]
        print(f"  new categories: {', '.join(labels)} (rename or merge them with `checkin-desk categories`)")
    if result.written:
        # The import committed in its own transaction (a first import streams from a second process);
        # its audit entry follows at once. The role was checked before it began (cli._door).
        door.record(store, "import", staff_of(args), desk=desk_name(args, store), claimed=operator_name(args),
                    subject=Path(args.file).name, details={"rows": result.rows, "new": up.inserted,
                    "updated": up.updated, "source": result.source})  # fmt: skip
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
