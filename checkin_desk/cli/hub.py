"""Hub commands: hub init / import / publish-key / status / conflicts / connect / disconnect, and sync.

A hub address (DSN) is never printed with its password, and is best not typed on the command line
of a shared machine: `--dsn` falls back to $CHECKIN_DESK_HUB, then to the hub this desk connected to.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfoNotFoundError

from checkin_desk.cli import CommandError, UsageError
from checkin_desk.cli._common import db_path, desk_name, map_options, open_store, operator_name, staff_of
from checkin_desk.imports import readers as importers
from checkin_desk.services import door
from checkin_desk.storage.store import HUB_DSN_SETTING, Store, attendee_from_row
from checkin_desk.trust import keys, signing
from checkin_desk.trust.personal_data import PURGED_SETTING
from checkin_desk.util.clock import parse_iso, zone
from checkin_desk.util.config import MachineConfig, data_dir

if TYPE_CHECKING:
    from checkin_desk.sync.loop import SyncState

PASSWORD_ENV = "CHECKIN_DESK_HUB_PASSWORD"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("hub", help="the PostgreSQL hub that keeps several desks in step")
    hub_sub = p.add_subparsers(dest="hub_command", metavar="ACTION", required=True)

    q = hub_sub.add_parser("init", help="create or migrate the hub's schema and the desks' role")
    q.add_argument("--dsn", help="an administrator's DSN (default: $CHECKIN_DESK_HUB)")
    q.add_argument(
        "--desk-role", default="checkin_desk", help="role the desks connect as (default: checkin_desk)"
    )
    q.add_argument("--no-desk-role", action="store_true", help="do not create or change the desks' role")
    q.add_argument(
        "--desk-password",
        action="store_true",
        help=f"set the desks' role password (read from ${PASSWORD_ENV}, or asked for)",
    )
    q.add_argument("--name", help="event name (default: from this desk's event, if there is one)")
    q.add_argument("--days", help="event days, comma-separated ISO dates")
    q.add_argument("--timezone", help="event time zone (default: Africa/Casablanca)")
    q.set_defaults(handler=cmd_init)

    q = hub_sub.add_parser("import", help="load an attendee list (CSV, XLSX, JSON) into the hub")
    q.add_argument("file", help="the attendee list: CSV, XLSX or JSON")
    q.add_argument("--dsn", help="an administrator's DSN (default: $CHECKIN_DESK_HUB)")
    q.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="read COLUMN as FIELD (code, first_name...)",
    )
    q.add_argument("--skip-invalid", action="store_true", help="load the good rows, skip the bad ones")
    q.set_defaults(handler=cmd_import)

    q = hub_sub.add_parser(
        "publish-key",
        help="put the event's public key on the hub; desks pull it and check signed codes (never the private key)",
    )
    q.add_argument("--dsn", help="an administrator's DSN (default: $CHECKIN_DESK_HUB)")
    q.add_argument(
        "--key",
        help="the public key (ed25519:...) or a file holding it (default: this event's, from keys init)",
    )
    q.add_argument("--replace", action="store_true", help="replace a different key (old badges stop working)")
    q.set_defaults(handler=cmd_publish_key)

    q = hub_sub.add_parser("status", help="desks, last contact, counts")
    q.add_argument("--dsn", help="the hub's DSN (default: $CHECKIN_DESK_HUB, else this desk's hub)")
    q.add_argument("--json", action="store_true", help="JSON instead of a table")
    q.set_defaults(handler=cmd_status)

    q = hub_sub.add_parser("conflicts", help="offline check-ins the hub would have refused")
    q.add_argument("--dsn", help="the hub's DSN (default: $CHECKIN_DESK_HUB, else this desk's hub)")
    q.add_argument("--json", action="store_true", help="JSON instead of a table")
    q.set_defaults(handler=cmd_conflicts)

    q = hub_sub.add_parser(
        "connect",
        help="make this desk use a hub; with no event database yet, make one for the hub's event",
    )
    q.add_argument(
        "dsn", help='the hub\'s address, e.g. "host=hub.local dbname=expo user=desk_1 password=..."'
    )
    q.add_argument("--no-check", action="store_true", help="store it even if the hub cannot be reached now")
    q.add_argument(
        "--adopt",
        action="store_true",
        help="this event database, which never joined a hub, is the hub's event: join it anyway",
    )
    q.set_defaults(handler=cmd_connect)

    q = hub_sub.add_parser("disconnect", help="this desk stops using its hub (check-ins stay local)")
    q.set_defaults(handler=cmd_disconnect)

    p = sub.add_parser("sync", help="keep this desk in step with its hub (push, then pull)")
    p.add_argument(
        "--once", action="store_true", help="one round, then exit (status 1 if the hub is unreachable)"
    )
    p.add_argument("--interval", type=float, default=2.0, help="seconds between rounds (default 2)")
    p.add_argument("--page-size", type=int, default=5000, help=argparse.SUPPRESS)
    p.add_argument("--push-batch", type=int, default=500, help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_sync)


# -- helpers ---------------------------------------------------------------------------------------


def _from_this_desk(args: argparse.Namespace, read):
    """`read(store)` on this desk's event database, or None when there is none."""
    path = db_path(args)
    if not (path.exists() and path.stat().st_size):
        return None
    store = open_store(args)
    try:
        return read(store)
    finally:
        store.close()


