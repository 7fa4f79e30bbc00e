"""Brother QL label printers, through brother_ql (the maintained fork, `brother_ql_next`): its raster
protocol for the bytes, its status reader for the 32-byte answers.

The badge raster is made exactly the label's printable width (and, for die-cut labels, padded to its
printable length), already 1-bit, so that brother_ql neither resizes nor re-thresholds it: the bytes
carry the raster that was checked.

Over the network a QL answers nothing on port 9100: its status, the same 32 bytes as over USB, is
read over SNMP before and after each badge (`network_status`). Where SNMP is switched off the print
path only knows the printer acknowledged every byte.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from PIL import Image

from checkin_desk.errors import CheckinDeskError
from checkin_desk.printing.profiles import Profile
from checkin_desk.printing.status import PrinterStatus

INSTALL_HINT = (
    "Brother QL printers need the optional Brother QL support (brother_ql_next, licensed GPL-3.0): "
    "pip install 'checkin-desk[brother]'"
)
_INVERT = bytes(255 - i for i in range(256))
# brother_ql logs a warning for every raster it has to resize; ours never need it.
logging.getLogger("brother_ql").setLevel(logging.ERROR)
# Its status reader logs each printer error it decodes ("Error: No media"); the print path words it.
logging.getLogger("brother_ql.reader").setLevel(logging.CRITICAL)
log = logging.getLogger(__name__)


class BrotherSupportMissing(CheckinDeskError, ValueError):
    """brother_ql is not installed: it is an optional part, kept apart for its GPL licence."""


def require_library() -> None:
    try:
        import brother_ql  # noqa: F401
    except ImportError as exc:
        raise BrotherSupportMissing(INSTALL_HINT) from exc


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
    require_library()
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
        # PackBits in brother_ql is pure Python: 33 ms a badge against 5.6 ms for 4x the bytes, which
        # a network or USB link carries in well under a millisecond.
        compress=False,
        rotate="0",
        threshold=50,
    )


def parse_status(answer: bytes) -> PrinterStatus:
    """The 32-byte status reply (USB, or SNMP on the network), read by brother_ql's own reader."""
    from brother_ql.reader import interpret_response

    try:
        info = interpret_response(answer[:32])
    except (NameError, IndexError) as exc:  # brother_ql raises NameError for a reply it cannot read
        raise ValueError(f"not a Brother QL status reply: {answer[:8].hex(' ')}") from exc
    errors = [e.lower() for e in info.get("errors") or []]
    paper_out = [e for e in errors if "no media" in e or "end of media" in e or "cannot be fed" in e]
    cover = [e for e in errors if "cover open" in e]
    return PrinterStatus(
        paper_out=bool(paper_out),
        cover_open=bool(cover),
        cutter_error=any("cutter jam" in e for e in errors),
        error=len(errors) > len(paper_out) + len(cover),  # any other error stops the badge too
    )


# Error information bytes 8 and 9 of the status reply (Brother QL raster command reference).
_NO_MEDIA, _END_OF_MEDIA, _CUTTER_JAM = 0x01, 0x02, 0x04
_COVER_OPEN, _SYSTEM_ERROR = 0x10, 0x80


def encode_status(status: PrinterStatus, model_code: int = 0x41, width_mm: int = 62) -> bytes:
    """A 32-byte status reply as a QL sends it (the emulator answers with it): "reply to status
    request", waiting to receive, continuous tape of `width_mm`."""
    reply = bytearray(32)
    reply[0:8] = bytes([0x80, 0x20, 0x42, 0x34, model_code, 0x30, 0x30, 0x00])
    reply[8] = (_NO_MEDIA if status.paper_out else 0) | (_CUTTER_JAM if status.cutter_error else 0)
    reply[9] = (_COVER_OPEN if status.cover_open else 0) | (
        _SYSTEM_ERROR if status.error and not status.cutter_error else 0
    )
    reply[10], reply[11] = (0, 0x00) if status.paper_out else (width_mm, 0x0A)
    return bytes(reply)


# A printer whose SNMP is switched off is asked again only after this long: not twice per badge.
SILENT_FOR = 60.0
_silent: dict[tuple[str, int], float] = {}


def network_status(host: str, port: int, timeout: float) -> PrinterStatus | None:
    """The status of a QL on the network, read over SNMP; None when SNMP does not answer (switched
    off in the printer's settings): the print path then only knows its bytes were acknowledged."""
    from checkin_desk.printing import snmp

    key = (host, port)
    if time.monotonic() < _silent.get(key, 0.0):
        return None
    try:
        answer = snmp.get(host, port, snmp.BROTHER_QL_STATUS_OID, timeout=timeout)
    except snmp.SnmpError as exc:
        raise ValueError(f"{exc}; is SNMP on this printer a Brother QL's?") from exc
    if answer is None:
        log.warning("Brother QL %s: no answer on SNMP port %s; its status cannot be read", host, port)
        _silent[key] = time.monotonic() + SILENT_FOR
        return None
    _silent.pop(key, None)
    return parse_status(answer)


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


class RasterStream:
    """Raster commands as they arrive, in pieces: each print command ends a page. Incremental, so a
    page that arrives in many TCP segments is read once."""

    def __init__(self, row_bytes: int):
        self.row_bytes = row_bytes
        self.buf = bytearray()
        self.rows: list[bytes] = []
        self.compressed = False

    def feed(self, data: bytes) -> list[BrotherPage]:
        self.buf += data
        data, pages, i = self.buf, [], 0
        while i < len(data):
            used = self._step(data, i, pages)
            if used == 0:
                break  # the rest of a command has not arrived yet
            i += used
        del self.buf[:i]
        return pages

    def _step(self, data: bytearray, i: int, pages: list[BrotherPage]) -> int:
        b = data[i]
        if b == 0x00:  # invalidate
            return 1
        if b == 0x1B:
            if i + 3 > len(data):
                return 0
            if data[i + 1] == ord("@"):
                self.rows = []
                return 2
            command = bytes(data[i + 2 : i + 3])
            sizes = {b"S": 3, b"a": 4, b"M": 4, b"K": 4, b"A": 4, b"z": 13, b"d": 5}
            size = sizes.get(command, 3)
            return size if i + size <= len(data) else 0
        if b == ord("M"):
            if i + 2 > len(data):
                return 0
            self.compressed = data[i + 1] == 0x02
            return 2
        if b in (ord("g"), ord("w")):
            if i + 3 > len(data):
                return 0
            end = i + 3 + data[i + 2]  # g 00 n: n bytes of (PackBits-compressed or plain) line follow
            if end > len(data):
                return 0
            payload = bytes(data[i + 3 : end])
            row = _unpack(payload) if self.compressed else payload
            if b == ord("g") or data[i + 1] == 0x01:  # two-colour: keep the black layer
                self.rows.append(row.ljust(self.row_bytes, b"\x00")[: self.row_bytes])
            return end - i
        if b == ord("Z"):  # an empty line
            self.rows.append(bytes(self.row_bytes))
            return 1
        if b in (0x0C, 0x1A):  # print (0x1A: the last page, then feed and cut)
            if self.rows:
                raw = b"".join(self.rows)
                image = Image.frombytes("1", (self.row_bytes * 8, len(self.rows)), raw.translate(_INVERT))
                pages.append(BrotherPage(image.transpose(Image.Transpose.FLIP_LEFT_RIGHT), b == 0x1A))
            self.rows = []
            return 1
        return 1
