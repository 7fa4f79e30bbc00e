"""Core commands: event, demo, import, scan, desk (terminal), search, counts."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from checkin_desk import reports
from checkin_desk.cli import CommandError, UsageError
from checkin_desk.cli._common import db_path, map_options, open_desk, open_store
from checkin_desk.domain.models import Attendee, EventInfo, Outcome, Status
from checkin_desk.imports.readers import ImportFileError, import_file
from checkin_desk.services import demo as demo_data
from checkin_desk.storage.store import Store
from checkin_desk.util.config import MachineConfig, data_dir

VERDICT = {
    Status.OK: "ADMIT",
    Status.ALREADY_CHECKED_IN: "ADMIT (re-entry)",
    Status.UNKNOWN: "REFUSE: unknown code",
    Status.CANCELLED: "REFUSE: pass cancelled",
    Status.BLOCKED: "REFUSE: pass blocked",
    Status.WRONG_DAY: "REFUSE: not valid today",
    Status.INVALID_SIGNATURE: "REFUSE: forged or altered code",
    Status.MALFORMED: "REFUSE: not a badge code",
}


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

    p = sub.add_parser("scan", help="check in one code")
    p.add_argument("code")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_scan)

    p = sub.add_parser("desk", help="terminal desk: one scan per line on standard input")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(handler=run_desk)

    p = sub.add_parser("search", help="search attendees by name, company or e-mail")
    p.add_argument("text")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("counts", help="unique attendees admitted and total entries")
    p.add_argument("--by", choices=reports.GROUPINGS, default="day")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(handler=cmd_counts)


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


def describe(outcome: Outcome) -> str:
    parts = [f"{outcome.status.value:<18} {VERDICT[outcome.status]}"]
    if outcome.attendee:
        a = outcome.attendee
        parts.append(" — ".join(p for p in (a.full_name, a.category.upper(), a.company) if p))
        if a.notes:
            parts.append(f"note: {a.notes}")
    elif outcome.code:
        parts.append(outcome.code)
    if outcome.first_entry:
        parts.append(f"first entry {outcome.first_entry.at} at {outcome.first_entry.desk}")
    if outcome.print_job_id:
        parts.append(f"badge queued (job {outcome.print_job_id})")
    if outcome.duplicate_read:
        parts.append("(same scan read twice: counted once)")
    if outcome.message:
        parts.append(f"({outcome.message})")
    return "  |  ".join(parts)


def cmd_scan(args: argparse.Namespace) -> int:
    desk = open_desk(args)
    outcome = desk.scan(args.code)
    print(json.dumps(outcome.to_dict(), ensure_ascii=False) if args.json else describe(outcome))
    return 0 if outcome.admitted else 1


def run_desk(args: argparse.Namespace) -> int:
    desk = open_desk(args)
    as_json = getattr(args, "json", False)
    interactive = sys.stdin.isatty()
    if interactive:
        print(f"{desk.event.name} — desk {desk.desk_name}. Scan a badge (Ctrl-D to stop).", flush=True)
    # Read bytes: a misread scanner can send anything, and it must give an outcome, not a crash.
    for line in sys.stdin.buffer:
        raw = line.rstrip(b"\r\n")
        if not raw.strip() and not interactive:
            continue
        outcome = desk.scan(raw)
        print(json.dumps(outcome.to_dict(), ensure_ascii=False) if as_json else describe(outcome), flush=True)
    return 0


def _attendee_line(a: Attendee) -> str:
    return "  ".join(p for p in (a.code, a.full_name, a.category, a.company, a.email, a.status.value) if p)


def cmd_search(args: argparse.Namespace) -> int:
    store = open_store(args)
    results = store.search(args.text, limit=max(1, min(args.limit, 500)))
    if args.json:
        print(json.dumps([a.to_dict() for a in results], ensure_ascii=False))
    else:
        for a in results:
            print(_attendee_line(a))
        if not results:
            print("no attendee matches", file=sys.stderr)
    return 0


def cmd_counts(args: argparse.Namespace) -> int:
    store = open_store(args)
    rows = reports.counts(store, args.by)
    total = reports.totals(store)
    if args.format == "json":
        print(
            json.dumps(
                {"by": args.by, "rows": [r.__dict__ for r in rows], "total": total.__dict__},
                ensure_ascii=False,
            )
        )
    elif args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([args.by, "unique_attendees", "entries"])
        writer.writerows([r.key, r.unique_attendees, r.entries] for r in rows)
        sys.stdout.write(out.getvalue())
    else:
        width = max([len(r.key) for r in rows] + [len(args.by), 5])
        print(f"{args.by:<{width}}  {'unique':>8}  {'entries':>8}")
        for r in rows:
            print(f"{r.key:<{width}}  {r.unique_attendees:>8}  {r.entries:>8}")
        print(f"{'total':<{width}}  {total.unique_attendees:>8}  {total.entries:>8}")
    return 0