def _admin_dsn(args: argparse.Namespace) -> str:
    dsn = getattr(args, "dsn", None) or os.environ.get("CHECKIN_DESK_HUB")
    if not dsn:
        from checkin_desk.sync import credentials

        dsn = _from_this_desk(args, credentials.hub_dsn)
    if not dsn:
        raise UsageError(
            "which hub? give --dsn DSN, set $CHECKIN_DESK_HUB, or `checkin-desk hub connect DSN`"
        )
    return dsn


def _connect(dsn: str, **kwargs):
    from checkin_desk.sync import connection

    try:
        return connection.connect(dsn, **kwargs)
    except connection.HubError as exc:
        raise CommandError(str(exc)) from None


def _hub_errors(dsn: str):
    """Turn database errors in a hub command into one clear line."""
    from checkin_desk.sync import connection, hub_schema

    class _Guard:
        def __enter__(self):
            return self

        def __exit__(self, kind, exc, tb):
            import psycopg

            if isinstance(exc, (psycopg.Error, hub_schema.HubSchemaError)):
                raise CommandError(connection.explain(exc, dsn)) from None
            return False

    return _Guard()


# -- commands --------------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from checkin_desk.sync import connection, hub, hub_schema

    dsn = _admin_dsn(args)
    conn = _connect(dsn, check_schema=False)
    with conn, _hub_errors(dsn):
        before, after = hub_schema.migrate(conn)
        if before == after:
            print(f"hub {connection.describe(dsn)}: schema version {after}, up to date")
        else:
            print(f"hub {connection.describe(dsn)}: schema version {before} -> {after}")
        settings = _event_settings(args)
        if settings:
            hub.set_settings(conn, settings)
            print(f"event settings: {', '.join(sorted(settings))}")
        if not args.no_desk_role:
            password = None
            if args.desk_password:
                password = os.environ.get(PASSWORD_ENV)
                if password is None:
                    if not sys.stdin.isatty():
                        raise UsageError(f"--desk-password: set ${PASSWORD_ENV} (no terminal to ask on)")
                    password = getpass.getpass(f"password for role {args.desk_role}: ")
                if not password:
                    raise UsageError("the desks' role password is empty")
            created = hub_schema.ensure_desk_role(conn, args.desk_role, password)
            print(
                f"desk role {args.desk_role}: {'created' if created else 'grants refreshed'}"
                + (", password set" if password else "")
            )
    return 0


