"""The two QR decoders the tests trust, neither ours: zxing-cpp and zbar (through pyzbar).

zbar needs the system library libzbar0 (.ci/setup-zbar installs it): without it the tests that use
it skip on a developer's machine, and fail under CI=true.
"""

from __future__ import annotations

import os

import pytest
import zxingcpp
from PIL import Image

try:
    from pyzbar import pyzbar
except ImportError as exc:  # no libzbar
    if os.environ.get("CI") == "true":
        raise
    pyzbar = None
    WHY = f"zbar is not installed ({exc}); run .ci/setup-zbar"


def zxing(image: Image.Image) -> list[str]:
    grey = image.convert("L")
    return [r.text for r in zxingcpp.read_barcodes(grey) if r.format == zxingcpp.BarcodeFormat.QRCode]


def zbar(image: Image.Image) -> list[str]:
    if pyzbar is None:
        pytest.skip(WHY)
    return [r.data.decode("utf-8") for r in pyzbar.decode(image.convert("L")) if r.type == "QRCODE"]


def both(image: Image.Image) -> tuple[list[str], list[str]]:
    return zxing(image), zbar(image)
