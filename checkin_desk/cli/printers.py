"""`checkin-desk printers ...` (add, list, remove, test, jobs, emulate) and `checkin-desk print CODE`."""

from __future__ import annotations

import argparse
import sys
import threading

from checkin_desk.cli import CommandError, UsageError
from checkin_desk.cli._common import desk_name, open_store, operator_name, staff_of
from checkin_desk.domain import codes
from checkin_desk.domain.models import Status
from checkin_desk.services import door

TARGETS = (
    (
        "escpos_network",
        "escpos-network",
        "HOST[:PORT]",
        "ESC/POS printer on the network (raw TCP, port 9100)",
    ),
    ("escpos_usb", "escpos-usb", "VID:PID", "ESC/POS printer on USB (ids in hex, see lsusb)"),
    ("escpos_serial", "escpos-serial", "DEV", "ESC/POS printer on a serial port, e.g. /dev/ttyUSB0"),
    ("escpos_file", "escpos-file", "PATH", "ESC/POS printer behind a device file, e.g. /dev/usb/lp0"),
    ("cups", "escpos-cups", "QUEUE", "ESC/POS printer behind a raw CUPS queue"),
    ("zpl_network", "zpl-network", "HOST[:PORT]", "Zebra (ZPL II) label printer on the network (port 9100)"),
    ("zpl_file", "zpl-file", "PATH", "Zebra (ZPL II) printer behind a device file (USB: /dev/usb/lp0)"),
    ("zpl_cups", "zpl-cups", "QUEUE", "Zebra (ZPL II) printer behind a raw CUPS queue"),
    ("brother_ql_network", "brother-ql-network", "HOST[:PORT]", "Brother QL printer on the network"),
    ("brother_ql_file", "brother-ql-file", "PATH", "Brother QL printer on USB (/dev/usb/lp0)"),
    ("brother_ql_cups", "brother-ql-cups", "QUEUE", "Brother QL printer behind a raw CUPS queue"),
    ("pdf_cups", "cups", "QUEUE", "a CUPS printer that takes PDF (badge sheets, A6 cards)"),
    ("pdf_folder", "pdf-folder", "DIR", "save each badge as a PDF file in DIR"),
)


