"""What happens on the hub, in SQL: online decisions, receiving desk records, reconciling, pulls.

Every function takes a psycopg connection and runs inside the caller's transaction (or opens one).
The decision itself is `rules.decide`, the same function the desks use offline; only its inputs
come from the hub: the hub's copy of the attendee, locked, and every desk's entries, in the order
the hub received them (never a desk's clock).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from checkin_desk.domain import codes, rules
from checkin_desk.domain.models import Attendee, Decision, Entry, Status
from checkin_desk.storage.store import ATTENDEE_FIELDS, HUB_DSN_SETTING, attendee_from_row, attendee_values
from checkin_desk.util.clock import iso, local_day, parse_iso

_ACOLS = ", ".join(ATTENDEE_FIELDS)
SCAN_FIELDS = (
    "uuid",
    "code",
    "raw",
    "attendee_code",
    "at",
    "day",
    "desk",
    "operator",
    "kind",
    "status",
    "admitted",
    "reentry",
    "badge",
    "offline",
    "override_reason",
    "issue",  # a signed code's issue number; None for a plain code (hub schema 3)
)
_BOOL_FIELDS = ("admitted", "reentry", "badge", "offline")
REVOKE_ALL = 2**31 - 1  # as signing.REVOKE_ALL: the hub's column is an integer
# Settings that belong to one desk and never come from the hub.
# The event's identity is set when a desk joins the hub's event (identity.bind), never by a pull.
LOCAL_ONLY_SETTINGS = frozenset({HUB_DSN_SETTING, "desk_name", "event_id"})
LOCAL_ONLY_PREFIXES = ("sync_",)


@dataclass(frozen=True)
class HubPolicy:
    policy: rules.Policy
    timezone: str


def settings(conn: psycopg.Connection) -> dict[str, Any]:
    return dict(conn.execute("SELECT key, value FROM hub_settings").fetchall())


DEFAULT_TIMEZONE = "Africa/Casablanca"  # as EventInfo's: a hub whose settings do not say is in it


def timezone_of(values: dict[str, Any]) -> str:
    """The event's time zone from the hub's settings: what every hub command shows times in."""
    return str(values.get("timezone") or DEFAULT_TIMEZONE)


def policy(conn: psycopg.Connection) -> HubPolicy:
    values = settings(conn)
    return HubPolicy(rules.Policy.from_settings(values), timezone_of(values))


def set_settings(conn: psycopg.Connection, values: dict[str, Any]) -> None:
    with conn.transaction():
        for key, value in values.items():
            conn.execute(
                "INSERT INTO hub_settings (key, value) VALUES (%s, %s::jsonb) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value, ensure_ascii=False)),
            )


# -- attendees and entries ---------------------------------------------------------------------------


def lock_attendee(conn: psycopg.Connection, code: str) -> Attendee | None:
    """The hub's copy of an attendee, locked until the transaction ends: one decision per pass at a time."""
    return lock_attendees(conn, [code]).get(code)


def lock_attendees(conn: psycopg.Connection, codes: Iterable[str]) -> dict[str, Attendee]:
    """Lock many in one sorted statement (sorted: two desks pushing at once cannot deadlock).

    Through a SECURITY DEFINER function: a row lock needs UPDATE rights, which desks do not have.
    """
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = conn.execute(f"SELECT {_ACOLS} FROM checkin_lock_attendees(%s)", (wanted,)).fetchall()
    return {row[0]: attendee_from_row(row) for row in rows}


def signed_pass_plain(conn: psycopg.Connection, code: str, issue: int | None, hub_policy: HubPolicy) -> bool:
    """A plain code (no issue number) of a pass issued as a signed code, refused by policy."""
    return (
        issue is None
        and hub_policy.policy.refuse_plain_when_signed
        and revocation_bound(conn, code) is not None
    )


def cancel_scan(conn: psycopg.Connection, scan_uuid: str, desk: str, at: str | datetime, reason: str) -> int:
    """Cancel a scan on the hub (a supervisor's cancelled check-in, or a decision the desk could not
    record or did not follow). Kept in scan_cancels with the desk and reason. Returns 1 when done."""
    return int(
        conn.execute(
            "SELECT checkin_cancel_scan(%s::uuid, %s, %s::timestamptz, %s)", (scan_uuid, desk, at, reason)
        ).fetchone()[0]
    )


