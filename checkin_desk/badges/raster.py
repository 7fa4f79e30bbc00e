"""Thermal printers get the very PDF the desk would print, rendered by pdfium at the printer's dots.

The page is rendered in grey at the printer's dpi (narrowed if the badge is wider than the paper), centred on
exactly width_dots, and thresholded to 1 bit: no dithering, so text edges and QR modules stay solid.
"""

from __future__ import annotations

import io
import threading

import pypdfium2 as pdfium
from PIL import Image

# pdfium is not thread-safe: one render at a time per process.
_PDFIUM = threading.Lock()
THRESHOLD = 160  # grey levels below this are printed (0 = black)
_TABLE = [0 if v < THRESHOLD else 255 for v in range(256)]


def render_page(pdf: bytes, scale: float, *, grey: bool, page_index: int = 0) -> Image.Image:
    with _PDFIUM:
        doc = pdfium.PdfDocument(pdf)
        try:
            page = doc[page_index]
            bitmap = page.render(scale=scale, grayscale=grey, fill_color=(255, 255, 255, 255))
            image = bitmap.to_pil()
            page.close()
        finally:
            doc.close()
    return image.convert("L") if grey and image.mode != "L" else image


def page_scale(width_pt: float, width_dots: int, dpi: int) -> float:
    """Scale (pixels per point): the printer's dpi, or less when the badge would be wider than the paper."""
    scale = dpi / 72
    if round(width_pt * scale) > width_dots:
        scale = width_dots / width_pt
    return scale


def to_thermal(grey: Image.Image, width_dots: int) -> Image.Image:
    """Threshold to mode '1' (no dithering) and centre on a canvas exactly width_dots wide."""
    mono = grey.point(_TABLE, "1")
    if mono.width == width_dots:
        return mono
    canvas = Image.new("1", (width_dots, mono.height), 1)
    canvas.paste(
        mono.crop((0, 0, min(mono.width, width_dots), mono.height)), ((width_dots - mono.width) // 2, 0)
    )
    return canvas


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
