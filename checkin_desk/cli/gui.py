"""The desk window commands: `gui` (also what `checkin-desk` with no command opens) and `screenshot`.

Qt is imported inside the handlers only, so the rest of the CLI runs on machines without a screen.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from checkin_desk.cli._common import camera_source, db_path, open_desk


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="open the desk window")
    p.add_argument("--kiosk", action="store_true", default=None, help="start in kiosk mode")
    p.add_argument(
        "--camera",
        metavar="SOURCE",
        type=camera_source,
        help="open the camera panel (F12) on this source: a device number, a video file or a stream URL",
    )
    p.set_defaults(handler=run_gui)

    p = sub.add_parser("screenshot", help="render the desk window's states to PNG files (offscreen)")
    p.add_argument("--out", required=True, help="folder for the PNG files")
    p.add_argument("--languages", default="fr,ar", help="comma-separated: fr, ar, en")
    p.set_defaults(handler=cmd_screenshot)


def run_gui(args: argparse.Namespace) -> int:
    path = db_path(args)
    if not (path.exists() and path.stat().st_size):
        # No event on this machine yet: the first-run assistant, not an error line.
        from checkin_desk.gui.first_run import run_assistant

        chosen = run_assistant(path if getattr(args, "db", None) else None)
        if chosen is None:
            print(
                "checkin-desk: no event yet; the first-run assistant was closed before the end",
                file=sys.stderr,
            )
            return 1
        args.db = str(chosen)
    from checkin_desk.gui.app import run

    return run(open_desk(args), kiosk=getattr(args, "kiosk", None), camera=getattr(args, "camera", None))


def cmd_screenshot(args: argparse.Namespace) -> int:
    from checkin_desk.gui.screenshots import render_all

    languages = [code.strip() for code in args.languages.split(",") if code.strip()]
    for path in render_all(Path(args.out), languages):
        print(path)
    return 0