def entries(
    conn: psycopg.Connection, code: str, *, before: datetime | None = None, exclude: str | None = None
) -> list[tuple[Entry, str]]:
    """Admitted, uncancelled entries of a pass on the hub, in the order the hub received them."""
    rows = conn.execute(
        "SELECT hub_at, day, desk, badge, uuid::text FROM scans "
        "WHERE attendee_code = %s AND admitted AND kind = 'entry' AND cancelled_at IS NULL "
        "AND (%s::timestamptz IS NULL OR hub_at < %s) AND (%s::uuid IS NULL OR uuid <> %s) "
        "ORDER BY hub_at, uuid",
        (code, before, before, exclude, exclude),
    ).fetchall()
    return [(Entry(iso(hub_at), day, desk, bool(badge)), uid) for hub_at, day, desk, badge, uid in rows]


def import_attendees(conn: psycopg.Connection, attendees: Iterable[Attendee], origin: str = "import"):
    """Bulk upsert into the hub (COPY into a temporary table, then one INSERT ... ON CONFLICT).

    Returns (inserted, updated, unchanged). Unchanged rows keep their change sequence: desks do not
    pull them again.
    """
    cols = [*ATTENDEE_FIELDS, "origin"]
    total = 0
    with conn.transaction():
        conn.execute("CREATE TEMPORARY TABLE incoming (LIKE attendees INCLUDING DEFAULTS) ON COMMIT DROP")
        with conn.cursor().copy(f"COPY incoming ({', '.join(cols)}) FROM STDIN") as copy:
            for attendee in attendees:
                copy.write_row((*attendee_values(attendee), origin))
                total += 1
        sets = ", ".join(f"{c} = excluded.{c}" for c in ATTENDEE_FIELDS[1:])
        distinct = " OR ".join(f"attendees.{c} IS DISTINCT FROM excluded.{c}" for c in ATTENDEE_FIELDS[1:])
        rows = conn.execute(
            f"INSERT INTO attendees ({', '.join(cols)}) SELECT {', '.join(cols)} FROM incoming "
            f"ON CONFLICT (code) DO UPDATE SET {sets}, updated_at = clock_timestamp() WHERE {distinct} "
            "RETURNING (xmax = 0)"
        ).fetchall()
    inserted = sum(1 for (new,) in rows if new)
    return inserted, len(rows) - inserted, total - len(rows)


# -- online decision -----------------------------------------------------------------------------------


def decide_online(
    conn: psycopg.Connection, scan: dict[str, Any], hub_policy: HubPolicy
) -> tuple[Decision, str, Attendee | None]:
    """Decide one scan for every desk at once and record it, in the caller's transaction.

    The attendee row stays locked until commit, so a second desk scanning the same pass waits for
    this decision and then sees its entry.
    """
    code = scan["code"]
    attendee = lock_attendee(conn, code)
    hub_now = conn.execute("SELECT clock_timestamp()").fetchone()[0]
    # The hub's clock says which day it is: a desk clock that is hours off cannot move a scan to
    # another day (or another day's re-entry rule).
    day = local_day(hub_now, hub_policy.timezone)
    earlier = [entry for entry, _ in entries(conn, code)] if attendee else []
    # A signed code carries its issue number: one a re-issued pass replaced is refused here, on
    # the hub, even by a desk that has not pulled the revocation yet.
    issue = _issue(scan.get("issue"))
    revoked = (issue is not None and is_revoked(conn, code, issue)) or signed_pass_plain(
        conn, code, issue, hub_policy
    )
    decision = rules.decide(attendee, earlier, day, hub_policy.policy, revoked=revoked)
    row = {
        **{k: scan.get(k) for k in SCAN_FIELDS},
        "issue": issue,
        "raw": "",
        "attendee_code": attendee.code if attendee else None,
        "day": day,
        "status": str(decision.status),
        "admitted": decision.admitted,
        "reentry": decision.reentry,
        "badge": decision.print_badge,
        "offline": False,
        "override_reason": None,
    }
    hub_at = conn.execute(
        f"INSERT INTO scans ({', '.join(SCAN_FIELDS)}) VALUES ({', '.join(['%s'] * len(SCAN_FIELDS))}) "
        "RETURNING hub_at",
        tuple(row[k] for k in SCAN_FIELDS),
    ).fetchone()[0]
    return decision, iso(hub_at), attendee


