"""`checkin-desk report`: attendance report files, the attendee list, the dashboard as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path

from checkin_desk.cli import CommandError, UsageError
from checkin_desk.cli._common import desk_name, open_store, operator_name, staff_of
from checkin_desk.reports import dashboard_snapshot, exports, figures, simulate
from checkin_desk.reports.dashboard import check_now
from checkin_desk.reports.source import LocalSource
from checkin_desk.services import door
from checkin_desk.util.privacy import open_private

WHAT = ("figures", "attendees", "dashboard", "simulate")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="attendance report (csv, xlsx, pdf, json), attendee list, dashboard",
        description=(
            "report --format csv|xlsx|pdf|json --out FILE [--day D]: the attendance report. "
            "report attendees --format csv|xlsx --out FILE: every attendee with check-in times. "
            "report dashboard: what the desk's dashboard shows, as JSON. "
            "report simulate --scans N: add simulated scans (demo events only)."
        ),
    )
    p.add_argument(
        "what", nargs="?", choices=WHAT, default="figures", help="what to report (default: %(default)s)"
    )
    p.add_argument("--format", choices=exports.FORMATS, help="default: from the --out suffix, else json")
    p.add_argument("--out", help="file to write ('-' or none: JSON to standard output)")
    p.add_argument("--day", help="one event-local day (YYYY-MM-DD); default: the whole event")
    p.add_argument(
        "--language",
        choices=("fr", "en", "ar"),
        default="fr",
        help="PDF: how numbers are written (fr: 91,7 %% as in the CSV; en: 91.7%%); default fr",
    )
    p.add_argument(
        "--target-wait", type=float, default=5.0, help="forecast: target wait in minutes (default 5)"
    )
    p.add_argument("--now", help="dashboard/forecast: as if at this time (ISO 8601, for replays and tests)")
    p.add_argument("--scans", type=int, default=20_000, help="simulate: how many scans to add")
    p.add_argument("--seed", type=int, default=7, help="simulate: random seed")
    p.add_argument(
        "--local",
        action="store_true",
        help="with a hub connected: report on this desk's copy without syncing first",
    )
    p.set_defaults(handler=cmd_report)


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    if args.out and args.out != "-":
        suffix = Path(args.out).suffix.lower().lstrip(".")
        if suffix in exports.FORMATS:
            return suffix
        raise UsageError(f"cannot tell the format from {args.out!r}: add --format csv|xlsx|pdf|json")
    return "json"


def _now(args: argparse.Namespace) -> datetime | None:
    if not args.now:
        return None
    try:
        moment = datetime.fromisoformat(args.now)
    except ValueError:
        raise UsageError(f"--now {args.now!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise UsageError("--now needs a UTC offset, e.g. 2027-04-18T10:30:00+01:00")
    try:
        return check_now(moment)
    except ValueError as exc:
        raise UsageError(f"--now {exc}") from None


def cmd_report(args: argparse.Namespace) -> int:
    if args.day:
        try:
            date.fromisoformat(args.day)
        except ValueError:
            raise UsageError(f"--day {args.day!r}: write it as YYYY-MM-DD") from None
    store = open_store(args)
    now = _now(args)
    try:
        if args.what == "simulate":
            if args.scans < 0:
                raise UsageError("--scans must be 0 or more")
            days = [args.day] if args.day else None
            n = simulate.simulate(
                store, scans=args.scans, days=days, seed=args.seed, walk_ins=args.scans // 200
            )
            print(f"added {n} simulated scans")
            return 0
        if args.what == "dashboard":
            snap = dashboard_snapshot(store, now, target_wait_min=args.target_wait)
            _emit(json.dumps(snap.to_dict(), ensure_ascii=False, indent=1), args.out)
            return 0
        fmt = _format(args)
        if args.what == "attendees":
            if fmt not in exports.ATTENDEE_FORMATS:
                raise UsageError("the attendee list is written as csv or xlsx")
            if not args.out or args.out == "-":
                raise UsageError("report attendees needs --out FILE")
            with door.privileged(store, "export_attendees", staff_of(args), desk=desk_name(args, store),
                                 claimed=operator_name(args), subject=str(args.out),
                                 details={"format": fmt, "from": "report"}):  # fmt: skip
                path = exports.write_attendees(store, fmt, args.out)
            print(f"wrote {path} (owner-only file)")
            return 0
        if args.day and args.day not in store.event().days:
            print(f"checkin-desk: note: {args.day} is not one of the event's days", file=sys.stderr)
        fig = figures.compute(_source(args, store), day=args.day, now=now)
        if fmt != "json" and (not args.out or args.out == "-"):
            raise UsageError(f"--format {fmt} needs --out FILE")
        if fmt == "json":
            snap = dashboard_snapshot(store, now, target_wait_min=args.target_wait)
            extra = {"forecast": snap.forecast.to_dict(), "desk": desk_name(args, store)}
            if not args.out or args.out == "-":
                _emit(
                    json.dumps({"report": "attendance", **fig.to_dict(), **extra}, ensure_ascii=False), None
                )
                return 0
            path = exports.write_report(fig, fmt, args.out, extra=extra)
        else:
            path = exports.write_report(fig, fmt, args.out, language=args.language)
    except exports.ExportError as exc:
        raise CommandError(str(exc)) from exc
    print(f"wrote {path}")
    return 0


def _source(args: argparse.Namespace, store):
    """All desks (sync with the hub, then report on the synced copy) when the desk has a hub."""
    name = desk_name(args, store)
    if args.local:
        return LocalSource(store, name)
    from checkin_desk.sync.reporting import report_source  # psycopg only when a report needs it

    return report_source(store, name)


def _emit(text: str, out: str | None) -> None:
    if out and out != "-":
        with open_private(out, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"wrote {out}")
    else:
        sys.stdout.write(text + "\n")
