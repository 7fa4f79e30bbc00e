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

from checkin_desk.errors import CheckinDeskError

log = logging.getLogger("checkin_desk")


class UsageError(CheckinDeskError):
    """The command was asked for something it cannot do as written (exit status 2)."""

    exit_code = 2


class CommandError(CheckinDeskError):
    """Expected trouble (exit status 1): bad file, printer offline, hub unreachable..."""


# Expected trouble: every project error, and the system's (a file not found, a disk full).
KNOWN_ERRORS = (CheckinDeskError, OSError)


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
    _declare_policy(parser)
    return parser


def command_parsers(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):
    """(name, parser) of every command, e.g. ("printers add", <parser>)."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield " ".join(prefix), parser
        return
    for action in subs:
        for name, child in action.choices.items():
            yield from command_parsers(child, (*prefix, name))


def _declare_policy(parser: argparse.ArgumentParser) -> None:
    """Every command knows its name; those that may be privileged (cli._policy) take --as NAME."""
    from checkin_desk.cli import _policy as policy
    from checkin_desk.cli._common import privileged

    may_need_staff = policy.privileged_commands()
    for name, command in command_parsers(parser):
        command.set_defaults(command_path=name)
        if name in may_need_staff and "--as" not in command._option_string_actions:
            privileged(command)


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
    from checkin_desk.util.privacy import MaskingFilter

    for handler in logging.getLogger().handlers:  # what a terminal shows and keeps is masked too
        handler.addFilter(MaskingFilter())
    handler = getattr(args, "handler", None)
    if handler is None:
        handler = _default_handler()
    try:
        _door(args)
        status = int(handler(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return status
    except BrokenPipeError:  # output piped into `head`, which has read enough: not an error
        _quiet_stdout()
        return 0
    except KNOWN_ERRORS as exc:
        print(f"checkin-desk: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: one line for the user, the traceback in the log file
        where = _log_crash()
        print(
            f"checkin-desk: internal error ({exc.__class__.__name__}: {exc}); details in {where}",
            file=sys.stderr,
        )
        return 70


def _door(args: argparse.Namespace) -> None:
    """The one check before any command runs: the role its action needs (cli._policy, roles.REQUIRED),
    from --as NAME and the PIN. `args.checked_staff` is who was checked (None while the event has no staff)."""
    from checkin_desk.cli import _policy as policy
    from checkin_desk.cli._common import authorize, db_path
    from checkin_desk.trust import roles

    command = getattr(args, "command_path", None)
    if command is None:  # no command: the window (or the terminal desk), which asks for PINs itself
        return
    try:
        action = policy.action_for(command, args)
    except KeyError as exc:
        raise CommandError(f"{exc.args[0]}: refused until its role is declared") from None
    if action not in roles.REQUIRED:
        return
    path = db_path(args)
    if not (path.exists() and path.stat().st_size):
        return  # no event yet, so no staff: the command makes the event (or says there is none)
    from checkin_desk.storage.store import Store

    store = Store.open(path)
    try:
        authorize(args, store, action)
    finally:
        store.close()


def _quiet_stdout() -> None:
    """Point standard output at /dev/null: Python's own flush at exit would fail on the closed pipe
    again and print an error (the recipe in Python's documentation for SIGPIPE)."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _log_crash() -> str:
    import traceback

    from checkin_desk.util.config import log_dir
    from checkin_desk.util.privacy import mask, open_private

    path = log_dir() / "crash.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open_private(path, "a", encoding="utf-8") as fh:
            fh.write(mask(traceback.format_exc()) + "\n")
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
