"""A badge is checked before its bytes go to any printer: the QR code read back from the exact raster
being sent (zxing-cpp, not our encoder) must be the attendee's, and the name line must carry ink.

On a failure the print path renders the badge once more with larger QR modules; if that fails too,
the job fails with the reason, which staff see on the job, and nothing is printed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import zxingcpp
from PIL import Image

from checkin_desk.badges import Raster
from checkin_desk.printing.errors import RenderError

QUIET_MARGIN = 0.25  # of the QR's side, kept around it when cropping: a displaced code still reads


class BadgeCheckFailed(RenderError):
    """The badge was rendered but would not scan or would not show the name: it is not printed."""


@dataclass
class CheckTimes:
    """Seconds spent checking, per badge (bench_printing reads it)."""

    samples: list[float]


TIMES = CheckTimes([])


def read_qr(image: Image.Image) -> list[str]:
    return [
        r.text
        for r in zxingcpp.read_barcodes(
            image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode, try_rotate=False
        )
    ]


def problem(raster: Raster, expected: str) -> str | None:
    """Why this raster must not be printed, or None when it may."""
    start = time.perf_counter()
    try:
        image = raster.image
        if not raster.qr_text:
            return _name_problem(raster)  # a template without a QR code: nothing to scan
        left, top, right, bottom = raster.qr_box
        pad = round((right - left) * QUIET_MARGIN)
        crop = (
            max(0, left - pad),
            max(0, top - pad),
            min(image.width, right + pad),
            min(image.height, bottom + pad),
        )
        found = read_qr(image.crop(crop) if right > left else image)
        if found != [expected]:
            seen = f"it reads as {found[0]!r}" if found else "no decoder could read it"
            return f"the QR code on the badge does not scan as {expected!r} ({seen})"
        return _name_problem(raster)
    finally:
        TIMES.samples.append(time.perf_counter() - start)


def _name_problem(raster: Raster) -> str | None:
    for box in raster.name_boxes:
        if raster.image.crop(box).histogram()[0] == 0:
            return "the name line on the badge came out empty"
    return None


def pdf_problem(pdf: bytes, expected: str, dpi: int = 150) -> str | None:
    """The same check for a PDF badge: its first page rasterised by pdfium, the QR read back."""
    from checkin_desk.badges.raster import render_page

    start = time.perf_counter()
    try:
        found = read_qr(render_page(pdf, dpi / 72, grey=True))
    except Exception as exc:  # pdfium could not read what reportlab wrote: certainly not printable
        return f"the badge PDF cannot be read back ({exc})"
    finally:
        TIMES.samples.append(time.perf_counter() - start)
    if expected not in found:
        seen = f"it reads as {found[0]!r}" if found else "no decoder could read it"
        return f"the QR code on the badge does not scan as {expected!r} ({seen})"
    return None
