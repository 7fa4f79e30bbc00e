"""ZPL II for Zebra label printers: the badge as one `^GFA` graphic field, and `~HS` host status.

The graphic is the very raster the ESC/POS path sends (1 = black, rows MSB first), written as ASCII
hexadecimal with the compression every ZPL II printer reads (ZPL II Programming Guide, ^GF and "ASCII
hexadecimal compression"): a run of one hex digit as a count letter (G..Y = 1..19, g..z = 20..400)
before the digit, `,` for a row that ends in zeros, `!` for one that ends in ones, `:` for a row equal
to the one before. A badge of mostly white paper shrinks to a few KiB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image

from checkin_desk.printing.profiles import Profile
from checkin_desk.printing.status import PrinterStatus

STATUS_QUERY = b"~HS"
_INVERT = bytes(255 - i for i in range(256))
_STX, _ETX = b"\x02", b"\x03"


def _count(n: int) -> str:
    """The repeat-count letters for n (> 1) repetitions."""
    out = []
    while n > 400:
        out.append("z")
        n -= 400
    if n >= 20:
        out.append(chr(ord("g") + n // 20 - 1))
        n %= 20
    if n:
        out.append(chr(ord("G") + n - 1))
    return "".join(out)


_RUN = re.compile(r"(.)\1+")


@lru_cache(maxsize=8192)  # a badge's rows repeat from badge to badge (band, logo, blank paper)
def compress_row(hex_row: str) -> str:
    stripped = hex_row.rstrip("0")
    if not stripped:
        return ","
    tail = "," if len(stripped) < len(hex_row) else ""
    if not tail and hex_row.endswith("F"):
        ones = hex_row.rstrip("F")
        if len(ones) < len(hex_row) - 1:
            stripped, tail = ones, "!"
    return _RUN.sub(lambda m: _count(len(m[0])) + m[1], stripped) + tail


def graphic_field(image: Image.Image, compress: bool = True) -> tuple[str, int, int]:
    """(^GFA data, total bytes, bytes per row) of a mode "1" image."""
    if image.mode != "1":
        raise ValueError("the badge raster must be 1-bit")
    row_bytes = (image.width + 7) // 8
    if image.width % 8:
        padded = Image.new("1", (row_bytes * 8, image.height), 1)
        padded.paste(image, (0, 0))
        image = padded
    data = image.tobytes().translate(_INVERT)  # PIL: 1 = white; ZPL: 1 = black
    rows = [data[i : i + row_bytes].hex().upper() for i in range(0, len(data), row_bytes)]
    if not compress:
        return "".join(rows), len(data), row_bytes
    out, previous = [], None
    for row in rows:
        out.append(":" if row == previous else compress_row(row))
        previous = row
    return "".join(out), len(data), row_bytes


def label(image: Image.Image, profile: Profile, *, compress: bool = True) -> bytes:
    """One badge as a ZPL II label: print width, label length and media from the profile."""
    field, total, row_bytes = graphic_field(image, compress)
    length = profile.label_dots or image.height
    if image.height > length:
        raise ValueError(f"the badge is {image.height} dots long but the {profile.name} label only {length}")
    media = "N" if profile.roll else "Y"  # continuous, or gap/notch sensing between die-cut labels
    parts = [
        "^XA",
        "^CI28",
        f"^PW{profile.width_dots}",
        f"^LL{length}",
        f"^MN{media}",
        "^MTD",  # direct thermal
        "^LH0,0",
        f"^FO0,0^GFA,{total},{total},{row_bytes},{field}^FS",
        "^PQ1",
        "^XZ",
    ]
    if profile.cutter:
        parts.insert(6, "^MMC")  # cut after the label
    return "\n".join(parts).encode("ascii")


# -- status -------------------------------------------------------------------------------------------


def status_complete(answer: bytes) -> bool:
    return answer.count(_ETX) >= 3


def parse_host_status(answer: bytes) -> PrinterStatus:
    """~HS answer: three <STX>...<ETX><CR><LF> strings (ZPL II Programming Guide, ~HS)."""
    strings = re.findall(rb"\x02([^\x02\x03]*)\x03", answer)
    if len(strings) < 2:
        raise ValueError(f"not a ZPL host status answer: {answer[:60]!r}")
    first = strings[0].decode("ascii", "replace").split(",")
    second = strings[1].decode("ascii", "replace").split(",")
    if len(first) < 12 or len(second) < 4:
        raise ValueError(f"not a ZPL host status answer: {answer[:60]!r}")
    return PrinterStatus(
        paper_out=first[1].strip() == "1",
        offline=first[2].strip() == "1",  # paused
        cover_open=second[2].strip() == "1",  # print head up
        error=second[3].strip() == "1" or first[9].strip() == "1",  # ribbon out, corrupt RAM
    )


def encode_host_status(status: PrinterStatus, label_dots: int = 1218) -> bytes:
    """What a printer in `status` answers to ~HS (the emulator speaks with this)."""
    first = f"030,{int(status.paper_out)},{int(status.offline)},{label_dots:04d},000,0,0,0,000,0,0,0"
    second = f"001,0,{int(status.cover_open)},{int(status.error)},0,2,6,0,00000000,1,000"
    third = "1234,0"
    return b"".join(_STX + s.encode() + _ETX + b"\r\n" for s in (first, second, third))


# -- reading it back (the emulator) ------------------------------------------------------------------


@dataclass
class ZplLabel:
    image: Image.Image | None
    width: int | None
    length: int | None


_COUNTS = {chr(ord("G") + i): i + 1 for i in range(19)} | {chr(ord("g") + i): 20 * (i + 1) for i in range(20)}


def decompress(field: str, row_bytes: int) -> bytes:
    width = row_bytes * 2
    rows: list[str] = []
    row, count = [], 0
    for ch in field:
        if ch in _COUNTS:
            count += _COUNTS[ch]
            continue
        if ch in ",!":
            row.extend(("0" if ch == "," else "F") * (width - len(row)))
        elif ch == ":":
            row = list(rows[-1]) if rows else ["0"] * width
        elif ch in "0123456789ABCDEFabcdef":
            row.extend(ch.upper() * (count or 1))
        count = 0
        if ch in ",!:" or len(row) >= width:
            rows.append("".join(row[:width]).ljust(width, "0"))
            row = []
    if row:
        rows.append("".join(row).ljust(width, "0"))
    return bytes.fromhex("".join(rows))


def parse_labels(text: str) -> list[ZplLabel]:
    """Every ^XA...^XZ label in `text`, with its first ^GFA graphic as an image."""
    out = []
    for body in re.findall(r"\^XA(.*?)\^XZ", text, re.S):
        width = re.search(r"\^PW(\d+)", body)
        length = re.search(r"\^LL(\d+)", body)
        gf = re.search(r"\^GFA,(\d+),(\d+),(\d+),([^\^]*)", body)
        image = None
        if gf:
            total, row_bytes = int(gf[2]), int(gf[3])
            raw = decompress(re.sub(r"\s", "", gf[4]), row_bytes)[:total]
            rows = len(raw) // row_bytes
            image = Image.frombytes("1", (row_bytes * 8, rows), raw[: rows * row_bytes].translate(_INVERT))
        out.append(ZplLabel(image, int(width[1]) if width else None, int(length[1]) if length else None))
    return out
