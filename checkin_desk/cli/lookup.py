"""Looking things up: search and counts."""

from __future__ import annotations

import argparse
import io
import json
import sys

from checkin_desk import reports
from checkin_desk.cli._common import open_store
from checkin_desk.domain.models import Attendee
from checkin_desk.util.csvsafe import SafeWriter


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("search", help="search attendees by name, company or e-mail")
    p.add_argument("text", help="a name, company, e-mail or code, in any script (wang wei finds 王伟)")
    p.add_argument("--json", action="store_true", help="one JSON list instead of lines")
    p.add_argument("--limit", type=int, default=50, help="at most this many (default: %(default)s)")
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("counts", help="unique attendees admitted and total entries")
    p.add_argument("--by", choices=reports.GROUPINGS, default="day", help="count per (default: %(default)s)")
    p.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="how to print them (default: %(default)s)",
    )
    p.set_defaults(handler=cmd_counts)


def _attendee_line(a: Attendee, labels: dict[str, str]) -> str:
    category = labels.get(a.category) or a.category
    return "  ".join(p for p in (a.code, a.full_name, category, a.company, a.email, a.status.value) if p)


def cmd_search(args: argparse.Namespace) -> int:
    store = open_store(args)
    results = store.search(args.text, limit=max(1, min(args.limit, 500)))
    if args.json:
        print(json.dumps([a.to_dict() for a in results], ensure_ascii=False))
    else:
        labels = {key: row["label_fr"] for key, row in store.categories().items()}
        for a in results:
            print(_attendee_line(a, labels))
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
        writer = SafeWriter(out, lineterminator="\n")  # desk names travel between desks: never formulas
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
