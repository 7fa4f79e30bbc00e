"""What a QR code may contain, and how scanned text becomes a code to look up.

Scanners deliver whatever the QR holds, sometimes with a trailing CR, stray spaces, a different case,
or garbage from a misread. `parse` turns any of that into either a normalised code or a reason why
it is not one. Signed codes (issued by this app) are recognised by their prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CODE_LENGTH = 128
# Codes from registration systems: letters, digits and a few separators. Lower case is accepted
# on input and folded to upper case, so a code prints and scans the same in QR alphanumeric mode.
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._:/+=#-]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
SIGNED_PREFIX = "S1:"


@dataclass(frozen=True, slots=True)
class ParsedCode:
    code: str  # normalised; "" when malformed
    error: str = ""  # why the text is not a code
    signed: bool = False

    @property
    def ok(self) -> bool:
        return not self.error


def normalise(text: str) -> str:
    """Trim, drop control characters, fold case. Used for both scans and imported codes."""
    return _CONTROL.sub("", text).strip().upper()


def parse(raw: str | bytes) -> ParsedCode:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            return ParsedCode("", "not valid UTF-8 text")
    if len(raw) > 4 * MAX_CODE_LENGTH:
        return ParsedCode("", f"too long ({len(raw)} characters)")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in raw):
        return ParsedCode("", "not valid UTF-8 text")
    code = normalise(raw)
    if not code:
        return ParsedCode("", "empty scan")
    if len(code) > MAX_CODE_LENGTH:
        return ParsedCode("", f"too long ({len(code)} characters)")
    if not _CODE.match(code):
        return ParsedCode("", "characters that no badge code contains")
    return ParsedCode(code, signed=code.startswith(SIGNED_PREFIX))


def is_valid_code(code: str) -> bool:
    return bool(code) and len(code) <= MAX_CODE_LENGTH and bool(_CODE.match(code))
