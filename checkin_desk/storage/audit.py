"""The audit log: append-only, each entry chained to the one before by a SHA-256 hash.

Deleting, altering or reordering an entry breaks the chain at that point, which `verify` reports.
The chain's head (last id and hash) is also kept in the settings table, so that deleting the newest
entries, which leaves an intact but shorter chain, is caught too. Every entry also goes to the outbox
(kind 'audit') so that the hub holds a copy the desk cannot rewrite.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from checkin_desk.util.clock import utc_now_iso
from checkin_desk.util.privacy import mask_value

GENESIS = "0" * 64
HEAD_SETTING = "audit_head"


def entry_hash(
    prev_hash: str, at: str, desk: str, operator: str, action: str, subject: str, details: str
) -> str:
    canonical = json.dumps([prev_hash, at, desk, operator, action, subject, details], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append(
    conn: sqlite3.Connection, *, desk: str, operator: str, action: str, subject: str, details: dict[str, Any]
) -> str:
    """Append one entry inside the caller's transaction; returns its hash.

    E-mails and phone numbers in `details` are masked: the log says what changed, not the data itself.
    """
    row = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev = row[0] if row else GENESIS
    at = utc_now_iso()
    details_json = json.dumps(mask_value(details), ensure_ascii=False, sort_keys=True)
    digest = entry_hash(prev, at, desk, operator, action, subject, details_json)
    cur = conn.execute(
        "INSERT INTO audit_log (at, desk, operator, action, subject, details, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (at, desk, operator, action, subject, details_json, prev, digest),
    )
    entry = {
        "id": cur.lastrowid,
        "at": at,
        "desk": desk,
        "operator": operator,
        "action": action,
        "subject": subject,
        "details": details_json,
        "prev_hash": prev,
        "hash": digest,
    }
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (HEAD_SETTING, json.dumps({"id": cur.lastrowid, "hash": digest})),
    )
    conn.execute(
        "INSERT INTO outbox (kind, ref, payload, created_at) VALUES ('audit', ?, ?, ?)",
        (digest, json.dumps(entry, ensure_ascii=False), at),
    )
    return digest


@dataclass(frozen=True)
class AuditProblem:
    entry_id: int
    reason: str

    def __str__(self) -> str:
        return f"entry {self.entry_id}: {self.reason}"


def verify(conn: sqlite3.Connection) -> list[AuditProblem]:
    """Walk the chain; report every entry whose link or content does not match, and a missing tail."""
    rows = conn.execute(
        "SELECT id, at, desk, operator, action, subject, details, prev_hash, hash FROM audit_log ORDER BY id"
    ).fetchall()
    written_after = {row[8]: row[0] for row in rows}  # hash -> id of the entry that has it
    problems: list[AuditProblem] = []
    expected_prev = GENESIS
    previous_id = 0
    for entry_id, at, desk, operator, action, subject, details, prev, digest in rows:
        gap = entry_id != previous_id + 1
        if gap:
            problems.append(AuditProblem(entry_id, f"entries {previous_id + 1}..{entry_id - 1} are missing"))
        if prev != expected_prev:
            if prev in written_after and written_after[prev] != previous_id:
                reason = f"out of order: it was written right after entry {written_after[prev]}"
            elif gap:
                reason = "does not follow the entry before it (entries before it were deleted)"
            else:
                reason = "does not follow the entry before it (an entry was deleted, replaced or reordered)"
            problems.append(AuditProblem(entry_id, reason))
        if entry_hash(prev, at, desk, operator, action, subject, details) != digest:
            problems.append(AuditProblem(entry_id, "content was altered after it was written"))
        expected_prev = digest
        previous_id = entry_id
    problems.extend(_check_head(conn, previous_id, expected_prev))
    return problems


def _check_head(conn: sqlite3.Connection, last_id: int, last_hash: str) -> list[AuditProblem]:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (HEAD_SETTING,)).fetchone()
    if row is None:
        if last_id:
            return [AuditProblem(last_id, "the record of the newest entry is missing")]
        return []
    try:
        head = json.loads(row[0])
        head_id, head_hash = int(head["id"]), str(head["hash"])
    except (ValueError, KeyError, TypeError):
        return [AuditProblem(last_id, "the record of the newest entry is unreadable")]
    if head_id > last_id:
        return [AuditProblem(head_id, f"entries {last_id + 1}..{head_id} (the newest) are missing")]
    if head_id < last_id:
        return [AuditProblem(last_id, f"entries {head_id + 1}..{last_id} were added outside the app")]
    if head_hash != last_hash:
        return [AuditProblem(last_id, "the newest entry is not the one the app wrote")]
    return []


def head(conn: sqlite3.Connection) -> tuple[int, str] | None:
    """(entries, hash of the newest) as the log stands, or None when it is empty: what a sync anchors."""
    row = conn.execute(
        "SELECT count(*), (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1) FROM audit_log"
    ).fetchone()
    return (int(row[0]), str(row[1])) if row[0] else None


def hashes(conn: sqlite3.Connection) -> list[str]:
    """Every entry's hash, oldest first: position n - 1 holds the hash of the n-th entry."""
    return [row[0] for row in conn.execute("SELECT hash FROM audit_log ORDER BY id")]