# -- receiving desk records ----------------------------------------------------------------------------


@dataclass
class PushResult:
    scans_new: int = 0
    scans_known: int = 0
    conflicts: int = 0
    attendees: int = 0
    cancels: int = 0
    events: int = 0
    revocations: int = 0  # codes whose bound became stricter


def _scan_values(payload: dict[str, Any]) -> tuple:
    values = []
    for key in SCAN_FIELDS:
        value = payload.get(key)
        if key in _BOOL_FIELDS:
            value = bool(value)
        elif key == "raw" or key == "operator":
            value = value or ""
        elif key == "issue":
            value = _issue(value)
        values.append(value)
    return tuple(values)


def _cancel_values(payload: dict[str, Any]) -> tuple[str, datetime, str] | None:
    """(uuid, when, reason) of a desk's cancellation, or None when it cannot be one: checked here,
    since a bad value would abort the whole batch's transaction on the hub."""
    try:
        scan_uuid = str(uuid.UUID(str(payload.get("uuid"))))
        at = parse_iso(str(payload.get("cancelled_at")))
    except (ValueError, TypeError):
        return None
    return scan_uuid, at, str(payload.get("cancel_reason") or "")[:500]


def _issue(value: Any) -> int | None:
    """A signed code's issue number from a desk, or None (plain code, older desk, or junk: a bad
    value must not block the desk's outbox, and without it the scan is simply not checked)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 <= number <= REVOKE_ALL else None


def receive(
    conn: psycopg.Connection,
    desk: str,
    desk_uid: str,
    items: list[tuple[int, str, str, dict[str, Any]]],
    hub_policy: HubPolicy,
) -> PushResult:
    """Store one batch of a desk's outbox (id, kind, ref, payload) in the caller's transaction.

    Idempotent: a batch pushed twice (the desk died before it could forget it) changes nothing the
    second time. Scans by uuid, the rest by (desk uid, outbox id).
    """
    result = PushResult()
    codes = [
        p.get("attendee_code") or p.get("code") for _, kind, _, p in items if kind in ("scan", "attendee")
    ]
    lock_attendees(conn, [c for c in codes if c])
    for outbox_id, kind, ref, payload in items:
        key = f"{desk_uid}:{outbox_id}"
        if kind == "scan":
            _receive_scan(conn, payload, hub_policy, result)
        elif kind == "attendee":
            _receive_attendee(conn, key, desk, payload, result)
        elif kind == "scan_cancel":
            if (cancel := _cancel_values(payload)) is not None:  # a malformed one must not block the outbox
                result.cancels += cancel_scan(conn, cancel[0], desk, cancel[1], cancel[2])
        elif kind == "revocation":
            result.revocations += receive_revocation(conn, desk, payload)
        else:  # audit, print_job, and kinds a newer desk may add: kept, not interpreted
            cur = conn.execute(
                "INSERT INTO desk_events (change_key, desk, kind, ref, payload) VALUES (%s, %s, %s, %s, %s::jsonb) "
                "ON CONFLICT (change_key) DO NOTHING",
                (key, desk, kind, ref, json.dumps(payload, ensure_ascii=False)),
            )
            result.events += cur.rowcount
    return result


def _receive_scan(conn, payload: dict[str, Any], hub_policy: HubPolicy, result: PushResult) -> None:
    """A desk's scan, inserted once (by uuid); a scan pushed again changes nothing.

    An offline scan is judged before it is inserted, as the hub would have decided it at that
    moment: every entry of the pass the hub holds came before it (the batch holds the pass's row
    lock, so none can slip in between).
    """
    if conn.execute("SELECT 1 FROM scans WHERE uuid = %s::uuid", (payload.get("uuid"),)).fetchone():
        result.scans_known += 1
        return
    judged = judge(conn, payload, hub_policy) if payload.get("offline") else None
    row = conn.execute(
        f"INSERT INTO scans ({', '.join(SCAN_FIELDS)}, hub_status) "
        f"VALUES ({', '.join(['%s'] * (len(SCAN_FIELDS) + 1))}) ON CONFLICT (uuid) DO NOTHING RETURNING hub_at",
        (*_scan_values(payload), judged.hub_status if judged else None),
    ).fetchone()
    if row is None:
        result.scans_known += 1
        return
    result.scans_new += 1
    if judged is not None and judged.reason:
        cur = conn.execute(
            "INSERT INTO conflicts (scan_uuid, attendee_code, day, desk, desk_status, hub_status, reason, "
            "earlier_scan, earlier_desk) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (scan_uuid) DO NOTHING",
            (
                payload["uuid"],
                payload.get("attendee_code"),
                payload["day"],
                payload["desk"],
                str(payload["status"]),
                judged.hub_status,
                judged.reason,
                judged.earlier_scan,
                judged.earlier_desk,
            ),
        )
        result.conflicts += cur.rowcount


@dataclass(frozen=True)
class Judgement:
    hub_status: str | None  # what the hub's rules say; None when there is nothing to judge
    reason: str = ""  # why the scan is a conflict; '' when it is not
    earlier_scan: str | None = None
    earlier_desk: str | None = None


def judge(conn, scan: dict[str, Any], hub_policy: HubPolicy) -> Judgement:
    """Judge an offline scan as the hub would have when it arrived; a conflict if the desk did more.

    Both entries stay (both happened). Only over-admission is a conflict: admitted where the hub
    would refuse, a first entry where the hub had one already, a first badge that was a second one.
    A supervisor's override is a decision, not a conflict.
    """
    code = scan.get("attendee_code")
    if not code or scan.get("kind") != "entry" or scan.get("override_reason"):
        return Judgement(None)
    attendee = conn.execute(f"SELECT {_ACOLS} FROM attendees WHERE code = %s", (code,)).fetchone()
    hub_attendee = attendee_from_row(attendee) if attendee else None
    earlier = entries(conn, code, exclude=scan["uuid"])
    # A signed code a re-issued pass replaced, read by a desk that had not pulled the revocation.
    issue, bound = _issue(scan.get("issue")), revocation_bound(conn, code)
    revoked = issue is not None and bound is not None and issue < bound
    plain = signed_pass_plain(conn, code, issue, hub_policy)
    decision = rules.decide(
        hub_attendee, [e for e, _ in earlier], scan["day"], hub_policy.policy, revoked=revoked or plain
    )
    desk_status = Status(scan["status"])
    reason = ""
    if scan.get("admitted") and revoked:
        if bound >= REVOKE_ALL:
            reason = f"revoked badge used offline: issue {issue}; every signed code of this pass is revoked"
        else:
            reason = (
                f"revoked badge used offline: issue {issue}, replaced by a re-issued pass "
                f"(issue {bound} or later is valid)"
            )
    elif scan.get("admitted") and plain:
        reason = "plain code of a signed pass admitted offline (the desk did not know it was signed)"
    elif scan.get("admitted") and not decision.admitted:
        reason = f"admitted offline; the hub would have refused it ({decision.status})"
    elif scan.get("admitted") and desk_status == Status.OK and decision.status != Status.OK:
        reason = "a second first entry: the pass was already admitted at another desk"
    elif scan.get("badge") and not decision.print_badge:
        reason = "a second first badge: one had already been printed"
    if not reason:
        return Judgement(str(decision.status))
    first = next(((e, uid) for e, uid in earlier if e.day == scan["day"]), earlier[0] if earlier else None)
    return Judgement(
        str(decision.status), reason, first[1] if first else None, first[0].desk if first else None
    )


def receive_revocation(conn: psycopg.Connection, desk: str, payload: dict[str, Any]) -> int:
    """Keep the highest bound per code (idempotent, order-free). Returns 1 when it became stricter.

    A malformed payload (no code, no number) is ignored, not fatal: it cannot block the desk's outbox.
    """
    code = codes.normalise(str(payload.get("code") or ""))
    try:
        below = min(int(payload.get("below_issue")), REVOKE_ALL)
    except (TypeError, ValueError):
        return 0
    if not code or not codes.is_valid_code(code) or below < 0:
        return 0
    row = conn.execute(
        "SELECT checkin_raise_revocation(%s, %s, %s, %s, %s)",
        (
            code,
            below,
            str(payload.get("revoked_at") or "")[:64],
            str(payload.get("reason") or "")[:500],
            desk,
        ),
    ).fetchone()
    return int(row[0])


def revocation_bound(conn: psycopg.Connection, code: str) -> int | None:
    """The lowest issue of `code` the hub still accepts, or None when none was revoked."""
    row = conn.execute("SELECT below_issue FROM revocations WHERE code = %s", (code,)).fetchone()
    return int(row[0]) if row else None


def is_revoked(conn: psycopg.Connection, code: str, issue: int) -> bool:
    bound = revocation_bound(conn, code)
    return bound is not None and issue < bound


def _receive_attendee(conn, key: str, desk: str, payload: dict[str, Any], result: PushResult) -> None:
    """A walk-in or an edit: kept in attendee_changes, applied to the hub's attendee (the function
    does both, as the hub's owner: desks cannot UPDATE attendees)."""
    kind = "walk_in" if payload.get("origin") == "walk_in" else "edit"
    row = conn.execute(
        "SELECT checkin_receive_attendee(%s, %s, %s, %s::jsonb)",
        (key, desk, kind, json.dumps(payload, ensure_ascii=False)),
    ).fetchone()
    result.attendees += int(row[0])


