"""The thermal badge, fast: the template's static layers drawn once, the person's lines and QR per badge.

What does not depend on the person (category band and label, logo, event name and dates) is the same
reportlab PDF the desk prints, rasterised by pdfium once per template, category, event and printer
resolution, and kept. Per badge only the name, company, job title, country and the QR code are drawn
on a copy: text from the very layout the PDF uses (`pdf.place_text`: same fitting, shaping, font per
character, same glyph advances), each glyph rasterised by FreeType (as pdfium does) once per font,
size and character and then pasted; the QR as whole-dot modules. Then one threshold to 1 bit.

The result is a `Raster`: the image plus where its QR code and name lines are, which the print path
checks before anything is sent.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from checkin_desk.badges.assets import FONT_DIR
from checkin_desk.badges.fields import badge_fields
from checkin_desk.badges.fonts import CHAINS
from checkin_desk.badges.pdf import (
    MM,
    is_below,
    place_text,
    qr_data,
    qr_element,
    render_pdf,
    resolve_colour,
    text_for,
)
from checkin_desk.badges.qr import qr_image
from checkin_desk.badges.qrplan import QrPlan, min_module_dots, plan_qr
from checkin_desk.badges.raster import THRESHOLD, page_scale, render_page
from checkin_desk.badges.template import Element, Template
from checkin_desk.domain.models import Attendee, EventInfo

# What is the same on every badge of a category at an event; any other field (a name, a company, a
# field a template adds later) is drawn per badge.
SHARED_FIELDS = frozenset(
    {
        "event_name",
        "event_dates",
        "venue",
        "category",
        "category_label",
        "category_label_fr",
        "category_label_en",
        "category_label_ar",
    }
)
NAME_FIELDS = frozenset({"full_name", "first_name", "last_name"})
_TABLE = [0 if v < THRESHOLD else 255 for v in range(256)]
_FILES = {name: filename for chain in CHAINS.values() for name, filename in chain}


@dataclass(frozen=True)
class Raster:
    image: Image.Image  # mode "1", exactly width_dots wide
    qr_text: str
    qr_box: tuple[int, int, int, int]  # left, top, right, bottom in dots, quiet zone included
    qr_plan: QrPlan
    name_boxes: tuple[tuple[int, int, int, int], ...]  # the boxes of the elements showing the name


def _fields_of(text: str) -> set[str]:
    import string

    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def is_personal(el: Element) -> bool:
    """Drawn per badge: the QR, and text that names a field of the person."""
    if el.kind == "qr":
        return True
    if el.kind != "text":
        return False
    if {el.when, el.unless} - {""} - SHARED_FIELDS:  # drawn or not depending on the person
        return True
    return any(_fields_of(source) - SHARED_FIELDS for source in (el.text, *el.fallback))


def _shown(el: Element, values: dict[str, str]) -> bool:
    """A text's `when` / `unless` condition, as the PDF renderer applies it."""
    return not ((el.when and not values.get(el.when)) or (el.unless and values.get(el.unless)))


def _overlap(a: Element, b: Element) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


@lru_cache(maxsize=64)
def layered(template: Template) -> bool:
    """Whether a static element is drawn over a personal one (a band across the QR, say): then the
    cached layer cannot go under the person's lines, and the whole badge is drawn as one PDF."""
    elements = template.elements
    return any(
        not is_personal(later) and is_personal(earlier) and _overlap(earlier, later)
        for i, earlier in enumerate(elements)
        for later in elements[i + 1 :]
    )


def shows_name(el: Element) -> bool:
    return el.kind == "text" and bool(_fields_of(el.text) & NAME_FIELDS)


# -- the static layer, cached ------------------------------------------------------------------------

_STATIC: OrderedDict[tuple, Image.Image] = OrderedDict()
_STATIC_LOCK = threading.Lock()
STATIC_CACHE_SIZE = 64


def _static_layer(
    attendee: Attendee,
    event: EventInfo,
    categories: dict[str, Any],
    template: Template,
    width_dots: int,
    dpi: int,
    scale: float,
    shift_pt: float,
    height_px: int,
) -> Image.Image:
    category = categories.get(attendee.category) or {}
    key = (
        template,
        width_dots,
        dpi,
        attendee.category,
        tuple(sorted((k, str(v)) for k, v in category.items())),
        event,
        round(shift_pt, 3),
        height_px,
    )
    with _STATIC_LOCK:
        found = _STATIC.get(key)
        if found is not None:
            _STATIC.move_to_end(key)
            return found
    pdf = render_pdf(
        [attendee],
        event=event,
        categories=categories,
        template=template,
        mono=True,
        compress=False,
        keep=lambda el: not is_personal(el),
        shift=shift_pt,
    )
    grey = render_page(pdf, scale, grey=True)
    layer = Image.new("L", (width_dots, height_px), 255)
    layer.paste(
        grey.crop((0, 0, min(grey.width, width_dots), min(grey.height, height_px))),
        (_left(grey.width, width_dots), 0),
    )
    with _STATIC_LOCK:
        _STATIC[key] = layer
        while len(_STATIC) > STATIC_CACHE_SIZE:
            _STATIC.popitem(last=False)
    return layer


def _whole_badge(attendee, event, categories, template, width_dots, scale, shift_pt, height_px, qr_text):
    pdf = render_pdf(
        [attendee],
        event=event,
        categories=categories,
        template=template,
        mono=True,
        compress=False,
        snap=1 / scale,
        shift=shift_pt,
        qr_texts={attendee.code: qr_text} if qr_text else None,
    )
    grey = render_page(pdf, scale, grey=True)
    canvas = Image.new("L", (width_dots, height_px), 255)
    canvas.paste(
        grey.crop((0, 0, min(grey.width, width_dots), min(grey.height, height_px))),
        (_left(grey.width, width_dots), 0),
    )
    return canvas


