"""Signed codes on a desk: the event's public key, verifying scans, issuing and revoking codes.

The codec itself is pure and lives in `codes`; the key files in `keys`. This module is the part that
needs the event database: which key the event uses, which signed codes were revoked (a re-issued pass
revokes the old one; the hub spreads revocations to every desk), and which signed code this machine
issued to which attendee (so the badge's QR carries it).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from checkin_desk.domain import codes
from checkin_desk.domain.models import Attendee
from checkin_desk.errors import CheckinDeskError
from checkin_desk.storage.store import Store
from checkin_desk.trust import keys
from checkin_desk.util.clock import utc_now_iso

log = logging.getLogger(__name__)

PUBLIC_KEY_SETTING = "signing_public_key"
REVOKE_ALL = 2**31 - 1  # below_issue that refuses every signed code of an attendee


class SigningError(CheckinDeskError):
    """Signing cannot be done as asked (no key, wrong key...); the message is for the user."""


# -- the event key -----------------------------------------------------------------------------------


def public_key(store: Store) -> str | None:
    value = store.get_setting(PUBLIC_KEY_SETTING)
    return value if isinstance(value, str) and value else None


def set_public_key(store: Store, text: str, *, replace: bool = False) -> str:
    """Store the event's public key (checked); refuses to change an existing one unless `replace`."""
    text = text.strip()
    keys.load_public(text)  # raises KeyFileError when it is not a key
    current = public_key(store)
    if current and current != text and not replace:
        raise SigningError(
            f"this event already has signing key {keys.fingerprint(current)}; "
            "replacing it makes every badge signed with it invalid"
        )
    store.set_setting(PUBLIC_KEY_SETTING, text)
    return text


def private_key(store: Store, path: Path | None = None) -> Ed25519PrivateKey | None:
    """The event's private key when this machine holds it (`path` or the default file), else None.

    A key file that does not belong to the event's public key is an error when `path` was given and
    ignored (with a warning) otherwise, so that a desk never issues codes other desks would refuse.
    """
    public = public_key(store)
    if public is None:
        if path:
            raise SigningError("the event has no public key yet: run `checkin-desk keys init` first")
        return None
    candidate = Path(path) if path else keys.default_private_path(public)
    if not path and not candidate.exists():
        return None
    try:
        key = keys.load_private(candidate)
    except keys.KeyFileError as exc:
        if path:
            raise SigningError(str(exc)) from exc
        log.warning("signed codes disabled: %s", exc)
        return None
    if not keys.matches(key, public):
        message = f"{candidate} is not the private half of this event's key {keys.fingerprint(public)}"
        if path:
            raise SigningError(message)
        log.warning("signed codes disabled: %s", message)
        return None
    return key


# -- revocations (the hub merges them between desks: see merge_revocations) ----------------------------


def revocation(store: Store, code: str) -> int | None:
    """The lowest issue of `code` still accepted, or None when none of its signed codes was revoked."""
    row = store.conn.execute("SELECT below_issue FROM revocations WHERE code = ?", (code,)).fetchone()
    return int(row[0]) if row else None


def is_revoked(store: Store, payload: codes.SignedPayload) -> bool:
    below = revocation(store, payload.code)
    return below is not None and payload.issue < below


def revoke(
    store: Store,
    code: str,
    *,
    below_issue: int = REVOKE_ALL,
    reason: str = "",
    origin: str = "local",
    at: str | None = None,
) -> int:
    """Refuse every signed code of `code` with an issue below `below_issue`. Only ever tightens.

    Local revocations go to the outbox (kind 'revocation') for the hub. Returns the stored bound.
    """
    with store.transaction() as conn:
        bound = _merge(conn, code, below_issue, reason, origin, at or utc_now_iso())
        if origin == "local":
            store.enqueue_outbox(
                conn,
                "revocation",
                code,
                {"code": code, "below_issue": bound, "reason": reason, "revoked_at": at or utc_now_iso()},
            )
    return bound


def merge_revocations(store: Store, rows: Iterable[dict[str, Any]]) -> int:
    """Apply revocations pulled from the hub (dicts with code, below_issue, revoked_at, reason).

    Merging keeps the highest bound per code, so it is idempotent and order does not matter.
    Returns how many codes became stricter.
    """
    changed = 0
    with store.transaction() as conn:
        for row in rows:
            code = codes.normalise(str(row["code"]))
            below = int(row["below_issue"])
            if not codes.is_valid_code(code) or below < 0:
                continue
            before = revocation(store, code)
            bound = _merge(
                conn, code, below, str(row.get("reason", "")), "hub", str(row.get("revoked_at", ""))
            )
            changed += before is None or bound > before
    return changed


def _merge(conn: sqlite3.Connection, code: str, below: int, reason: str, origin: str, at: str) -> int:
    conn.execute(
        "INSERT INTO revocations (code, below_issue, revoked_at, reason, origin) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(code) DO UPDATE SET below_issue = excluded.below_issue, revoked_at = excluded.revoked_at, "
        "reason = excluded.reason, origin = excluded.origin WHERE excluded.below_issue > below_issue",
        (code, min(below, REVOKE_ALL), at or utc_now_iso(), reason, origin),
    )
    return int(conn.execute("SELECT below_issue FROM revocations WHERE code = ?", (code,)).fetchone()[0])


