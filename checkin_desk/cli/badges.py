"""Badge commands: `badge CODE --out FILE.pdf|FILE.png` and `badges batch --out FILE.pdf`."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from checkin_desk.cli import CommandError, UsageError
from checkin_desk.cli._common import desk_name, open_store, operator_name, staff_of
from checkin_desk.domain.models import Attendee
from checkin_desk.services import door
from checkin_desk.trust import signing
from checkin_desk.util.privacy import open_private
from checkin_desk.util.textnorm import fold

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("badge", help="render one attendee's badge to a PDF or PNG file")
    p.add_argument("code", help="the attendee's code")
    p.add_argument(
        "--out", required=True, help="FILE.pdf, or FILE.png (thermal raster, or preview with --preview)"
    )
    p.add_argument("--template", default=None, help="a6, a4-sheet, thermal-80, thermal-58 or a JSON file")
    p.add_argument("--dpi", type=int, default=None, help="PNG resolution (default 203 thermal, 150 preview)")
    p.add_argument("--width-dots", type=int, default=None, help="thermal PNG width in dots (384, 512, 576)")
    p.add_argument(
        "--preview", action="store_true", help="PNG in colour/grey as on screen, not the 1-bit raster"
    )
    p.set_defaults(handler=cmd_badge)

    p = sub.add_parser("badges", help="badges in bulk")
    group = p.add_subparsers(dest="badges_command", metavar="ACTION", required=True)
    b = group.add_parser("batch", help="all badges (of a category) in one PDF, by category and name")
    b.add_argument("--out", required=True, help="FILE.pdf")
    b.add_argument("--category", action="append", help="only this category (repeatable)")
    b.add_argument(
        "--template", default="a4-sheet", help="a4-sheet (default), a6, thermal-80, ... or a JSON file"
    )
    b.add_argument("--include-cancelled", action="store_true", help="also cancelled and blocked passes")
    b.set_defaults(handler=cmd_batch)
    t = group.add_parser("templates", help="list the badge templates")
    t.set_defaults(handler=cmd_templates)


def _template(name: str | None, default: str):
    from checkin_desk.badges import TemplateError, load_template

    try:
        return load_template(name or default)
    except TemplateError as exc:
        raise UsageError(str(exc)) from exc


def cmd_badge(args: argparse.Namespace) -> int:
    from checkin_desk.badges import render_badge_pdf, render_badge_raster, render_preview_png

    out = Path(args.out)
    kind = out.suffix.lower()
    if kind not in (".pdf", ".png"):
        raise UsageError("--out must end in .pdf or .png")
    store = open_store(args)
    try:
        attendee = store.lookup(args.code.strip())
        if attendee is None:
            raise CommandError(f"no attendee with code {args.code!r}")
        event, categories = store.event(), store.categories()
        qr_text = signing.qr_text(store, attendee.code)  # the signed code when one was issued
    finally:
        store.close()
    if kind == ".pdf":
        template = _template(args.template, "a6")
        data = render_badge_pdf(
            [attendee],
            event=event,
            categories=categories,
            template=template,
            qr_texts={attendee.code: qr_text},
        )
    elif args.preview:
        template = _template(args.template, "a6")
        data = render_preview_png(
            attendee,
            event=event,
            categories=categories,
            template=template,
            dpi=args.dpi or 150,
            qr_text=qr_text,
        )
    else:
        template = _template(args.template, "thermal-80")
        if template.sheet is not None:
            raise UsageError(f"template {template.name!r} is a sheet: write a .pdf, or use --preview")
        dpi = args.dpi or 203
        width = args.width_dots or (384 if template.width <= 48 else 576 if dpi >= 200 else 512)
        image = render_badge_raster(
            attendee,
            event=event,
            categories=categories,
            template=template,
            width_dots=width,
            dpi=dpi,
            qr_text=qr_text,
        )
        with open_private(out, "wb") as fh:
            image.save(fh, format="PNG", dpi=(dpi, dpi))
        print(f"{out}: {attendee.code} ({template.name}, {image.width} x {image.height} dots at {dpi} dpi)")
        return 0
    with open_private(out, "wb") as fh:
        fh.write(data)
    print(f"{out}: {attendee.code} ({template.name})")
    return 0


def batch_order(attendees: list[Attendee], categories: dict) -> list[Attendee]:
    """Category (in the event's order), then last name, first name, code: the same order on every run."""
    position = {key: i for i, key in enumerate(categories)}
    return sorted(
        attendees,
        key=lambda a: (
            position.get(a.category, len(position)),
            a.category,
            fold(a.last_name),
            fold(a.first_name),
            a.last_name,
            a.first_name,
            a.code,
        ),
    )


def cmd_batch(args: argparse.Namespace) -> int:
    from checkin_desk.badges import render_badge_pdf

    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise UsageError("--out must end in .pdf")
    template = _template(args.template, "a4-sheet")
    store = open_store(args)
    try:
        categories = store.categories()
        wanted = set(args.category or ())
        if unknown := wanted - set(categories):
            raise UsageError(
                f"unknown category {', '.join(sorted(unknown))} (known: {', '.join(categories)})"
            )
        people = [
            a
            for a in store.attendees()
            if (not wanted or a.category in wanted) and (args.include_cancelled or a.status == "valid")
        ]
        event = store.event()
        qr_texts = signing.issued_codes(store)  # signed codes on the badges that have one
    finally:
        store.close()
    if not people:
        raise CommandError("no attendee matches: nothing to print")
    people = batch_order(people, categories)
    data = render_badge_pdf(people, event=event, categories=categories, template=template, qr_texts=qr_texts)
    store = open_store(args)
    try:
        audit = {"audit_as": "badges_batch", "subject": str(out), "details": {"badges": len(people)}}
        with (
            door.privileged(
                store,
                "export_attendees",
                staff_of(args),
                desk=desk_name(args, store),
                claimed=operator_name(args),
                **audit,
            ),  # fmt: skip
            open_private(out, "wb") as fh,
        ):
            fh.write(data)
    finally:
        store.close()
    per_page = len(template.sheet.origins(template.width, template.height)) if template.sheet else 1
    pages = -(-len(people) // per_page)
    print(f"{out}: {len(people)} badges on {pages} pages ({template.name})")
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    from checkin_desk.badges import load_template, template_names

    for name in template_names():
        t = load_template(name)
        print(f"{name:12} {t.width:g} x {t.height:g} mm  {t.mode:6} {t.description}")
    return 0