def _left(page_px: int, width_dots: int) -> int:
    return max(0, (width_dots - page_px) // 2)


# -- glyphs ------------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _font(face_name: str, size_q: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(
        str(FONT_DIR / _FILES[face_name]), size_q / 4, layout_engine=ImageFont.Layout.BASIC
    )


@lru_cache(maxsize=16384)
def _glyph(face_name: str, size_q: int, ch: str) -> tuple[Image.Image | None, int, int]:
    """The glyph's coverage mask and its offset from the pen position on the baseline."""
    font = _font(face_name, size_q)
    x0, y0, x1, y1 = font.getbbox(ch, anchor="ls")
    if x1 <= x0 or y1 <= y0:
        return None, 0, 0
    mask = Image.new("L", (x1 - x0, y1 - y0), 0)
    ImageDraw.Draw(mask).text((-x0, -y0), ch, font=font, fill=255, anchor="ls")
    return mask, x0, y0


def _draw_line(
    canvas: Image.Image, runs, size: float, x_pt: float, baseline_px: float, scale: float, ink: int, x0: int
) -> None:
    size_q = max(1, round(size * scale * 4))
    y = round(baseline_px)
    for part, face in runs:
        for ch in part:
            mask, dx, dy = _glyph(face.name, size_q, ch)
            if mask is not None:
                canvas.paste(ink, (x0 + round(x_pt * scale) + dx, y + dy), mask)
            x_pt += face.width(ch, size)


# -- one badge ---------------------------------------------------------------------------------------


def render_raster(
    attendee: Attendee,
    *,
    event: EventInfo,
    categories: dict[str, Any],
    template: Template,
    width_dots: int,
    dpi: int,
    qr_text: str | None = None,
    roll: bool = True,
    qr_boost: int = 0,
) -> Raster:
    """The badge for a printer `width_dots` wide at `dpi`. roll: continuous paper (a grown QR code
    makes the badge longer); qr_boost: dots added to every QR module (the second try of a badge whose
    QR did not read back)."""
    scale = page_scale(template.width * MM, width_dots, dpi)
    page_px = round(template.width * MM * scale)
    x0 = _left(page_px, width_dots)
    values = badge_fields(attendee, event, categories, template.label_language)
    qr_el = qr_element(template)
    plan, data, shift_pt = None, "", 0.0
    if qr_el is not None:
        data = qr_data(qr_el, values, qr_text)
        plan = plan_qr(
            data,
            level=qr_el.error_correction,
            quiet_zone=qr_el.quiet_zone,
            box=min(qr_el.w, qr_el.h) * MM * scale,
            max_side=width_dots - 2,
            min_module=min_module_dots(dpi, qr_boost),
            whole=True,
            grow_first=roll,
        )
        if roll:
            shift_pt = plan.growth / scale
    page_h_pt = template.height * MM + shift_pt
    height_px = math.ceil(page_h_pt * scale - 1e-6)  # as pdfium sizes the page
    whole = layered(template)
    if whole:
        canvas = _whole_badge(
            attendee, event, categories, template, width_dots, scale, shift_pt, height_px, qr_text
        )
    else:
        canvas = _static_layer(
            attendee, event, categories, template, width_dots, dpi, scale, shift_pt, height_px
        ).copy()
    names, qr_box = [], (0, 0, 0, 0)
    for el in template.elements:
        if not is_personal(el):
            continue
        dy = shift_pt if is_below(el, qr_el) else 0.0
        box_pt = (el.x * MM, page_h_pt - el.y * MM - dy, el.w * MM, el.h * MM)
        px_box = (
            x0 + round(box_pt[0] * scale),
            round((el.y * MM + dy) * scale),
            x0 + round((box_pt[0] + box_pt[2]) * scale),
            round((el.y * MM + dy + box_pt[3]) * scale),
        )
        if el.kind == "qr":
            qr_box = px_box if whole else _draw_qr(canvas, data, plan, px_box, roll, width_dots)
            continue
        if not _shown(el, values):
            continue
        colour = resolve_colour(el.colour, el.mono_colour, values["_colour"], True)
        if shows_name(el):
            names.append(px_box)
        text = text_for(el, values, attendee.code)
        if whole or not text or colour is None:
            continue
        ink = 0 if colour[0] < 0.5 else 255
        fitted, placed = place_text(el, text, box_pt, attendee.code)
        for line, left, baseline in placed:
            _draw_line(canvas, line.runs, fitted.size, left, (page_h_pt - baseline) * scale, scale, ink, x0)
    return Raster(canvas.point(_TABLE, "1"), data, qr_box, plan, tuple(names))


def _draw_qr(
    canvas: Image.Image, data: str, plan: QrPlan, box: tuple[int, int, int, int], roll: bool, width: int
) -> tuple[int, int, int, int]:
    module = int(plan.module)
    side = round(plan.side)
    quiet = (side - module * plan.count) // 2
    left, top, right, bottom = box
    cx = (left + right) // 2
    x = min(max(0, cx - side // 2), width - side)
    if roll:
        y = top + ((bottom - top) - side) // 2 if side <= bottom - top else top
    else:
        y = top + ((bottom - top) - side) // 2
    y = max(0, y)
    canvas.paste(255, (x, y, x + side, y + side))
    canvas.paste(qr_image(data, plan.level, module), (x + quiet, y + quiet))
    return (x, y, x + side, y + side)