def revocations(store: Store) -> list[dict[str, Any]]:
    return list(store.db.query("SELECT code, below_issue, revoked_at, reason, origin FROM revocations"))


# -- issuing -------------------------------------------------------------------------------------------


def issued_code(store: Store, code: str) -> str | None:
    """The signed code this machine issued for attendee `code` (what the badge's QR should carry)."""
    row = store.conn.execute("SELECT token FROM issued_codes WHERE code = ?", (code,)).fetchone()
    return row[0] if row else None


def issued_codes(store: Store) -> dict[str, str]:
    """Every signed code this machine issued, by attendee code (for printing many badges at once)."""
    return dict(store.conn.execute("SELECT code, token FROM issued_codes"))


def qr_text(store: Store, code: str) -> str:
    """What to put in the badge's QR code: the signed code when there is one, else the plain code."""
    return issued_code(store, code) or code


def issue(store: Store, attendee: Attendee, key: Ed25519PrivateKey) -> str:
    """Sign `attendee`'s current pass (its current issue number) and remember the signed code.

    The pass is also marked signed for every desk: a revocation row with bound 0 (nothing revoked
    yet), which the hub spreads like any revocation. Desks then refuse the pass's plain code.
    """
    payload = codes.SignedPayload(
        attendee.code, attendee.category, attendee.days, revocation(store, attendee.code) or 0
    )
    token = codes.sign_code(key, payload)
    with store.transaction():
        if revocation(store, attendee.code) is None:
            revoke(store, attendee.code, below_issue=0, reason="signed pass issued")
        _record_issued(store, attendee.code, payload.issue, token)
    return token


def reissue(store: Store, attendee: Attendee, key: Ed25519PrivateKey, *, reason: str) -> str:
    """A new signed code for `attendee`; every earlier signed code of theirs is revoked."""
    with store.transaction():
        new_issue = (revocation(store, attendee.code) or 0) + 1
        revoke(store, attendee.code, below_issue=new_issue, reason=reason)
        token = codes.sign_code(
            key, codes.SignedPayload(attendee.code, attendee.category, attendee.days, new_issue)
        )
        _record_issued(store, attendee.code, new_issue, token)
    return token


def _record_issued(store: Store, code: str, issue_number: int, token: str) -> None:
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO issued_codes (code, issue, token, issued_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(code) DO UPDATE SET issue = excluded.issue, token = excluded.token, "
            "issued_at = excluded.issued_at WHERE excluded.issue >= issue",
            (code, issue_number, token, utc_now_iso()),
        )


# -- scanning ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScanCheck:
    """What a signed scan turned out to be. `parsed` carries the attendee's code inside it."""

    parsed: codes.ParsedCode
    payload: codes.SignedPayload | None = None
    bad_signature: bool = False
    revoked: bool = False
    message: str = ""

    @property
    def issue(self) -> int | None:
        """The signed code's issue number; None for a plain code."""
        return self.payload.issue if self.payload is not None else None


def is_signed_pass(store: Store, code: str) -> bool:
    """Whether this attendee's pass was issued as a signed code (here, or anywhere: by sync)."""
    return revocation(store, code) is not None or issued_code(store, code) is not None


def check_scan(store: Store, parsed: codes.ParsedCode, *, refuse_plain: bool = True) -> ScanCheck:
    """Verify a signed scan offline against the event's public key.

    A plain code passes through, unless it is the plain code of a signed pass and `refuse_plain`
    (policy `refuse_plain_when_signed`, on by default): the plain code is printed beside the QR and
    inside every signed code, so a re-issued or signed pass must not be admitted by it.
    """
    if not parsed.ok:
        return ScanCheck(parsed)
    if not parsed.signed:
        if refuse_plain and is_signed_pass(store, parsed.code):
            bound = revocation(store, parsed.code) or 0
            message = (
                "this pass was re-issued: only its newest badge is accepted"
                if bound > 0
                else "this pass has a signed badge: scan the badge's QR code, not the printed code"
            )
            return ScanCheck(parsed, revoked=True, message=message)
        return ScanCheck(parsed)
    public = public_key(store)
    if public is None:
        return ScanCheck(
            parsed, bad_signature=True, message="this desk has no event key to check signed codes"
        )
    try:
        payload = codes.verify_code(keys.load_public(public), parsed.code)
    except (codes.BadSignedCode, keys.KeyFileError) as exc:
        return ScanCheck(parsed, bad_signature=True, message=f"signed code refused: {exc}")
    inner = codes.ParsedCode(payload.code, signed=True)
    if is_revoked(store, payload):
        return ScanCheck(inner, payload, revoked=True, message="this badge was replaced by a newer one")
    return ScanCheck(inner, payload)


def provisional(payload: codes.SignedPayload) -> Attendee:
    """An attendee this desk never synced, known only from a valid signed code: what to store with
    origin 'signed'. Import or sync fills in the rest later: both update the row by its code."""
    return Attendee(code=payload.code, category=payload.category, days=payload.days)


def provisional_codes(store: Store) -> list[str]:
    """Codes admitted on the strength of their signature alone and not yet filled in by import or sync."""
    rows = store.conn.execute(
        "SELECT code FROM attendees WHERE origin = 'signed' AND first_name = '' AND last_name = '' ORDER BY id"
    )
    return [row[0] for row in rows]
