"""The audit chain's head, anchored on the hub where the desk can add to it but never rewrite it.

The desk's own record of its head (settings' `audit_head`) sits in the same file as the chain: whoever
can edit the file can delete the newest entries and point the head at the entry before, with two
plain statements. At every sync the desk therefore adds (entries, hash of the newest) to the hub's
`audit_anchors`, which the desk role may INSERT into but not UPDATE or DELETE (hub schema 6).

A chain is consistent with an anchor when it holds at least that many entries and the entry at that
position has that hash: entries added since (a desk offline after its last sync) do not matter,
entries removed or rewritten up to the anchor do. Every anchor of the desk is compared, not only the
newest: adding a forged anchor of a shorter chain cannot hide an older, longer one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

import psycopg

from checkin_desk.storage import audit


@dataclass(frozen=True)
class Anchor:
    entries: int
    last_hash: str
    hub_at: datetime


def record(conn: psycopg.Connection, desk_uid: str, desk: str, head: tuple[int, str]) -> bool:
    """Add this desk's head to the hub unless that very anchor is there already; True when added.

    INSERT ... SELECT WHERE NOT EXISTS: a sync every two seconds with nothing new adds no row and
    takes no number from the sequence.
    """
    entries, last_hash = head
    cur = conn.execute(
        "INSERT INTO audit_anchors (desk_uid, desk, entries, last_hash) "
        "SELECT %(uid)s, %(desk)s, %(entries)s, %(hash)s WHERE NOT EXISTS ("
        "SELECT 1 FROM audit_anchors WHERE desk_uid = %(uid)s AND entries = %(entries)s "
        "AND last_hash = %(hash)s) ON CONFLICT DO NOTHING",
        {"uid": desk_uid, "desk": desk[:200], "entries": entries, "hash": last_hash},
    )
    return cur.rowcount > 0


def anchors(conn: psycopg.Connection, desk_uid: str) -> list[Anchor]:
    """Every anchor the hub holds for this desk, the longest chain last."""
    rows = conn.execute(
        "SELECT entries, last_hash, hub_at FROM audit_anchors WHERE desk_uid = %s ORDER BY entries, hub_at",
        (desk_uid,),
    ).fetchall()
    return [Anchor(int(entries), last_hash, hub_at) for entries, last_hash, hub_at in rows]


def compare(local: sqlite3.Connection, held: list[Anchor]) -> list[audit.AuditProblem]:
    """What in the local chain contradicts the anchors the hub holds (nothing: an empty list)."""
    chain = audit.hashes(local)
    problems: list[audit.AuditProblem] = []
    for anchor in held:
        when = anchor.hub_at.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
        if len(chain) < anchor.entries:
            problems.append(
                audit.AuditProblem(
                    anchor.entries,
                    f"the hub recorded {anchor.entries} entries on {when}; this log has {len(chain)}: "
                    f"entries {len(chain) + 1}..{anchor.entries} were removed and the log rewound",
                )
            )
        elif chain[anchor.entries - 1] != anchor.last_hash:
            problems.append(
                audit.AuditProblem(
                    anchor.entries,
                    f"not the entry the hub recorded on {when}: the log was rewound and rewritten from here",
                )
            )
    # One rewind contradicts every anchor past it: the first says where the log departs from what
    # the hub was told, the longest how much of it the hub knew; the ones between repeat them.
    return problems[:1] + problems[-1:] if len(problems) > 1 else problems
