"""Scanning from the command line: one code (`scan`) or the terminal desk (`desk`, one scan per line)."""

from __future__ import annotations

import argparse
import json
import sys

from checkin_desk.cli._common import open_desk
from checkin_desk.cli._printing import DEFAULT_WAIT, finish_printing, say, start_printing
from checkin_desk.domain.models import Outcome, Status

VERDICT = {
    Status.OK: "ADMIT",
    Status.ALREADY_CHECKED_IN: "ADMIT (re-entry)",
    Status.UNKNOWN: "REFUSE: unknown code",
    Status.CANCELLED: "REFUSE: pass cancelled",
    Status.BLOCKED: "REFUSE: pass blocked",
    Status.WRONG_DAY: "REFUSE: not valid today",
    Status.INVALID_SIGNATURE: "REFUSE: forged or altered code",
    Status.MALFORMED: "REFUSE: not a badge code",
    Status.UNPAID: "REFUSE: not yet paid",
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan", help="check in one code")
    p.add_argument("code")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--print",
        action="store_true",
        dest="print_badge",
        help="send the badge this scan queued and wait for it; exit 1 if it did not print",
    )
    _print_wait_option(p)
    p.set_defaults(handler=cmd_scan)

    p = sub.add_parser(
        "desk",
        help="terminal desk: one scan per line on standard input",
        description="One scan per line on standard input; badges print on the desk's printers while it "
        "runs, and at the end of input it waits for them (see --print-wait).",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    _print_wait_option(p)
    p.set_defaults(handler=run_desk)


def _print_wait_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--print-wait",
        type=float,
        default=DEFAULT_WAIT,
        metavar="SECONDS",
        help=f"how long to wait for badges to print before giving up (default {DEFAULT_WAIT:g})",
    )


def describe(outcome: Outcome, labels: dict[str, str] | None = None) -> str:
    """One line for a scan; `labels`: category key -> the label to show (its key when missing)."""
    parts = [f"{outcome.status.value:<18} {VERDICT[outcome.status]}"]
    if outcome.attendee:
        a = outcome.attendee
        category = (labels or {}).get(a.category) or a.category
        parts.append(" — ".join(p for p in (a.full_name, category.upper(), a.company) if p))
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
    print(
        json.dumps(outcome.to_dict(), ensure_ascii=False) if args.json else describe(outcome, _labels(desk)),
        flush=True,
    )
    if not (getattr(args, "print_badge", False) and outcome.print_job_id):
        return 0 if outcome.admitted else 1
    printing = start_printing(desk)
    if printing is None:
        say(f"no printer is configured for desk {desk.desk_name}: the badge stays queued")
        return 1
    return finish_printing(printing, desk, [outcome.print_job_id], args.print_wait)


def run_desk(args: argparse.Namespace) -> int:
    desk = open_desk(args)
    as_json = getattr(args, "json", False)
    interactive = sys.stdin.isatty()
    labels = _labels(desk)
    if interactive:
        print(f"{desk.event.name} — desk {desk.desk_name}. Scan a badge (Ctrl-D to stop).", flush=True)
    printing = start_printing(desk)  # None when the desk has no printer
    queued: list[int] = []
    try:
        # Read bytes: a misread scanner can send anything, and it must give an outcome, not a crash.
        for line in sys.stdin.buffer:
            raw = line.rstrip(b"\r\n")
            if not raw.strip() and not interactive:
                continue
            outcome = desk.scan(raw)
            shown = (
                json.dumps(outcome.to_dict(), ensure_ascii=False) if as_json else describe(outcome, labels)
            )
            print(shown, flush=True)
            if outcome.print_job_id:
                queued.append(outcome.print_job_id)
                if printing is not None:
                    printing.queued(outcome.print_job_id)
    except BaseException:
        if printing is not None:
            printing.stop(timeout=2.0)  # the queue is persistent: what is left prints next time
        raise
    return finish_printing(printing, desk, queued, getattr(args, "print_wait", DEFAULT_WAIT))


def _labels(desk) -> dict[str, str]:
    return {key: row["label_fr"] for key, row in desk.store.categories().items()}
