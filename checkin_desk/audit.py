"""The audit log: append-only, each entry chained to the one before by a SHA-256 hash.

Deleting, altering or reordering an entry breaks the chain at that point, which `verify` reports.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from .clock import utc_now_iso

GENESIS = "0" * 64


def entry_hash(
    prev_hash: str, at: str, desk: str, operator: str, action: str, subject: str, details: str
) -> str:
    canonical = json.dumps([prev_hash, at, desk, operator, action, subject, details], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append(
    conn: sqlite3.Connection, *, desk: str, operator: str, action: str, subject: str, details: dict[str, Any]
) -> str:
    """Append one entry inside the caller's transaction; returns its hash."""
    row = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev = row[0] if row else GENESIS
    at = utc_now_iso()
    details_json = json.dumps(details, ensure_ascii=False, sort_keys=True)
    digest = entry_hash(prev, at, desk, operator, action, subject, details_json)
    conn.execute(
        "INSERT INTO audit_log (at, desk, operator, action, subject, details, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (at, desk, operator, action, subject, details_json, prev, digest),
    )
    return digest


@dataclass(frozen=True)
class AuditProblem:
    entry_id: int
    reason: str


def verify(conn: sqlite3.Connection) -> list[AuditProblem]:
    """Walk the chain; report every entry whose link or content does not match."""
    problems: list[AuditProblem] = []
    expected_prev = GENESIS
    previous_id = 0
    for entry_id, at, desk, operator, action, subject, details, prev, digest in conn.execute(
        "SELECT id, at, desk, operator, action, subject, details, prev_hash, hash FROM audit_log ORDER BY id"
    ):
        if entry_id != previous_id + 1:
            problems.append(AuditProblem(entry_id, f"entries {previous_id + 1}..{entry_id - 1} are missing"))
        if prev != expected_prev:
            problems.append(
                AuditProblem(entry_id, "does not follow the entry before it (deleted or reordered)")
            )
        if entry_hash(prev, at, desk, operator, action, subject, details) != digest:
            problems.append(AuditProblem(entry_id, "content was altered after it was written"))
        expected_prev = digest
        previous_id = entry_id
    return problems