def touch_desk(
    conn: psycopg.Connection, desk: str, uid: str, desk_now: str, *, pushed: int, pending: int, version: str
) -> float:
    """Record a desk's contact; returns its clock skew (desk minus hub, seconds)."""
    row = conn.execute(
        "SELECT checkin_touch_desk(%s, %s, %s::timestamptz, %s, %s, %s)",
        (desk, uid, desk_now, pushed, pending, version),
    ).fetchone()
    return float(row[0])


# -- pulls ------------------------------------------------------------------------------------------------

Cursor = tuple[str, int]  # (txid as text, seq)
START: Cursor = ("0", 0)
# The pull horizon: the oldest transaction still running *in this database* (or, when none is, the
# snapshot's xmax). A row whose txid is below it can no longer be joined by a row that sorts before
# it, so the cursor may move past it.
#
# Not `pg_snapshot_xmin(pg_current_snapshot())`: transaction ids are cluster-wide, so that bound
# is held back by any transaction with an id in *any* database of the server (another app's, another
# event's hub, a test run next door) and desks then pull nothing until it ends — a walk-in at one
# desk stays unknown at the others. A running transaction is left out of the horizon only when its
# backend is known to be connected to another database (a backend never changes database, so it
# can never write here); one whose backend cannot be identified (it just ended, a prepared
# transaction) still holds the horizon. pg_locks and pg_stat_activity.datname are readable by the
# desk role.
_HORIZON_XID = (
    "(SELECT coalesce(("
    "SELECT min(x) FROM pg_snapshot_xip(pg_current_snapshot()) AS x WHERE NOT EXISTS ("
    "SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'transactionid' AND l.transactionid = xid(x) "
    "AND a.datname <> current_database())"
    "), pg_snapshot_xmax(pg_current_snapshot())))"
)
_HORIZON = f"txid < {_HORIZON_XID} AND (txid, seq) > (%s::xid8, %s)"