def register(sub: argparse._SubParsersAction) -> None:
    printers = sub.add_parser("printers", help="configure badge printers, test them, run the emulator")
    psub = printers.add_subparsers(dest="printers_command", metavar="ACTION", required=True)

    add = psub.add_parser("add", help="add (or with --replace, change) a printer")
    add.add_argument("name", help="the printer's name at this event, e.g. Thermique-1")
    where = add.add_mutually_exclusive_group(required=True)
    for dest, _, metavar, help_text in TARGETS:
        where.add_argument("--" + dest.replace("_", "-"), dest=dest, metavar=metavar, help=help_text)
    add.add_argument(
        "--profile",
        help="printer profile (see `printers profiles`); default TM-T20II, zebra-203-4x6 or QL-820NWB/62",
    )
    add.add_argument(
        "--model", help="Brother QL model, e.g. QL-820NWB (with --label; the profile MODEL/LABEL)"
    )
    add.add_argument("--label", help="Brother QL label, e.g. 62 (continuous) or 62x100 (die-cut)")
    add.add_argument("--template", help="badge template (default: the profile's, or a6 for PDF)")
    add.add_argument("--pool-order", type=int, default=0, help="position in the desk's pool, lower first")
    add.add_argument(
        "--desk",
        action="append",
        dest="desks",
        metavar="DESK",
        help="only this desk prints on it (repeatable; default every desk)",
    )
    add.add_argument("--baudrate", type=int, help="serial speed (default 9600)")
    add.add_argument(
        "--lp-option",
        action="append",
        dest="lp_options",
        metavar="OPT",
        help="an `lp -o` option for CUPS printers, e.g. media=A6 (repeatable)",
    )
    add.add_argument("--no-status", action="store_true", help="the network printer cannot answer DLE EOT")
    add.add_argument(
        "--snmp-port", type=int, help="Brother QL on the network: the UDP port its status is read on (161)"
    )
    add.add_argument("--disabled", action="store_true", help="keep it configured but out of the pool")
    add.add_argument("--replace", action="store_true", help="replace a printer of the same name")
    add.set_defaults(handler=cmd_add)

    ls = psub.add_parser("list", help="the configured printers, in pool order")
    ls.set_defaults(handler=cmd_list)

    rm = psub.add_parser("remove", help="remove a printer")
    rm.add_argument("name", help="the printer's name (see printers list)")
    rm.set_defaults(handler=cmd_remove)

    profiles = psub.add_parser("profiles", help="the known printer profiles: language, dots, dpi, labels")
    profiles.set_defaults(handler=cmd_profiles)

    test = psub.add_parser("test", help="print a test badge on a printer, now")
    test.add_argument("name", help="the printer's name (see printers list)")
    test.set_defaults(handler=cmd_test)

    work = psub.add_parser(
        "work",
        help="send this desk's print queue until stopped (Ctrl+C): printing without the window",
        description="Runs the desk's print worker in the foreground: every queued badge of the desk "
        "(--desk) is sent, in scan order, with retries and failover. One per desk of an event: a "
        "second one refuses to start. Ctrl+C (or SIGTERM) finishes the badge in hand and stops.",
    )
    work.add_argument(
        "--exit-when-empty",
        action="store_true",
        help="stop once no badge of the desk is queued or being sent (for scripts)",
    )
    work.set_defaults(handler=cmd_work)

    jobs = psub.add_parser("jobs", help="the latest print jobs and their state")
    jobs.add_argument("--limit", type=int, default=20, help="the latest N jobs (default: %(default)s)")
    jobs.add_argument("--all-desks", action="store_true", help="every desk's jobs, not only this desk's")
    jobs.set_defaults(handler=cmd_jobs)

    emu = psub.add_parser("emulate", help="run a network badge printer on loopback (PNG per badge)")
    emu.add_argument("--port", type=int, default=9100, help="TCP port to listen on (default: %(default)s)")
    emu.add_argument(
        "--protocol",
        choices=("escpos", "zpl", "brother-ql"),
        default="escpos",
        help="the printer language it speaks (default escpos)",
    )
    emu.add_argument("--model", default="QL-820NWB", help="with --protocol brother-ql: the model it is")
    emu.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    emu.add_argument(
        "--out", required=True, metavar="DIR", help="folder for the badges (badge-0001.png, ...)"
    )
    mode = emu.add_mutually_exclusive_group()
    mode.add_argument(
        "--refuse", action="store_const", const="refuse", dest="mode", help="refuse connections"
    )
    mode.add_argument("--stall", action="store_const", const="stall", dest="mode", help="accept, never read")
    mode.add_argument(
        "--paper-out",
        action="store_const",
        const="paper-out",
        dest="mode",
        help="answer out of paper, print nothing",
    )
    emu.add_argument("--exit-after", type=int, metavar="N", help="stop after N badges")
    emu.set_defaults(handler=cmd_emulate, mode="normal")

    pr = sub.add_parser("print", help="print an attendee's badge now (a job in the print queue)")
    pr.add_argument("code", help="the attendee's badge code")
    pr.add_argument("--printer", help="this printer rather than the desk's pool")
    pr.add_argument("--template", help="badge template")
    pr.add_argument(
        "--reason", help="a reprint: why (a badge was printed or queued before; a supervisor's --as NAME)"
    )
    pr.add_argument(
        "--override",
        action="store_true",
        help="a refused pass (blocked, cancelled, revoked) gets a badge anyway: a supervisor's, with --reason",
    )
    pr.set_defaults(handler=cmd_print)


