"""Security commands: keys, signed codes, audit check, staff, export and purge of attendee data.

Privileged commands take `--as NAME`; the PIN is read from CHECKIN_DESK_PIN, else asked for (or read
from standard input when it is not a terminal). Before the event has any staff account, no PIN is asked.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from checkin_desk.cli import CommandError, UsageError
from checkin_desk.cli._common import authorize as _authorize
from checkin_desk.cli._common import desk_name, new_pin, open_store, privileged, staff_of
from checkin_desk.domain import codes
from checkin_desk.imports.readers import ImportFileError, plan_table, read_table, row_to_attendee
from checkin_desk.services import door
from checkin_desk.services.audit_check import check_audit
from checkin_desk.services.purge import PurgeRefused, purge_event
from checkin_desk.trust import keys, roles, signing
from checkin_desk.trust.personal_data import export_attendees
from checkin_desk.util.privacy import open_private


def register(sub: argparse._SubParsersAction) -> None:
    keys_p = sub.add_parser("keys", help="the event's signing key pair")
    keys_sub = keys_p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    p = privileged(keys_sub.add_parser("init", help="make the event's key pair (never overwrites)"))
    p.add_argument("--key-file", type=Path, help="where to write the private key (default: config dir)")
    p.set_defaults(handler=cmd_keys_init)
    p = keys_sub.add_parser("export-public", help="print the event's public key (for the other desks)")
    p.add_argument("--out", type=Path, help="write it to this file instead")
    p.set_defaults(handler=cmd_keys_export)
    p = privileged(keys_sub.add_parser("import-public", help="set the event's public key on this desk"))
    p.add_argument("key", help="the key text (ed25519:...) or a file holding it")
    p.add_argument("--replace", action="store_true", help="replace a different key (old badges stop working)")
    p.set_defaults(handler=cmd_keys_import)

    codes_p = sub.add_parser("codes", help="signed badge codes")
    codes_sub = codes_p.add_subparsers(dest="codes_command", metavar="ACTION", required=True)
    p = codes_sub.add_parser("sign", help="write an attendee list again with a signed code beside each row")
    p.add_argument("file", help="the attendee list: CSV, XLSX or JSON")
    p.add_argument("--out", required=True, type=Path, help="CSV, XLSX or JSON, by its extension")
    p.add_argument("--key-file", type=Path, help="the private key (default: the event's, in the config dir)")
    p.add_argument("--column", default="signed_code", help="name of the new column")
    p.set_defaults(handler=cmd_codes_sign)

    audit_p = sub.add_parser("audit", help="the audit log")
    audit_sub = audit_p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    p = audit_sub.add_parser("verify", help="check that no entry was deleted, altered or reordered")
    p.set_defaults(handler=cmd_audit_verify)

    staff_p = sub.add_parser("staff", help="staff accounts and PINs")
    staff_sub = staff_p.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    p = privileged(staff_sub.add_parser("add", help="add a staff account (the first one: an admin)"))
    p.add_argument("name", help="the staff member's name, as they will type it")
    p.add_argument(
        "--role",
        required=True,
        choices=("operator", "supervisor", "admin"),
        help="what they may do (SECURITY.md has the table)",
    )
    p.set_defaults(handler=cmd_staff_add)
    p = staff_sub.add_parser("list", help="list staff accounts")
    p.set_defaults(handler=cmd_staff_list)
    p = privileged(
        staff_sub.add_parser("remove", help="close a staff account: its PIN stops working (admin)")
    )
    p.add_argument("name", help="the staff member's name")
    p.add_argument("--yes", action="store_true", help="confirm")
    p.set_defaults(handler=cmd_staff_remove)
    p = privileged(staff_sub.add_parser("set-pin", help="change a PIN (yours, or anyone's as admin)"))
    p.add_argument("name", help="whose PIN (yours, or anyone's as an admin)")
    p.set_defaults(handler=cmd_staff_set_pin)

    p = privileged(
        sub.add_parser(
            "reissue", help="re-issue a lost badge: the old code stops working, the new one prints"
        )
    )
    p.add_argument("code", help="the lost badge's code")
    p.add_argument("--reason", required=True, help="why (lost, stolen, damaged): kept in the audit log")
    p.set_defaults(handler=cmd_reissue)

    p = privileged(sub.add_parser("export-attendees", help="export the attendee list as CSV (supervisor)"))
    p.add_argument("--out", required=True, type=Path, help="the CSV file to write (owner-only)")
    p.set_defaults(handler=cmd_export_attendees)

    p = privileged(
        sub.add_parser("purge", help="after the event: remove attendee personal data, keep counts")
    )
    p.add_argument("--event", action="store_true", required=True, help="purge this event's attendee data")
    p.add_argument("--force", action="store_true", help="even if changes have not reached the hub")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(handler=cmd_purge)


# -- PINs ----------------------------------------------------------------------------------------------


# -- keys ----------------------------------------------------------------------------------------------


def cmd_keys_init(args: argparse.Namespace) -> int:
    store = open_store(args)
    by = _authorize(args, store, "keys")
    if current := signing.public_key(store):
        raise CommandError(
            f"this event already has signing key {keys.fingerprint(current)}; keys init never replaces it"
        )
    try:
        path, public = keys.generate(args.key_file)
    except (keys.KeyFileError, FileExistsError) as exc:
        raise CommandError(str(exc)) from exc
    with store.transaction() as conn:
        signing.set_public_key(store, public)
        store.audit(
            conn,
            desk=desk_name(args, store),
            operator=by.name if by else (args.operator or ""),
            action="keys_init",
            subject=keys.fingerprint(public),
        )
    print(f"event key {keys.fingerprint(public)}\nprivate key: {path} (owner-only; keep it off the desks)")
    print(f"public key:  {public}")
    return 0


def cmd_keys_export(args: argparse.Namespace) -> int:
    public = signing.public_key(open_store(args))
    if public is None:
        raise CommandError("this event has no signing key (run `checkin-desk keys init` where it is kept)")
    if args.out:
        args.out.write_text(public + "\n", encoding="ascii")
        print(f"wrote {args.out} (key {keys.fingerprint(public)})")
    else:
        print(public)
    return 0


def cmd_keys_import(args: argparse.Namespace) -> int:
    store = open_store(args)
    by = _authorize(args, store, "keys")
    text = args.key
    if not text.startswith(keys.PUBLIC_PREFIX) and Path(text).is_file():
        text = Path(text).read_text(encoding="ascii", errors="replace").strip()
    try:
        with store.transaction() as conn:
            public = signing.set_public_key(store, text, replace=args.replace)
            store.audit(
                conn,
                desk=desk_name(args, store),
                operator=by.name if by else (args.operator or ""),
                action="keys_import_public",
                subject=keys.fingerprint(public),
            )
    except (keys.KeyFileError, signing.SigningError) as exc:
        raise CommandError(str(exc)) from exc
    print(f"this desk now checks signed codes with key {keys.fingerprint(public)}")
    return 0


# -- codes sign ----------------------------------------------------------------------------------------


def cmd_codes_sign(args: argparse.Namespace) -> int:
    source, out = Path(args.file), args.out
    if out.exists() and out.resolve() == source.resolve():
        raise UsageError("--out must be another file than the list itself")
    if out.suffix.lower() not in (".csv", ".tsv", ".txt", ".xlsx", ".json"):
        raise UsageError("--out must end in .csv, .tsv, .txt, .xlsx or .json")
    store = open_store(args)
    try:
        key = signing.private_key(store, args.key_file)
    except signing.SigningError as exc:
        raise CommandError(str(exc)) from exc
    if key is None:
        raise CommandError("no private key for this event on this machine (see `keys init`, or --key-file)")
    if not source.is_file():
        raise CommandError(f"no file at {source}")
    try:
        header, rows, info = read_table(source)
        close = info.pop("close", None)
        try:
            plan = plan_table(header)
            table = [(number, list(row)) for number, row in rows]
        finally:
            if close:
                close()
    except ImportFileError as exc:
        raise CommandError(str(exc)) from exc
    event_days = store.event().days
    signed, problems = [], []
    with door.privileged(store, "keys", staff_of(args), desk=desk_name(args, store), claimed=args.operator or "",
                         audit_as="codes_sign", subject=source.name) as entry:  # fmt: skip
        for number, row in table:
            attendee = row_to_attendee(row, plan.mapping, event_days, plan.row_options)
            if isinstance(attendee, str):
                problems.append(f"row {number}: {attendee}")
                signed.append("")
                continue
            signed.append(signing.issue(store, attendee, key))
        entry.details["signed"] = len(table) - len(problems)
    _write_table(
        out,
        [*header, args.column],
        [[*row, token] for (_, row), token in zip(table, signed, strict=True)],
        info,
    )
    print(f"{out}: {len(table) - len(problems)} rows signed, {len(problems)} left without a signed code")
    for problem in problems[:20]:
        print(f"  {problem}")
    return 0 if len(problems) < len(table) or not table else 1


def _write_table(out: Path, header: list[str], rows: list[list], info: dict) -> None:
    """The list again, owner-only (it holds personal data), formulas never live."""
    suffix = out.suffix.lower()
    if suffix == ".json":
        with open_private(out, "w", encoding="utf-8") as fh:
            json.dump(
                [dict(zip(header, map(_plain, row), strict=False)) for row in rows],
                fh,
                ensure_ascii=False,
                indent=1,
            )
        return
    if suffix == ".xlsx":
        import openpyxl
        from openpyxl.cell import WriteOnlyCell

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet()
        for line in [header, *rows]:
            cells = []
            for value in line:
                cell = WriteOnlyCell(
                    sheet, value=_plain(value) if not isinstance(value, (int, float)) else value
                )
                if cell.data_type == "f":
                    cell.data_type = "s"  # a cell that looks like a formula stays text
                cells.append(cell)
            sheet.append(cells)
        with open_private(out, "wb") as fh:
            book.save(fh)
        return
    from checkin_desk.util.csvsafe import SafeWriter

    delimiter = "\t" if suffix == ".tsv" else (info.get("delimiter") or ",")
    with open_private(out, "w", encoding="utf-8-sig", newline="") as fh:
        SafeWriter(fh, delimiter=delimiter, lineterminator="\r\n").writerows(
            [[_plain(v) for v in row] for row in [header, *rows]]
        )


def _plain(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[union-attr]
    return str(value)


# -- audit -----------------------------------------------------------------------------------------------


def cmd_audit_verify(args: argparse.Namespace) -> int:
    store = open_store(args)
    result = check_audit(store)
    count, problems = result.entries, result.problems
    if result.intact:
        print(f"audit log intact: {count} entries; {result.compared_with}")
        return 0
    if not problems:
        print(f"audit log not verified: {count} entries; {result.compared_with}", file=sys.stderr)
        return 1
    print(f"audit log damaged: {len(problems)} problems in {count} entries", file=sys.stderr)
    print(f"  {result.compared_with}", file=sys.stderr)
    for problem in problems:
        row = store.conn.execute(
            "SELECT at, operator, action, subject FROM audit_log WHERE id = ?", (problem.entry_id,)
        ).fetchone()
        where = f" [{row[0]} {row[2]} {row[3]} by {row[1]}]" if row else ""
        print(f"  {problem}{where}", file=sys.stderr)
    return 1


# -- staff ----------------------------------------------------------------------------------------------


def cmd_staff_add(args: argparse.Namespace) -> int:
    store = open_store(args)
    by = _authorize(args, store, "staff")
    try:
        staff = roles.add_staff(store, args.name, roles.Role.parse(args.role), new_pin(), by=by)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    print(f"added {staff.name} ({staff.role.key})")
    return 0


def cmd_staff_remove(args: argparse.Namespace) -> int:
    store = open_store(args)
    staff = roles.get_staff(store, args.name)
    if staff is None:
        raise CommandError(f"no staff account named {args.name}")
    if not args.yes:
        raise UsageError(
            f"this closes {staff.name}'s account ({staff.role.key}): their PIN stops working on this desk; "
            "add --yes to confirm"
        )
    by = _authorize(args, store, "staff")
    if by is None:
        raise UsageError("removing staff needs an admin: add --as NAME")
    try:
        roles.remove_staff(store, args.name, by=by)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    print(f"removed {staff.name} ({staff.role.key}); the audit log keeps their name")
    return 0


def cmd_staff_list(args: argparse.Namespace) -> int:
    store = open_store(args)
    for staff in roles.list_staff(store):
        until = roles.locked_until(store, staff.name)
        print(f"{staff.name}\t{staff.role.key}" + (f"\tlocked until {until.isoformat()}" if until else ""))
    return 0


def cmd_staff_set_pin(args: argparse.Namespace) -> int:
    store = open_store(args)
    if not args.as_name:
        raise UsageError("say who you are with --as NAME")
    by = _authorize(args, store, "set_pin")
    try:
        roles.set_pin(store, args.name, new_pin(), by=by)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    print(f"PIN of {args.name} changed")
    return 0


def cmd_reissue(args: argparse.Namespace) -> int:
    from checkin_desk.services.desk import Desk
    from checkin_desk.services.desk_ops import reissue_and_print

    store = open_store(args)
    by = _authorize(args, store, "reissue_pass")
    desk = Desk(store, desk_name(args, store), args.operator or "")
    token, job = reissue_and_print(
        desk, args.code, reason=args.reason, supervisor=args.operator or "", authorized_by=by
    )
    print(
        f"re-issued {codes.normalise(args.code)}: the old badge no longer works; new badge queued (job {job})"
    )
    print(token)
    return 0


# -- personal data ----------------------------------------------------------------------------------------


def cmd_export_attendees(args: argparse.Namespace) -> int:
    store = open_store(args)
    by = _authorize(args, store, "export_attendees")
    count = export_attendees(
        store, args.out, desk=desk_name(args, store), claimed=args.operator or "", authorized_by=by
    )
    print(f"wrote {count} attendees to {args.out} (owner-only file)")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    store = open_store(args)
    by = _authorize(args, store, "purge")
    event = store.event()
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("purge removes every attendee's personal data: add --yes to confirm")
        answer = input(f"Remove all attendee personal data of {event.name!r} from this desk? Type 'purge': ")
        if answer.strip() != "purge":
            print("nothing removed")
            return 1
    try:
        report = purge_event(
            store,
            desk=desk_name(args, store),
            claimed=args.operator or "",
            authorized_by=by,
            force=args.force,
        )
    except PurgeRefused as exc:
        raise CommandError(str(exc)) from exc
    print(
        f"purged {report.attendees} attendees; {report.scans} scans kept without personal data; "
        f"{report.print_jobs} print jobs and {report.outbox} unsent changes removed"
    )
    if report.disconnected_from:
        print(
            f"disconnected from the hub {report.disconnected_from} and forgot its password: "
            "a purged event never syncs again"
        )
    return 0