def _page(conn, table: str, cols: str, cursor: Cursor, limit: int) -> list[tuple]:
    return conn.execute(
        f"SELECT {cols}, txid::text, seq FROM {table} WHERE {_HORIZON} ORDER BY txid, seq LIMIT %s",
        (cursor[0], cursor[1], limit),
    ).fetchall()


def pull_settings(conn, cursor: Cursor, limit: int = 1000) -> tuple[list[tuple[str, Any]], Cursor]:
    rows = _page(conn, "hub_settings", "key, value", cursor, limit)
    return [(k, v) for k, v, _, _ in rows], ((rows[-1][-2], rows[-1][-1]) if rows else cursor)


def pull_attendee_rows(conn, cursor: Cursor, limit: int) -> tuple[list[tuple], Cursor]:
    """Attendees changed since `cursor` as Store.upsert_rows takes them (store.ATTENDEE_FIELDS order).

    Plain tuples, no Attendee objects: a first sync moves 100,000 of them. The hub's columns have
    the desk's types and its CHECK keeps `status` to the four the desk knows.
    """
    rows = _page(conn, "attendees", _ACOLS, cursor, limit)
    return [r[:-2] for r in rows], ((rows[-1][-2], rows[-1][-1]) if rows else cursor)


def pull_revocations(conn, cursor: Cursor, limit: int = 1000) -> tuple[list[dict[str, Any]], Cursor]:
    """Revocations changed since `cursor`, as signing.merge_revocations takes them."""
    rows = _page(conn, "revocations", "code, below_issue, revoked_at, reason", cursor, limit)
    items = [
        {"code": code, "below_issue": below, "revoked_at": at, "reason": reason}
        for code, below, at, reason, _, _ in rows
    ]
    return items, ((rows[-1][-2], rows[-1][-1]) if rows else cursor)


