"""What a QR code may contain, and how scanned text becomes a code to look up.

Scanners deliver whatever the QR holds, sometimes with a trailing CR, stray spaces or garbage from
a misread. `parse` turns any of that into either a normalised code or a reason why it is not one.
Signed codes (issued by this app) are recognised by their prefix.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import date, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from checkin_desk.domain.models import DEFAULT_CATEGORIES
from checkin_desk.errors import CheckinDeskError

MAX_CODE_LENGTH = 256
# Codes as registration systems issue them: any printable ASCII character but the space (pretix
# secrets are base64 with + / =, and signed ones start with "="; others use : _ . -). They are
# compared exactly as issued; see lookup_forms for the one exception, codes stored in upper case.
_CODE = re.compile(r"[!-~]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# What a scanner may add around a code.
_ENDS = " \t\r\n\x00\x0b\x0c\u200b\ufeff"
SIGNED_PREFIX = "S1:"
# A signed code carries a 64-byte signature: it is longer than a registration system's code.
MAX_SIGNED_LENGTH = 400


@dataclass(frozen=True, slots=True)
class ParsedCode:
    code: str  # normalised; "" when malformed
    error: str = ""  # why the text is not a code
    signed: bool = False

    @property
    def ok(self) -> bool:
        return not self.error


def normalise(text: str) -> str:
    """Trim and drop control characters, which scanners add (CR, Tab) and QR codes never carry.

    The case is kept: a pretix secret is case-sensitive. Our own signed codes are base32, which
    reads the same in either case, so they alone are upper-cased.
    """
    code = _CONTROL.sub("", text).strip()
    if code[:3].upper() == SIGNED_PREFIX:
        return code.upper()
    return code


def problem(code: str, *, limit: int = MAX_CODE_LENGTH) -> str:
    """Why `code` (normalised) cannot be a badge code; "" when it can."""
    if not code:
        return "no badge code"
    if len(code) > limit:
        return f"too long ({len(code)} characters; a badge code has at most {limit})"
    if _CODE.fullmatch(code):
        return ""
    if " " in code:
        return "a space inside (a badge code has none)"
    odd = next(ch for ch in code if not ("!" <= ch <= "~"))
    return f"the character {odd!r}, which no badge code contains (printable ASCII only)"


def parse(raw: str | bytes) -> ParsedCode:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            return ParsedCode("", "not valid UTF-8 text")
    if len(raw) > 4 * MAX_SIGNED_LENGTH:
        return ParsedCode("", f"too long ({len(raw)} characters)")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in raw):
        return ParsedCode("", "not valid UTF-8 text")
    code = normalise(raw)
    if not code:
        return ParsedCode("", "empty scan")
    if _CONTROL.search(raw.strip(_ENDS)):
        # A scanner ends a code with CR, LF or Tab; inside it, a control character is a misread.
        return ParsedCode("", "control characters inside")
    signed = code.startswith(SIGNED_PREFIX)
    if reason := problem(code, limit=MAX_SIGNED_LENGTH if signed else MAX_CODE_LENGTH):
        return ParsedCode("", reason)
    return ParsedCode(code, signed=signed)


def is_valid_code(code: str) -> bool:
    return bool(code) and len(code) <= MAX_CODE_LENGTH and bool(_CODE.fullmatch(code))


def lookup_forms(code: str) -> tuple[str, ...]:
    """The stored codes a scanned code may stand for, the exact one first.

    Lists whose codes do not depend on case (our own lists, generic spreadsheets, Eventbrite's
    digits, Hi.Events) are stored in upper case, so that a code typed or scanned in lower case
    still finds its attendee; case-sensitive ones (pretix) are stored exactly as issued, and only
    the exact form can find them.
    """
    upper = code.upper()
    return (code,) if upper == code else (code, upper)


# -- signed codes ------------------------------------------------------------------------------------
#
# "S1:" + base32 (RFC 4648, no padding: A-Z and 2-7, all in QR alphanumeric mode) of
#
#   issue      varint          0 for a first pass; a re-issued pass gets the next number
#   code       1 byte length + ASCII (the attendee's code, as codes.normalise leaves it)
#   category   1 byte: index into DEFAULT_CATEGORIES, or 0x80 | length followed by UTF-8
#   days       1 byte count + 2 bytes each (days since 2000-01-01, big-endian); 0 = every day
#   signature  64 bytes, Ed25519 over SIGNING_CONTEXT + everything above
#
# An 11-character walk-in code valid every day makes a 130-character QR text: QR version 6 at level M.

SIGNING_CONTEXT = b"checkin-desk signed code v1\x00"
_EPOCH = date(2000, 1, 1)
_SIGNATURE_LENGTH = 64


class BadSignedCode(CheckinDeskError, ValueError):
    """A signed code that does not decode, or whose signature does not match."""


@dataclass(frozen=True, slots=True)
class SignedPayload:
    code: str
    category: str = "visitor"
    days: tuple[str, ...] = ()  # ISO dates; empty = every day of the event
    issue: int = 0


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def encode_payload(payload: SignedPayload) -> bytes:
    if not is_valid_code(payload.code) or payload.code.startswith(SIGNED_PREFIX) or len(payload.code) > 255:
        raise ValueError(f"cannot sign code {payload.code[:40]!r}")
    if payload.issue < 0 or payload.issue >= 2**31:
        raise ValueError("issue number out of range")
    out = bytearray(_varint(payload.issue))
    code = payload.code.encode("ascii")
    out += bytes([len(code)]) + code
    if payload.category in DEFAULT_CATEGORIES:
        out.append(DEFAULT_CATEGORIES.index(payload.category))
    else:
        category = payload.category.encode("utf-8")
        if not 0 < len(category) < 0x80:
            raise ValueError(f"category {payload.category[:40]!r} is too long to sign")
        out += bytes([0x80 | len(category)]) + category
    days = sorted(set(payload.days))
    if len(days) > 255:
        raise ValueError("too many days")
    out.append(len(days))
    for day in days:
        offset = (date.fromisoformat(day) - _EPOCH).days
        if not 0 <= offset < 2**16:
            raise ValueError(f"day {day} is out of range")
        out += offset.to_bytes(2, "big")
    return bytes(out)


def decode_payload(data: bytes) -> SignedPayload:
    """The inverse of encode_payload; raises BadSignedCode on anything that is not exactly one payload."""
    try:
        pos, issue, shift = 0, 0, 0
        while True:
            byte = data[pos]
            pos += 1
            issue |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
            if shift > 28:
                raise BadSignedCode("issue number too long")
        length = data[pos]
        code = data[pos + 1 : pos + 1 + length].decode("ascii")
        pos += 1 + length
        if len(code) != length or not is_valid_code(code) or code.startswith(SIGNED_PREFIX):
            raise BadSignedCode("no valid code inside")
        marker = data[pos]
        pos += 1
        if marker & 0x80:
            length = marker & 0x7F
            category = data[pos : pos + length].decode("utf-8")
            if len(data[pos : pos + length]) != length or not category:
                raise BadSignedCode("truncated category")
            pos += length
        elif marker < len(DEFAULT_CATEGORIES):
            category = DEFAULT_CATEGORIES[marker]
        else:
            raise BadSignedCode("unknown category")
        count = data[pos]
        pos += 1
        days = []
        for _ in range(count):
            if pos + 2 > len(data):
                raise BadSignedCode("truncated days")
            days.append((_EPOCH + timedelta(days=int.from_bytes(data[pos : pos + 2], "big"))).isoformat())
            pos += 2
    except (IndexError, UnicodeDecodeError) as exc:
        raise BadSignedCode("truncated or garbled") from exc
    if pos != len(data):
        raise BadSignedCode("trailing bytes")
    return SignedPayload(code=code, category=category, days=tuple(days), issue=issue)


def _b32encode(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _b32decode(text: str) -> bytes:
    if not text or not re.fullmatch(r"[A-Z2-7]+", text) or len(text) % 8 in (1, 3, 6):
        raise BadSignedCode("not base32")
    try:
        return base64.b32decode(text + "=" * (-len(text) % 8))
    except ValueError as exc:
        raise BadSignedCode("not base32") from exc


def sign_code(private_key: Ed25519PrivateKey, payload: SignedPayload) -> str:
    """The text a badge's QR code carries for `payload`."""
    body = encode_payload(payload)
    signature = private_key.sign(SIGNING_CONTEXT + body)
    return SIGNED_PREFIX + _b32encode(body + signature)


def split_signed(text: str) -> tuple[bytes, bytes]:
    """(payload bytes, signature) of a normalised signed code; raises BadSignedCode."""
    if not text.startswith(SIGNED_PREFIX):
        raise BadSignedCode("not a signed code")
    raw = _b32decode(text[len(SIGNED_PREFIX) :])
    # Re-encoding must give back the same text: no second spelling of the same bytes is accepted.
    if _b32encode(raw) != text[len(SIGNED_PREFIX) :]:
        raise BadSignedCode("not in canonical form")
    if len(raw) <= _SIGNATURE_LENGTH + 3:
        raise BadSignedCode("too short")
    return raw[:-_SIGNATURE_LENGTH], raw[-_SIGNATURE_LENGTH:]


def verify_code(public_key: Ed25519PublicKey, text: str) -> SignedPayload:
    """The payload of a signed code made with the private half of `public_key`; raises BadSignedCode."""
    body, signature = split_signed(text)
    try:
        public_key.verify(signature, SIGNING_CONTEXT + body)
    except InvalidSignature as exc:
        raise BadSignedCode("signature does not match the event key") from exc
    return decode_payload(body)
