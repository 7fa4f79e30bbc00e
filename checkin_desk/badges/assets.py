"""Where the badge resources live: fonts, templates and the event logo under the repository's resources/."""

from __future__ import annotations

import io
import os
from functools import lru_cache
from pathlib import Path

from PIL import Image

# The checkout's resources/ (the app runs from a clone or an editable install).
# CHECKIN_DESK_RESOURCES overrides it.
RESOURCES = Path(
    os.environ.get("CHECKIN_DESK_RESOURCES") or Path(__file__).resolve().parents[2] / "resources"
)
FONT_DIR = RESOURCES / "fonts"
TEMPLATE_DIR = RESOURCES / "templates"
LOGO_PATH = RESOURCES / "logo.png"


@lru_cache(maxsize=16)
def logo_image(path: str, mono: bool) -> Image.Image:
    """The logo as RGB on white; in mono every pixel not near-white becomes black (thermal printers)."""
    with Image.open(path) as src:
        rgba = src.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    if not mono:
        return flat
    return flat.convert("L").point(lambda v: 255 if v >= 230 else 0).convert("RGB")


@lru_cache(maxsize=16)
def logo_jpeg(path: str, mono: bool) -> bytes:
    """The logo encoded once as JPEG: reportlab embeds JPEG bytes as they are, instead of re-encoding the
    image into every single-badge PDF (10 ms each time for a PNG)."""
    out = io.BytesIO()
    logo_image(path, mono).save(out, format="JPEG", quality=95, subsampling=0)
    return out.getvalue()
