"""The command line: parses, calls the core, prints. Errors are one line on stderr, never a traceback.

Each module in this package adds its commands with `register(subparsers)`; they are found by name so
that a new command group is one new file.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Sequence

from checkin_desk.services.desk import DeskError
from checkin_desk.storage.store import StoreError

log = logging.getLogger("checkin_desk")


class UsageError(Exception):
    """The command was asked for something it cannot do as written (exit status 2)."""


class CommandError(Exception):
    """Expected trouble (exit status 1): bad file, printer offline, hub unreachable..."""


KNOWN_ERRORS = (StoreError, DeskError, CommandError, OSError)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="checkin-desk", description="Entrance desk check-in and badges.")
    parser.add_argument("--db", help="event database (default: the current event in the data directory)")
    parser.add_argument("--desk", help="this desk's name (default: from the machine's settings)")
    parser.add_argument("--operator", help="who is at the desk", default=None)
    parser.add_argument("-v", "--verbose", action="store_true", help="log more to standard error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage line
        return int(exc.code or 0)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )
    handler = getattr(args, "handler", None)
    if handler is None:
        handler = _default_handler()
    try:
        return int(handler(args) or 0)
    except UsageError as exc:
        print(f"checkin-desk: {exc}", file=sys.stderr)
        return 2
    except KNOWN_ERRORS as exc:
        print(f"checkin-desk: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head`: not an error worth a message
        sys.stderr.close()
        return 0
    except Exception as exc:  # a bug: one line for the user, the traceback in the log file
        where = _log_crash()
        print(
            f"checkin-desk: internal error ({exc.__class__.__name__}: {exc}); details in {where}",
            file=sys.stderr,
        )
        return 70


def _log_crash() -> str:
    import os
    import traceback

    from checkin_desk.util.config import log_dir

    path = log_dir() / "crash.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(traceback.format_exc() + "\n")
    except OSError:
        return "(the log file could not be written)"
    return str(path)


def _default_handler():
    # With no command: the desk window when Qt is installed, the terminal desk otherwise.
    import importlib.util

    from checkin_desk.cli.gui import run_gui

    if importlib.util.find_spec("PySide6") is None:
        from checkin_desk.cli.scanning import run_desk

        log.warning("PySide6 is not installed: starting the terminal desk instead of the window")
        return run_desk
    return run_gui