def cmd_add(args: argparse.Namespace) -> int:
    from checkin_desk.printing import PrinterConfig, add_printer
    from checkin_desk.printing.registry import CUPS_KINDS
    from checkin_desk.printing.transports import queue_warning

    kind, target = next((k, getattr(args, d)) for d, k, _, _ in TARGETS if getattr(args, d) is not None)
    options: dict = {}
    if args.desks:
        options["desks"] = args.desks
    if args.baudrate:
        options["baudrate"] = args.baudrate
    if args.lp_options:
        options["lp_options"] = args.lp_options
    if args.no_status:
        options["status"] = False
    if args.snmp_port is not None:
        if kind != "brother-ql-network" or not 0 < args.snmp_port < 65536:
            raise UsageError("--snmp-port takes a port (1-65535), for a --brother-ql-network printer")
        options["snmp_port"] = args.snmp_port
    profile = args.profile
    if args.model or args.label:
        if not kind.startswith("brother-ql") or not (args.model and args.label) or profile:
            raise UsageError(
                "--model and --label go together, with a --brother-ql-... printer, without --profile"
            )
        profile = f"{args.model}/{args.label}"
    if kind.startswith("escpos") and profile is None:
        profile = "TM-T20II"
    config = PrinterConfig(
        args.name, kind, target, profile, args.template, args.pool_order, not args.disabled, options
    )
    with _store(args) as store:
        try:
            with door.privileged(store, "settings", staff_of(args), desk=desk_name(args, store),
                                 claimed=operator_name(args), audit_as="printer_add", subject=config.name,
                                 details={"kind": config.kind, "replace": args.replace}):  # fmt: skip
                config = add_printer(store, config, replace=args.replace)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    print(f"printer {config.name}: {config.describe()}, pool order {config.pool_order}")
    if config.kind in CUPS_KINDS and (warning := queue_warning(config)):
        print(f"warning: printer {config.name}: {warning}", file=sys.stderr)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from checkin_desk.printing import list_printers

    with _store(args) as store:
        printers = list_printers(store)
    if not printers:
        print("no printer configured (add one with `checkin-desk printers add NAME --escpos-network HOST`)")
        return 0
    rows = [("NAME", "KIND", "TARGET", "PROFILE", "POOL", "STATE", "DESKS")]
    for p in printers:
        rows.append(
            (
                p.name,
                p.kind,
                p.target,
                p.profile or "-",
                str(p.pool_order),
                "enabled" if p.enabled else "disabled",
                ",".join(p.desks) or "all",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from checkin_desk.printing import UnknownPrinter, remove_printer

    with _store(args) as store:
        try:
            with door.privileged(store, "settings", staff_of(args), desk=desk_name(args, store),
                                 claimed=operator_name(args), audit_as="printer_remove",
                                 subject=args.name):  # fmt: skip
                remove_printer(store, args.name)
        except UnknownPrinter as exc:
            raise CommandError(str(exc)) from None
    print(f"printer {args.name} removed")
    return 0


def cmd_profiles(args: argparse.Namespace) -> int:
    from checkin_desk.printing import PROFILES

    rows = [("PROFILE", "LANGUAGE", "DOTS", "DPI", "MEDIA", "CUT", "TEMPLATE")]
    for p in PROFILES.values():
        rows.append(
            (
                p.name,
                p.language,
                str(p.width_dots),
                str(p.dpi),
                p.media(),
                "yes" if p.cutter else "no",
                p.template,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print("Brother QL: any MODEL/LABEL that brother_ql knows, e.g. --model QL-1100 --label 102x152")
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    from checkin_desk.printing import PrintError, RenderError, UnknownPrinter
    from checkin_desk.services.first_run import test_printer

    with _store(args) as store:
        try:
            note = test_printer(store, args.name)
        except UnknownPrinter as exc:
            raise CommandError(str(exc)) from None
        except (PrintError, RenderError) as exc:
            raise CommandError(str(exc)) from None
    print(f"printer {args.name}: test badge printed ({note})")
    return 0


def cmd_jobs(args: argparse.Namespace) -> int:
    from checkin_desk.printing import counts, jobs

    with _store(args) as store:
        desk = None if args.all_desks else desk_name(args, store)
        listed = jobs(store, args.limit, desk=desk)
        totals = counts(store, desk)
    print(", ".join(f"{n} {state}" for state, n in totals.items()))
    for job in listed:
        extra = f" - {job.last_error}" if job.last_error and job.state != "printed" else ""
        kind = " reprint" if job.reprint else ""
        print(
            f"#{job.id} {job.state:<8} {job.attendee_code} on {job.printer or '-'} "
            f"({job.attempts} attempts){kind}{extra}"
        )
    return 0


def _job_line(job) -> str:
    where = f" on {job.printer}" if job.printer else ""
    why = f" - {job.last_error}" if job.last_error and job.state != "printed" else ""
    return f"#{job.id} {job.state} {job.attendee_code}{where}{why}"


def cmd_work(args: argparse.Namespace) -> int:
    import signal

    from checkin_desk.printing import PrintWorker, counts, jobs, pool
    from checkin_desk.printing.headless import FailureTally, Summary
    from checkin_desk.printing.worker_lock import WorkerBusy

    with _store(args) as store:
        desk = desk_name(args, store)
        path = store.path
        tally = FailureTally(len(pool(store, desk)))
    stop = threading.Event()

    def on_change(job) -> None:
        tally.seen(job)
        print(_job_line(job), flush=True)

    worker = PrintWorker(path, desk, on_change=on_change)
    try:
        worker.start(exclusive=True)
    except WorkerBusy as exc:
        raise CommandError(f"{exc}; stop it first, or let it print") from None
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"print worker for desk {desk} running (Ctrl+C to stop)", flush=True)
    with _store(args) as store:
        if not pool(store, desk):
            print(
                f"no printer is configured for desk {desk} yet: badges wait in the queue until one is "
                "added (`checkin-desk printers add`)",
                flush=True,
            )
    stuck: list = []
    try:
        with _store(args) as store:
            while not stop.wait(0.5):
                if args.exit_when_empty:
                    left = jobs(store, 10_000, desk=desk, states=("queued", "sending"))
                    if not left:
                        break
                    if tally.given_up(left):  # each failed on every printer: waiting will not help
                        stuck = left
                        break
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        stopped = worker.stop(timeout=15)
    with _store(args) as store:
        left = counts(store, desk)
    waiting = left["queued"] + left["sending"]
    tail = f"; {waiting} badge(s) stay queued for the next worker" if waiting else ""
    print(f"print worker for desk {desk} stopped{tail}", flush=True)
    if stuck:
        with _store(args) as store:
            left = jobs(store, 10_000, desk=desk, states=("queued", "sending"))
        for line in Summary(left=sorted(left, key=lambda j: j.id)).lines():
            print(f"checkin-desk: {line}", file=sys.stderr)
        print(
            f"checkin-desk: {len(left)} badge(s) failed on every printer of desk {desk} and stay queued",
            file=sys.stderr,
        )
        return 1
    return 0 if stopped else 1


def cmd_emulate(args: argparse.Namespace) -> int:
    from checkin_desk.printing import Mode, PrinterEmulator

    emulator = PrinterEmulator(
        args.out, host=args.host, port=args.port, mode=args.mode, protocol=args.protocol, model=args.model
    )
    try:
        emulator.start()
    except OSError as exc:
        raise CommandError(f"cannot listen on {args.host}:{args.port} ({exc.strerror or exc})") from None
    snmp = f", status on SNMP port {emulator.snmp_port} (--snmp-port)" if emulator.snmp_port else ""
    print(
        f"printer emulator on {emulator.address} ({args.mode}, {args.protocol}{snmp}), badges in {args.out}",
        flush=True,
    )
    if sys.stdin is not None and sys.stdin.isatty():
        print(
            "type normal, refuse, stall, paper-out, cover-open or drop then Enter to change its mood; Ctrl-C to stop"
        )

        def read_modes() -> None:
            for line in sys.stdin:
                word = line.strip().lower()
                if word == "drop":
                    emulator.drop_next_job()
                elif word in {m.value for m in Mode}:
                    emulator.set_mode(word)
                elif word:
                    print(f"unknown mode {word!r}", flush=True)
                    continue
                print(f"now: {word}", flush=True)

        threading.Thread(target=read_modes, daemon=True).start()
    seen = 0
    try:
        while args.exit_after is None or seen < args.exit_after:
            emulator.wait_for(lambda e, s=seen: len(e.badges) > s, timeout=1.0)
            new = emulator.badges[seen:]  # one snapshot: later badges are printed next time
            for badge in new:
                print(
                    f"badge {badge.number}: {badge.size[0]}x{badge.size[1]} dots -> {badge.path}", flush=True
                )
            seen += len(new)
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    """A first badge for anyone at the desk; a reprint (--reason) or a refused pass's badge (--override)
    only through a supervisor's PIN, audited, as in the window (services.desk_ops)."""
    from checkin_desk.printing import UnknownPrinter, get_job, get_printer
    from checkin_desk.printing.dispatch import Dispatcher
    from checkin_desk.services import desk_ops
    from checkin_desk.services.desk import Desk, DeskError, PassRefused

    with _store(args) as store:
        name = desk_name(args, store)
        desk = Desk(store, name, operator_name(args))
        if args.printer:
            try:
                get_printer(store, args.printer)
            except UnknownPrinter as exc:
                raise CommandError(str(exc)) from None
        where = {"printer": args.printer, "template": args.template}
        try:
            if args.override:
                if not args.reason:
                    raise UsageError("--override needs --reason (why this refused pass gets a badge)")
                job_id = desk_ops.print_refused_badge(desk, args.code, reason=args.reason,
                                                      supervisor=operator_name(args),
                                                      authorized_by=staff_of(args), **where)  # fmt: skip
            elif args.reason:
                job_id = desk.reprint(args.code, reason=args.reason, allowed_by=operator_name(args),
                                      authorized_by=staff_of(args), **where)  # fmt: skip
            else:
                job_id = desk_ops.print_first_badge(desk, args.code, **where)
        except PassRefused as exc:
            if exc.status == Status.UNKNOWN:
                raise CommandError(f"no attendee with code {args.code}") from None
            raise CommandError(
                f"{exc}. A supervisor may print it anyway: --override --reason WHY --as NAME"
            ) from None
        except DeskError as exc:
            if "already printed" in str(exc):
                raise UsageError(
                    f"{codes.normalise(args.code)}'s badge was printed or queued before: a reprint needs --reason "
                    "WHY (and, once the event has staff accounts, a supervisor's --as NAME)"
                ) from None
            raise
        job = Dispatcher(store, name).attempt(get_job(store, job_id))
    code = job.attendee_code  # as the list has it, whatever case was typed
    if job.state == "printed":
        print(f"badge of {code} printed on {job.printer} (job #{job.id})")
        return 0
    if job.state == "failed":
        raise CommandError(f"job #{job.id} failed: {job.last_error}")
    raise CommandError(f"{job.last_error}; job #{job.id} stays queued for the desk's print worker")


class _store:
    """open_store as a context manager that always closes."""

    def __init__(self, args):
        self.args = args

    def __enter__(self):
        self.store = open_store(self.args)
        return self.store

    def __exit__(self, *exc):
        self.store.close()