def _event_settings(args: argparse.Namespace) -> dict:
    settings: dict = {}
    path = db_path(args)
    if path.exists() and path.stat().st_size:
        store = open_store(args)
        try:
            local = store.settings()
        finally:
            store.close()
        for key in ("event_name", "event_days", "timezone", "venue", "readmit_same_day", "auto_badge"):
            if key in local:
                settings[key] = local[key]
    if args.name:
        settings["event_name"] = args.name
    if args.days:
        settings["event_days"] = [d.strip() for d in args.days.split(",") if d.strip()]
    if args.timezone:
        settings["timezone"] = args.timezone
    return settings


def cmd_import(args: argparse.Namespace) -> int:
    from checkin_desk.sync import hub

    overrides = map_options(args.map)
    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"no file at {path}")
    dsn = _admin_dsn(args)
    conn = _connect(dsn)
    with conn, _hub_errors(dsn):
        event_days = tuple(hub.settings(conn).get("event_days", ()))
        try:
            attendees, result = _read_attendees(path, overrides, event_days, None)
        except UnicodeDecodeError:
            attendees, result = _read_attendees(path, overrides, event_days, "cp1252")
        except importers.ImportFileError as exc:
            raise CommandError(str(exc)) from None
        print(f"{path}: {result.rows} rows, {result.valid} valid, {result.error_count} with errors")
        for error in result.errors[:50]:
            print(f"  row {error.row}: {error.reason}")
        if result.error_count and not args.skip_invalid:
            print(
                "nothing was imported: fix the rows above, or import the valid rows with --skip-invalid",
                file=sys.stderr,
            )
            return 1
        inserted, updated, unchanged = hub.import_attendees(conn, attendees)
    print(f"imported into the hub: {inserted} new, {updated} updated, {unchanged} unchanged")
    return 0


def _read_attendees(path, overrides, event_days, encoding):
    header, rows, info = importers.read_table(path, encoding)
    close = info.pop("close", None)
    try:
        result = importers.ImportResult()
        plan = importers.plan_table(header, importers.ImportOptions(overrides=overrides or {}))
        values = importers.validated(rows, plan.mapping, event_days, result, plan.row_options)
        attendees = [attendee_from_row(v) for v in values]
        return attendees, result
    finally:
        if close:
            close()


