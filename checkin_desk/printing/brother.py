"""Brother QL label printers, through brother_ql (the maintained fork, `brother_ql_next`): its raster
protocol for the bytes, its status reader for the 32-byte answers.

The badge raster is made exactly the label's printable width (and, for die-cut labels, padded to its
printable length), already 1-bit, so that brother_ql neither resizes nor re-thresholds it: the bytes
carry the raster that was checked.

Over the network a QL answers nothing on port 9100 (its status is on SNMP): the print path then only
knows the printer acknowledged every byte. Over USB (/dev/usb/lp0) it sends 32-byte status packets.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PIL import Image

from checkin_desk.printing.profiles import Profile
from checkin_desk.printing.status import PrinterStatus

# brother_ql logs a warning for every raster it has to resize; ours never need it.
logging.getLogger("brother_ql").setLevel(logging.ERROR)


def fit_label(image: Image.Image, profile: Profile) -> Image.Image:
    """The raster padded (white) to the label: exact width, and exact length for die-cut labels."""
    height = profile.label_dots or image.height
    if image.width > profile.width_dots or image.height > height:
        raise ValueError(
            f"the badge is {image.width} x {image.height} dots but the {profile.name} label "
            f"{profile.width_dots} x {height}"
        )
    if image.size == (profile.width_dots, height):
        return image
    canvas = Image.new("1", (profile.width_dots, height), 1)
    canvas.paste(image, ((profile.width_dots - image.width) // 2, 0))
    return canvas


def job(image: Image.Image, profile: Profile) -> bytes:
    """The raster instructions for one badge (invalidate, initialise, media, raster lines, print)."""
    from brother_ql.conversion import convert
    from brother_ql.raster import BrotherQLRaster

    qlr = BrotherQLRaster(profile.model)
    qlr.exception_on_warning = True
    return convert(
        qlr,
        [fit_label(image, profile).convert("L")],
        profile.label,
        cut=profile.cutter,
        dither=False,
        compress=qlr.model.compression,
        rotate="0",
        threshold=50,
    )


def parse_status(answer: bytes) -> PrinterStatus:
    from brother_ql.reader import interpret_response

    info = interpret_response(answer[:32])
    errors = " ".join(info.get("errors") or []).lower()
    return PrinterStatus(
        paper_out="no media" in errors or "end of media" in errors,
        cover_open="cover open" in errors,
        error=bool(errors) and "media" not in errors and "cover" not in errors,
    )


# -- reading it back (the emulator) ------------------------------------------------------------------


@dataclass
class BrotherPage:
    image: Image.Image
    cut: bool


def _unpack(data: bytes) -> bytes:
    """TIFF PackBits, as the raster command reference describes for compressed lines."""
    out, i = bytearray(), 0
    while i < len(data):
        n = data[i]
        if n > 127:
            out += bytes([data[i + 1]]) * (257 - n)
            i += 2
        else:
            out += data[i + 1 : i + 2 + n]
            i += 2 + n
    return bytes(out)


def parse_pages(data: bytes, row_bytes: int) -> tuple[list[BrotherPage], bytes]:
    """Pages printed by a stream of raster commands, and the bytes of an unfinished page."""
    pages, rows, compressed, i, start = [], [], False, 0, 0
    while i < len(data):
        b = data[i]
        if b == 0x00:  # invalidate
            i += 1
        elif data.startswith(b"\x1b@", i):
            rows, i = [], i + 2
        elif data.startswith(b"\x1biS", i):
            i += 3
        elif any(data.startswith(b"\x1bi" + c, i) for c in (b"a", b"M", b"K", b"A")):
            i += 4
        elif data.startswith(b"\x1biz", i):
            i += 13
        elif data.startswith(b"\x1bid", i):
            i += 5
        elif b == ord("M"):
            if i + 1 >= len(data):
                break
            compressed, i = data[i + 1] == 0x02, i + 2
        elif b in (ord("g"), ord("w")):
            if i + 3 > len(data):
                break
            end = i + 3 + data[i + 2]  # g 00 n: n bytes of (PackBits-compressed or plain) line follow
            if end > len(data):
                break
            payload = data[i + 3 : end]
            row = _unpack(payload) if compressed else payload
            if b == ord("g") or data[i + 1] == 0x01:
                rows.append(row.ljust(row_bytes, b"\x00")[:row_bytes])
            i = end
        elif b == ord("Z"):  # an empty line
            rows.append(bytes(row_bytes))
            i += 1
        elif b in (0x0C, 0x1A):  # print, then feed (and cut at the end)
            if rows:
                raw = b"".join(rows)
                image = Image.frombytes("1", (row_bytes * 8, len(rows)), bytes(255 - v for v in raw))
                pages.append(BrotherPage(image.transpose(Image.Transpose.FLIP_LEFT_RIGHT), b == 0x1A))
            rows, i = [], i + 1
            start = i
        else:
            i += 1
    return pages, data[start:]
