"""QR codes drawn as vector squares (crisp at any dpi), the module matrix cached per code.

The matrix comes from zxing-cpp's encoder (C++, 0.1 ms a code; the pure-Python qrcode package takes
2 ms, half of a badge's rendering). What is printed is still read back by zxing-cpp before it is sent
and, in the tests, by zbar as well.
"""

from __future__ import annotations

from functools import lru_cache

import qrcode

try:
    import zxingcpp
except ImportError:  # a broken install: the slower encoder still makes the same kind of code
    zxingcpp = None
from PIL import Image
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q

_LEVELS = {"L": ERROR_CORRECT_L, "M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q, "H": ERROR_CORRECT_H}


def _matrix(data: str, level: str) -> list[list[bool]]:
    if zxingcpp is not None:
        symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level=level)
        image = symbol.to_image(scale=1, add_quiet_zones=False)
        side = image.shape[0]
        cells = bytes(memoryview(image))
        return [[cells[r * side + c] < 128 for c in range(side)] for r in range(side)]
    code = qrcode.QRCode(error_correction=_LEVELS[level], border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.modules


@lru_cache(maxsize=4096)
def qr_runs(data: str, level: str = "Q") -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """(modules per side, dark runs as (row, first column, length)) for data, without quiet zone."""
    modules = _matrix(data, level)
    runs = []
    for r, row in enumerate(modules):
        c = 0
        n = len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return len(modules), tuple(runs)


@lru_cache(maxsize=1024)
def qr_image(data: str, level: str, module: int) -> Image.Image:
    """The code's modules as an "L" image, `module` dots each, without quiet zone (black 0)."""
    count, runs = qr_runs(data, level)
    cells = bytearray(b"\xff" * (count * count))
    for r, c, length in runs:
        cells[r * count + c : r * count + c + length] = b"\x00" * length
    small = Image.frombytes("L", (count, count), bytes(cells))
    return small.resize((count * module, count * module), Image.Resampling.NEAREST)


def draw_qr(
    canvas,
    data: str,
    *,
    x: float,
    y_top: float,
    size: float,
    level: str,
    quiet_zone: int,
    snap: tuple[float, float] | None = None,
) -> None:
    """Draw the code in a size x size square (points) whose top-left is (x, y_top), quiet zone included.

    snap: (device pixel size, page height) in points; when given, modules are a whole number of pixels and
    start on the pixel grid (counted from the page's top-left), so every module prints the same width.
    """
    count, runs = qr_runs(data, level)
    total = count + 2 * quiet_zone
    module = size / total
    if snap:
        pixel, page_height = snap
        whole = int(module / pixel)
        if whole >= 2:
            module = whole * pixel
    offset = (size - module * total) / 2 + quiet_zone * module
    left = x + offset
    top = y_top - offset
    if snap:
        left = round(left / pixel) * pixel
        top = page_height - round((page_height - top) / pixel) * pixel
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y_top - size, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    # One path of rectangles, written directly: reportlab's per-number formatting is pure Python and slow.
    ops = [
        f"{left + c * module:.3f} {top - (r + 1) * module:.3f} {length * module:.3f} {module:.3f} re"
        for r, c, length in runs
    ]
    ops.append("f")
    canvas.addLiteral("\n".join(ops))