PULLED_SCAN_FIELDS = (*SCAN_FIELDS, "hub_at", "cancelled_at", "cancel_reason")


def pull_scans(conn, cursor: Cursor, limit: int) -> tuple[list[dict[str, Any]], Cursor]:
    cols = ", ".join(f"{c}::text" if c == "uuid" else c for c in PULLED_SCAN_FIELDS)
    rows = _page(conn, "scans", cols, cursor, limit)
    scans = []
    for row in rows:
        scan = dict(zip(PULLED_SCAN_FIELDS, row[:-2], strict=True))
        for key in ("at", "hub_at", "cancelled_at"):
            if scan[key] is not None:
                scan[key] = iso(scan[key])
        for key in _BOOL_FIELDS:
            scan[key] = int(scan[key])
        scans.append(scan)
    return scans, ((rows[-1][-2], rows[-1][-1]) if rows else cursor)


def iter_conflicts(conn: psycopg.Connection) -> Iterator[dict[str, Any]]:
    cur = conn.execute(
        "SELECT c.id, c.scan_uuid::text AS scan, c.attendee_code, "
        "coalesce(trim(a.first_name || ' ' || a.last_name), '') AS name, c.day, c.desk, s.at, s.hub_at, "
        "c.desk_status, c.hub_status, c.reason, c.earlier_desk, c.earlier_scan::text AS earlier_scan, "
        "e.hub_at AS earlier_hub_at "
        "FROM conflicts c JOIN scans s ON s.uuid = c.scan_uuid "
        "LEFT JOIN attendees a ON a.code = c.attendee_code LEFT JOIN scans e ON e.uuid = c.earlier_scan "
        "ORDER BY s.hub_at"
    )
    names = [d.name for d in cur.description]
    for row in cur:
        item = dict(zip(names, row, strict=True))
        for key in ("at", "hub_at", "earlier_hub_at"):
            if item[key] is not None:
                item[key] = iso(item[key])
        yield item


def status(conn: psycopg.Connection) -> dict[str, Any]:
    counts = conn.execute(
        "SELECT (SELECT count(*) FROM attendees), (SELECT count(*) FROM scans), "
        "(SELECT count(*) FROM scans WHERE admitted AND kind = 'entry' AND cancelled_at IS NULL), "
        "(SELECT count(DISTINCT attendee_code) FROM scans WHERE admitted AND kind = 'entry' AND cancelled_at IS NULL), "
        "(SELECT count(*) FROM scans WHERE offline), (SELECT count(*) FROM conflicts), "
        "(SELECT count(*) FROM revocations WHERE below_issue > 0), "
        "(SELECT value FROM hub_meta WHERE key = 'schema_version')"
    ).fetchone()
    cur = conn.execute(
        "SELECT name, last_contact, extract(epoch FROM clock_timestamp() - last_contact), pushed, pending, "
        "clock_skew_s, app_version FROM desks ORDER BY name"
    )
    desks = [
        {
            "desk": name,
            "last_contact": iso(last),
            "seconds_ago": round(float(ago), 1),
            "pushed": pushed,
            "pending": pending,
            "clock_skew_s": round(skew, 1),
            "version": version,
        }
        for name, last, ago, pushed, pending, skew, version in cur
    ]
    keys = (
        "attendees",
        "scans",
        "entries",
        "unique_attendees",
        "offline_scans",
        "conflicts",
        "revocations",
        "schema_version",
    )
    return {**dict(zip(keys, counts, strict=True)), "desks": desks, "settings": settings(conn)}