def cmd_publish_key(args: argparse.Namespace) -> int:
    """Only public text goes to the hub: `keys` keeps the private key in its own owner-only file,
    never in the event database or its settings, so there is nothing private here to send."""
    from checkin_desk.sync import hub

    text = args.key
    if text and not text.startswith(keys.PUBLIC_PREFIX) and Path(text).is_file():
        text = Path(text).read_text(encoding="ascii", errors="replace").strip()
    if not text:
        text = _from_this_desk(args, signing.public_key)
        if not text:
            raise UsageError("which key? run `checkin-desk keys init` here first, or give --key")
    try:
        keys.load_public(text)
    except keys.KeyFileError as exc:
        raise UsageError(f"--key: {exc}") from None
    text = text.strip()
    dsn = _admin_dsn(args)
    conn = _connect(dsn)
    with conn, _hub_errors(dsn):
        current = hub.settings(conn).get(signing.PUBLIC_KEY_SETTING)
        if current == text:
            print(f"the hub already has event key {keys.fingerprint(text)}")
            return 0
        if current and not args.replace:
            raise CommandError(
                f"the hub has event key {keys.fingerprint(str(current))}; replacing it makes every badge "
                "signed with it invalid at every desk (add --replace if that is what you want)"
            )
        hub.set_settings(conn, {signing.PUBLIC_KEY_SETTING: text})
    print(f"published event key {keys.fingerprint(text)} on the hub; desks take it at their next sync")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from checkin_desk.sync import connection, hub, identity
    from checkin_desk.sync.loop import duration_text

    dsn = _admin_dsn(args)
    conn = _connect(dsn)
    with conn, _hub_errors(dsn):
        info = hub.status(conn)
    if args.json:
        print(json.dumps(info, ensure_ascii=False, default=str))
        return 0
    tz = hub.timezone_of(info["settings"])
    conflicts = f"{info['conflicts']}" + (" (see `checkin-desk hub conflicts`)" if info["conflicts"] else "")
    print(f"hub {connection.describe(dsn)}, schema {info['schema_version']}; times in {tz}")
    event_id = str(info["settings"].get("event_id") or "")
    print(
        f"  {'event':<15} «{info['settings'].get('event_name') or '(no name)'}» ({identity.short(event_id)})"
    )
    for label, value in (
        ("attendees", f"{info['attendees']}"),
        ("scans", f"{info['scans']}, {info['offline_scans']} of them decided offline"),
        (
            "admitted",
            f"{_count(info['entries'], 'entry', 'entries')}, "
            f"{_count(info['unique_attendees'], 'unique attendee', 'unique attendees')}",
        ),
        ("conflicts", conflicts),
        ("revoked passes", f"{info['revocations']}"),
    ):
        print(f"  {label:<15} {value}")
    if not info["desks"]:
        print("no desk has synced yet")
        return 0
    print(f"{len(info['desks'])} desk(s):")
    width = max(len(d["desk"]) for d in info["desks"])
    for d in info["desks"]:
        skew = d["clock_skew_s"]
        clock = f"; clock {duration_text(skew)} {'ahead' if skew > 0 else 'behind'}" if abs(skew) > 5 else ""
        print(
            f"  {d['desk']:<{width}}  last contact {duration_text(d['seconds_ago'])} ago ({_local(d['last_contact'], tz)}), "
            f"{d['pushed']} pushed, {d['pending']} waiting{clock}"
        )
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    from checkin_desk.sync import hub

    dsn = _admin_dsn(args)
    conn = _connect(dsn)
    with conn, _hub_errors(dsn):
        rows = list(hub.iter_conflicts(conn))
        tz = hub.policy(conn).timezone
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, default=str))
        return 0
    if not rows:
        print("no conflicts")
        return 0
    print(
        f"{len(rows)} conflict(s): both entries are kept; unique attendee counts are not inflated. "
        f"Times in {tz}, as the hub received the scans."
    )
    for c in rows:
        print()
        print(f"{c['attendee_code']}  {c['name'] or '(no name)'}  — day {c['day']}")
        print(
            f"  {c['desk']} admitted it offline ({c['desk_status']}), received {_local(c['hub_at'], tz)}; "
            f"the hub would have said {c['hub_status']}"
        )
        print(f"  why: {c['reason']}")
        if c["earlier_desk"]:
            print(f"  first entry: {c['earlier_desk']}, received {_local(c['earlier_hub_at'], tz)}")
    return 0


def _local(text: str | None, tz: str) -> str:
    """An ISO time from the hub as 'YYYY-MM-DD HH:MM:SS' in the event's time zone."""
    if not text:
        return "?"
    try:
        return parse_iso(text).astimezone(zone(tz)).strftime("%Y-%m-%d %H:%M:%S")
    except (ValueError, KeyError, ZoneInfoNotFoundError):
        return text


