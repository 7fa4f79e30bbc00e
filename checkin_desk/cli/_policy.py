"""What every command needs, as data: the privileged action it performs (a key of `roles.REQUIRED`), or
OPEN for what anyone at the desk may do. `main` asks for `--as NAME` and the PIN before the command runs,
from this table only; the services check the same role again and write the audit entry.

A command missing from COMMANDS is refused (and a test fails): adding a command means deciding its role.
"""

from __future__ import annotations

import argparse
from typing import Any

OPEN = ""
HUB_ADMIN = "hub-admin"  # the hub's own admin credentials (a PostgreSQL role) are the authority

COMMANDS: dict[str, str] = {
    "badge": OPEN,  # one attendee's badge, as the desk prints it
    "badges batch": "export_attendees",  # every attendee's name in one file
    "badges templates": OPEN,
    "categories list": OPEN,
    "categories rename": "categories",
    "categories colour": "categories",
    "categories merge": "categories",
    "event": OPEN,  # create: a new file (no staff yet); show: reads
    "demo": OPEN,  # a new demo file; --replace over an event: see WHEN
    "import": "import",
    "gui": OPEN,  # the window asks for PINs itself, through the same services
    "screenshot": OPEN,
    "hub init": HUB_ADMIN,
    "hub import": HUB_ADMIN,
    "hub publish-key": HUB_ADMIN,
    "hub status": OPEN,
    "hub conflicts": OPEN,
    "hub connect": "settings",
    "hub disconnect": "settings",
    "sync": OPEN,
    "search": OPEN,
    "counts": OPEN,
    "printers add": "settings",
    "printers remove": "settings",
    "printers list": OPEN,
    "printers profiles": OPEN,
    "printers test": OPEN,
    "printers work": OPEN,
    "printers jobs": OPEN,
    "printers emulate": OPEN,
    "print": OPEN,  # a first badge; a reprint or an override: see WHEN
    "report": OPEN,  # figures; the attendee list: see WHEN
    "scan": OPEN,
    "desk": OPEN,
    "keys init": "keys",
    "keys export-public": OPEN,
    "keys import-public": "keys",
    "codes sign": "keys",
    "audit verify": OPEN,
    "staff add": "staff",
    "staff list": OPEN,
    "staff set-pin": "set_pin",
    "staff remove": "staff",
    "reissue": "reissue_pass",
    "export-attendees": "export_attendees",
    "purge": "purge",
}

# Options that make a command privileged: (command, option, value that does) -> action.
WHEN: dict[tuple[str, str, Any], str] = {
    ("print", "reason", True): "reprint",
    ("print", "override", True): "override",
    ("report", "what", "attendees"): "export_attendees",
    ("demo", "replace", True): "demo_replace",
}


def action_for(command: str, args: argparse.Namespace) -> str:
    """The action `command` performs with these options (OPEN, HUB_ADMIN or a key of roles.REQUIRED)."""
    if command not in COMMANDS:
        raise KeyError(f"the command {command!r} has no entry in cli._policy.COMMANDS")
    for (name, option, value), action in WHEN.items():
        given = getattr(args, option, None)
        if name == command and (given == value or (value is True and bool(given))):
            return action
    return COMMANDS[command]


def privileged_commands() -> set[str]:
    """Commands that may need --as NAME (always, or with some options)."""
    always = {c for c, a in COMMANDS.items() if a not in (OPEN, HUB_ADMIN)}
    return always | {c for (c, _o, _v) in WHEN}
