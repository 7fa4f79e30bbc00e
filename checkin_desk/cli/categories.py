"""The `categories` command: list the event's categories, rename them, colour them, merge them."""

from __future__ import annotations

import argparse
import json

from checkin_desk.cli import CommandError
from checkin_desk.cli._common import authorize as _authorize
from checkin_desk.cli._common import desk_name, open_store
from checkin_desk.services import categories as service


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("categories", help="list, rename, colour or merge the event's categories")
    actions = p.add_subparsers(dest="categories_command", metavar="ACTION", required=True)

    def privileged(q: argparse.ArgumentParser) -> argparse.ArgumentParser:
        q.add_argument(
            "--as", dest="as_name", metavar="NAME", help="admin's name (PIN from CHECKIN_DESK_PIN or asked)"
        )
        return q

    q = actions.add_parser("list", help="every category: key, labels, colour, attendees")
    q.add_argument("--json", action="store_true", help="one JSON list instead of a table")
    q.set_defaults(handler=cmd_list)

    q = privileged(actions.add_parser("rename", help="give a category a new label (every language, or one)"))
    q.add_argument("key", help="the category's key (see `categories list`)")
    q.add_argument(
        "label", nargs="?", help="the new label, in every language unless --fr/--en/--ar say otherwise"
    )
    q.add_argument("--fr", help="the French label")
    q.add_argument("--en", help="the English label")
    q.add_argument("--ar", help="the Arabic label")
    q.set_defaults(handler=cmd_rename)

    q = privileged(actions.add_parser("colour", help="set a category's colour (colour badges, the window)"))
    q.add_argument("key", help="the category's key")
    q.add_argument("colour", help="#RRGGBB")
    q.set_defaults(handler=cmd_colour)

    q = privileged(actions.add_parser("merge", help="move the attendees of categories into another one"))
    q.add_argument("keys", nargs="+", help="the categories to empty and remove")
    q.add_argument("--into", required=True, help="the category that receives their attendees")
    q.set_defaults(handler=cmd_merge)


def cmd_list(args: argparse.Namespace) -> int:
    found = service.list_categories(open_store(args))
    if args.json:
        print(json.dumps([c.__dict__ for c in found], ensure_ascii=False))
        return 0
    width = max([len(c.key) for c in found] + [3])
    print(f"{'key':<{width}}  {'attendees':>9}  colour   labels (fr / en / ar)")
    for c in found:
        print(f"{c.key:<{width}}  {c.attendees:>9}  {c.colour}  {c.label_fr} / {c.label_en} / {c.label_ar}")
    return 0


def _labels(args: argparse.Namespace, store, **labels) -> int:
    by = _authorize(args, store, "categories")
    try:
        c = service.set_labels(store, args.key, desk=desk_name(args, store), authorized_by=by,
                               claimed=args.operator or "", **labels)  # fmt: skip
    except service.CategoryError as exc:
        raise CommandError(str(exc)) from exc
    print(f"{c.key}: {c.label_fr} / {c.label_en} / {c.label_ar}, {c.colour}")
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    store = open_store(args)
    fr, en, ar = (args.fr or args.label, args.en or args.label, args.ar or args.label)
    return _labels(args, store, fr=fr, en=en, ar=ar)


def cmd_colour(args: argparse.Namespace) -> int:
    return _labels(args, open_store(args), colour=args.colour)


def cmd_merge(args: argparse.Namespace) -> int:
    store = open_store(args)
    by = _authorize(args, store, "categories")
    try:
        moved = service.merge(store, args.keys, args.into, desk=desk_name(args, store), authorized_by=by,
                              claimed=args.operator or "")  # fmt: skip
    except service.CategoryError as exc:
        raise CommandError(str(exc)) from exc
    print(f"merged {', '.join(args.keys)} into {args.into}: {moved} attendees moved")
    return 0
