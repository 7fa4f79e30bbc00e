"""ESC/POS raster graphics (`GS v 0`), built by hand: python-escpos' image() dithers, we want exact pixels.

A PIL image in mode "1" stores 1 bits for white; ESC/POS wants 1 for black, MSB first, each row padded to
a whole byte. Tall images go out in bands so that no printer's receive buffer has to hold a whole badge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

ESC, GS, DLE, EOT = b"\x1b", b"\x1d", b"\x10", b"\x04"
INIT = ESC + b"@"
BAND_ROWS = 256
_INVERT = bytes(255 - i for i in range(256))


def to_mono(image: Image.Image) -> Image.Image:
    """Binarise without dithering (threshold at mid-grey); the renderer should already hand over mode "1"."""
    if image.mode == "1":
        return image
    return image.convert("L").point(lambda v: 255 if v >= 128 else 0, mode="1")


def raster_bands(image: Image.Image, band_rows: int = BAND_ROWS) -> bytes:
    """`GS v 0` commands for the whole image, `band_rows` rows per command."""
    image = to_mono(image)
    width, height = image.size
    width_bytes = (width + 7) // 8
    if width % 8:
        padded = Image.new("1", (width_bytes * 8, height), 1)
        padded.paste(image, (0, 0))
        image = padded
    data = image.tobytes().translate(_INVERT)  # PIL: 1 = white; ESC/POS: 1 = black
    out = bytearray()
    for top in range(0, height, band_rows):
        rows = min(band_rows, height - top)
        out += GS + b"v0\x00" + width_bytes.to_bytes(2, "little") + rows.to_bytes(2, "little")
        out += data[top * width_bytes : (top + rows) * width_bytes]
    return bytes(out)


def feed_lines(n: int) -> bytes:
    return ESC + b"d" + bytes([max(0, min(n, 255))])


def partial_cut() -> bytes:
    # GS V 66 n: feed to the cutting position (+ n dots) and cut partially.
    return GS + b"V" + bytes([66, 0])


def badge_job(image: Image.Image, *, cutter: bool, feed: int = 4, band_rows: int = BAND_ROWS) -> bytes:
    """Everything one badge needs: reset, raster, then a partial cut (or a feed to the tear bar)."""
    body = INIT + raster_bands(image, band_rows)
    return body + (partial_cut() if cutter else feed_lines(feed))


def status_query(n: int) -> bytes:
    if n not in (1, 2, 3, 4):
        raise ValueError("DLE EOT n must be 1..4")
    return DLE + EOT + bytes([n])


# -- reading it back (the emulator and the tests) ---------------------------------------------------


@dataclass
class ParsedJob:
    """What a stream of ESC/POS bytes asked for, as far as badges are concerned."""

    bands: list[Image.Image] = field(default_factory=list)
    cut: bool = False
    feeds: int = 0

    def image(self) -> Image.Image | None:
        if not self.bands:
            return None
        width = max(b.width for b in self.bands)
        out = Image.new("1", (width, sum(b.height for b in self.bands)), 1)
        top = 0
        for band in self.bands:
            out.paste(band, (0, top))
            top += band.height
        return out


def band_image(width_bytes: int, rows: int, data: bytes) -> Image.Image:
    return Image.frombytes("1", (width_bytes * 8, rows), bytes(data).translate(_INVERT))


class Parser:
    """An incremental ESC/POS parser: feed it bytes as they arrive, it calls back on events.

    on_raster(image) for each `GS v 0` band, on_cut() for `GS V`, on_status(n) for `DLE EOT n`.
    Commands it does not know are skipped a byte at a time (text, for instance, is ignored).
    """

    def __init__(self, on_raster, on_cut, on_status, on_feed=None):
        self.buf = bytearray()
        self.on_raster, self.on_cut, self.on_status = on_raster, on_cut, on_status
        self.on_feed = on_feed or (lambda n: None)

    def feed(self, data: bytes) -> None:
        self.buf += data
        while self.buf:
            used = self._step()
            if used == 0:
                return  # need more bytes
            del self.buf[:used]

    def _step(self) -> int:
        b = self.buf
        first = b[0]
        if first == 0x10:  # DLE
            if len(b) < 3:
                return 0
            if b[1] == 0x04:
                self.on_status(b[2])
                return 3
            return 1
        if first == 0x1B:  # ESC
            if len(b) < 2:
                return 0
            cmd = b[1]
            if cmd == ord("@"):
                return 2
            if cmd in (ord("d"), ord("J"), ord("a"), ord("!"), ord("E"), ord("-"), ord("t"), ord("3")):
                if len(b) < 3:
                    return 0
                if cmd == ord("d"):
                    self.on_feed(b[2])
                return 3
            return 2
        if first == 0x1D:  # GS
            if len(b) < 2:
                return 0
            cmd = b[1]
            if cmd == ord("v"):
                if len(b) < 8:
                    return 0
                width_bytes = b[4] | (b[5] << 8)
                rows = b[6] | (b[7] << 8)
                size = width_bytes * rows
                if len(b) < 8 + size:
                    return 0
                if width_bytes and rows:
                    self.on_raster(band_image(width_bytes, rows, b[8 : 8 + size]))
                return 8 + size
            if cmd == ord("V"):
                if len(b) < 3:
                    return 0
                m = b[2]
                length = 4 if m in (65, 66, 97, 98, 103, 104) else 3
                if len(b) < length:
                    return 0
                self.on_cut()
                return length
            return 2
        return 1


def parse_job(data: bytes) -> list[ParsedJob]:
    """Split a byte stream into badges: a cut ends one; rasters left at the end make a last, uncut one."""
    jobs: list[ParsedJob] = []
    current = ParsedJob()

    def raster(img):
        current.bands.append(img)

    def cut():
        nonlocal current
        current.cut = True
        jobs.append(current)
        current = ParsedJob()

    def feed(n):
        current.feeds += n

    Parser(raster, cut, lambda n: None, feed).feed(data)
    if current.bands:
        jobs.append(current)
    return jobs
