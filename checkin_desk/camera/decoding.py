"""QR codes in a camera frame, with zxing-cpp.

The options were chosen by measuring on the generated frames (benchmarks/bench_camera.py, figures
in docs/camera.md). One pass over the whole frame with zxing-cpp's defaults minus what costs time
and reads nothing more here: no 90° rotations (a QR code's finder patterns are the same turned) and
no downscaled copies (the codes a desk camera sees are a few hundred pixels wide). Inverted codes
(light on a dark-mode screen) are kept: without them no inverted phone screen reads at all.

Only when that pass finds nothing (most frames at a desk show no code, so this must stay cheap), the
aim box is looked at again: twice as large (a small code held far away at 640×480 has modules of
2-3 px), then sharpened with an unsharp mask (a code moving or out of focus). On 600 generated
frames a size these two read 4 more badges and 6 more phone screens than the first pass alone at
640×480, for 1.1 ms more per empty frame (2 ms at 1280×720). Also measured, and left out: a contrast
stretch (CLAHE) and the global-histogram binarizer (both read fewer codes); upscaling and sharpening
together as the second fallback reads 5 more frames in 1,200 for twice the cost on every empty
frame, on a 2-core desk that also renders and prints badges.
"""

from __future__ import annotations

from dataclasses import dataclass

import zxingcpp

from checkin_desk.camera.sources import cv2_module

AIM_FRACTION = 0.7  # the aim box's side, of the frame's shorter side
STEPS = ("upscale", "sharpen", "clahe")
FALLBACKS = ("upscale", "sharpen")
UPSCALE_BELOW = 800  # pixels: an aim box this small is looked at again twice as large
SHARPEN_SIGMA, SHARPEN_AMOUNT = 3.0, 1.5  # at twice the size; measured on the generated set


@dataclass(frozen=True, slots=True)
class Read:
    text: str
    corners: tuple[tuple[int, int], ...]  # four points in the frame, clockwise from top left


def aim_box(width: int, height: int) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the square the preview draws for the operator to aim at."""
    side = round(min(width, height) * AIM_FRACTION)
    left, top = (width - side) // 2, (height - side) // 2
    return left, top, left + side, top + side


class Decoder:
    def __init__(
        self,
        *,
        try_rotate: bool = False,
        try_downscale: bool = False,
        try_invert: bool = True,
        binarizer=zxingcpp.Binarizer.LocalAverage,
        fallbacks: tuple[str, ...] = FALLBACKS,
    ):
        self.options = {
            "formats": zxingcpp.BarcodeFormat.QRCode,
            "try_rotate": try_rotate,
            "try_downscale": try_downscale,
            "try_invert": try_invert,
            "binarizer": binarizer,
            "text_mode": zxingcpp.TextMode.Plain,  # the code as issued, bytes for bytes
        }
        for fallback in fallbacks:
            if not set(fallback.split("+")) <= set(STEPS):
                raise ValueError(f"unknown fallback {fallback!r}: steps are {', '.join(STEPS)} joined by +")
        self.fallbacks = fallbacks
        self._cv2 = cv2_module()
        self._clahe = self._cv2.createCLAHE(clipLimit=3.0, tileGridSize=(4, 4))

    def read(self, image) -> list[Read]:
        """Every QR code found in `image` (a BGR or grey numpy array)."""
        cv2 = self._cv2
        grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        found = self._reads(grey, 0, 0)
        if found:
            return found
        left, top, right, bottom = aim_box(grey.shape[1], grey.shape[0])
        box = grey[top:bottom, left:right]
        for fallback in self.fallbacks:
            image, scale = box, 1.0
            for step in fallback.split("+"):
                if step == "upscale" and image.shape[0] < UPSCALE_BELOW:
                    scale = 2.0
                    image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
                elif step == "sharpen":  # an unsharp mask: a blurred code's edges back
                    soft = cv2.GaussianBlur(image, (0, 0), SHARPEN_SIGMA * scale / 2)
                    image = cv2.addWeighted(image, 1 + SHARPEN_AMOUNT, soft, -SHARPEN_AMOUNT, 0)
                elif step == "clahe":
                    image = self._clahe.apply(image)
            found = self._reads(image, left, top, scale)
            if found:
                return found
        return []

    def _reads(self, grey, dx: int, dy: int, scale: float = 1.0) -> list[Read]:
        reads = []
        for barcode in zxingcpp.read_barcodes(grey, **self.options):
            if not barcode.valid or not barcode.text:
                continue
            p = barcode.position
            corners = tuple(
                (round(pt.x / scale) + dx, round(pt.y / scale) + dy)
                for pt in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
            )
            reads.append(Read(barcode.text, corners))
        return reads


def read_plain(image) -> list[str]:
    """zxing-cpp alone with its defaults: the floor the benchmark compares `Decoder` with."""
    return [b.text for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
