"""Text cleaning shared by imports, search and badges.

Two jobs: remove characters that can make one name display as another (bidirectional overrides,
zero-width joiners used as spoofing, other invisible controls), and fold text for search so that
"benoit" finds "Benoît" and "احمد" finds "أحمد".
"""

from __future__ import annotations

import re
import unicodedata

# Bidi embeddings/overrides/isolates and marks, zero-width characters, BOM, soft hyphen, and the
# C0/C1 controls but line breaks and tabs (a note written on several lines keeps its spaces).
# ZWNJ (U+200C) is kept: Persian and some Arabic spellings need it to display right.
_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b\u200d-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
_SPACES = re.compile(r"\s+")

# Arabic folding for search: hamza-carrying alef forms -> bare alef, teh marbuta -> heh,
# alef maksura -> yeh; tatweel and harakat removed.
_ARABIC_FOLD = str.maketrans(
    {
        "\u0622": "\u0627",  # alef with madda
        "\u0623": "\u0627",  # alef with hamza above
        "\u0625": "\u0627",  # alef with hamza below
        "\u0671": "\u0627",  # alef wasla
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u0649": "\u064a",  # alef maksura -> yeh
        "\u0640": None,  # tatweel
    }
)
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_NON_WORD = re.compile(r"[^\w]+")


def clean_text(value: object) -> str:
    """A field as it may be stored: no invisible or direction-changing characters, single spaces."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable() and (text.isascii() or unicodedata.is_normalized("NFC", text)):
        # The common case in real lists, accented or not. Printable text has no control, invisible
        # or other-than-space whitespace character: only spaces are left to trim and collapse.
        return text.strip() if "  " not in text else " ".join(text.split())
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """Search key: lower case, no accents, Arabic folded, punctuation turned into spaces."""
    if text.isascii():
        # bytes.translate reads a 256-byte table: several times faster than str.translate's dict,
        # and this runs for every e-mail address of an import (they do not repeat, so no cache helps).
        return b" ".join(text.encode().translate(_ASCII_FOLD).split()).decode()
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _ARABIC_MARKS.sub("", text.translate(_ARABIC_FOLD))
    # NFKD leaves some letters that have no decomposition (ø, ł, đ, ß): fold the common ones.
    text = text.translate(_LATIN_EXTRA)
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()


# ASCII byte -> its lower case, or a space for anything but a letter, a digit or "_".
_ASCII_FOLD = bytes(
    ord(ch.lower()) if ch.isalnum() or ch == "_" else ord(" ") for ch in map(chr, range(128))
) + bytes(range(128, 256))
_LATIN_EXTRA = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"})