def cmd_connect(args: argparse.Namespace) -> int:
    """Connect this desk to a hub. On a desk with no event database yet, the hub's event is made
    here (name, days, time zone, identity) and becomes the current event; the first sync fills it."""
    from checkin_desk.sync import connection, credentials, identity

    dsn = args.dsn
    try:
        connection.parse(dsn)
    except connection.HubError as exc:
        raise UsageError(str(exc)) from None
    event = None
    if not args.no_check:
        conn = _connect(dsn, connect_timeout=5)
        with conn, _hub_errors(dsn):
            event = identity.hub_event(conn)
    path = db_path(args)
    created = False
    if not (path.exists() and path.stat().st_size):
        if event is None:
            raise CommandError(
                f"no event database at {path}: connect without --no-check, so that it is made from "
                "the hub's event"
            )
        if not args.db:  # not over the default demo file: a file named after the hub's event
            path = data_dir() / "events" / identity.file_name(event)
        created = not (path.exists() and path.stat().st_size)
        store = identity.create_from_hub(path, event) if created else Store.open(path)
    else:
        store = open_store(args)
    try:
        if store.get_setting(PURGED_SETTING):
            raise CommandError(
                f"{path}: this event's attendee data was purged; a purged event never syncs again"
            )
        if event is not None:
            try:
                identity.bind(store, event, where=connection.describe(dsn), adopt=args.adopt)
            except identity.IdentityError as exc:
                raise CommandError(str(exc)) from None
        with door.privileged(store, "settings", staff_of(args), desk=desk_name(args, store),
                             claimed=operator_name(args), audit_as="hub_connect",
                             subject=connection.describe(dsn)):  # fmt: skip
            credentials.connect_store(store, dsn)
    finally:
        store.close()
    if created:
        config = MachineConfig.load()
        config.current_event = str(path)
        config.save()
        print(
            f"made {path} for the hub's event «{event.name}» ({', '.join(event.days) or 'no days yet'}, "
            f"{event.timezone}); it is now this machine's current event"
        )
    print(f"this desk now uses the hub {connection.describe(dsn)} (given as {connection.mask(dsn)})")
    if connection.password_of(dsn):
        print(
            f"its password is kept apart from the event database, in {credentials.passfile_path()} (owner-only)"
        )
    if created:
        print("next: `checkin-desk sync --once` fills it from the hub")
    return 0


def cmd_disconnect(args: argparse.Namespace) -> int:
    from checkin_desk.sync import connection, credentials

    store = open_store(args)
    if not store.get_setting(HUB_DSN_SETTING):
        print("this desk has no hub")
        return 0
    with door.privileged(store, "settings", staff_of(args), desk=desk_name(args, store),
                         claimed=operator_name(args), audit_as="hub_disconnect") as entry:  # fmt: skip
        dsn = credentials.disconnect(store)
        entry.subject = connection.describe(dsn)
    pending = store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    print(
        f"disconnected from {connection.describe(dsn)}"
        + (f"; {pending} records wait in the outbox for the next hub" if pending else "")
    )
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from checkin_desk.sync import connection
    from checkin_desk.sync.loop import SyncLoop

    store = open_store(args)
    name = desk_name(args, store) or MachineConfig.load().desk()
    if args.page_size < 1 or args.push_batch < 1:
        raise UsageError("--page-size and --push-batch must be 1 or more")
    try:
        loop = SyncLoop(
            store,
            name,
            on_state=None if args.once else _print_state,
            interval=args.interval,
            page_size=args.page_size,
            push_batch=args.push_batch,
        )
    except connection.HubError as exc:
        raise CommandError(str(exc)) from None
    if args.once:
        try:
            report = loop.run_once()
        except connection.HubError as exc:
            raise CommandError(f"{exc} ({loop.pending()} records wait in the outbox)") from None
        finally:
            loop.close()
        print(
            f"pushed {report.pushed}, pulled {report.pulled_attendees} attendees, {report.pulled_scans} scans, "
            f"{report.pulled_settings} settings, {report.pulled_revocations} revocations; "
            f"{report.conflicts} conflicts; {loop.pending()} waiting"
        )
        if loop.state.message:
            print(f"warning: {loop.state.message}", file=sys.stderr)
        return 0
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        loop.run_forever(stop)
    except KeyboardInterrupt:
        stop.set()
    return 0


_last_line = [""]


def _print_state(state: SyncState) -> None:
    if state.online:
        line = f"online: {state.pending} waiting" + (f"; {state.message}" if state.message else "")
        if state.pushed or state.pulled:
            line += f" (pushed {state.pushed}, pulled {state.pulled})"
    else:
        line = f"offline: {state.message}; {state.pending} waiting"
    if line != _last_line[0]:
        print(line, flush=True)
        _last_line[0] = line


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
