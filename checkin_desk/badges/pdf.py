"""The one badge renderer: reportlab draws every badge, for paper and (rasterised) for thermal printers."""

from __future__ import annotations

import io
import logging
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from reportlab import rl_config
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from checkin_desk.badges.assets import logo_jpeg
from checkin_desk.badges.fields import badge_fields
from checkin_desk.badges.fitting import Fitted, fit_text
from checkin_desk.badges.qr import draw_qr
from checkin_desk.badges.qrplan import MIN_MODULE_MM, PAPER_MODULE_MM, SQUEEZE_FLOOR, QrPlan, plan_qr
from checkin_desk.badges.shaping import Line, drop_uncovered, layout_line
from checkin_desk.badges.template import Element, Template
from checkin_desk.domain.models import Attendee, EventInfo

log = logging.getLogger(__name__)
# Streams are Flate-compressed only: the ASCII85 layer reportlab adds by default costs ~4 ms per badge in
# pure Python and only makes the file bigger.
rl_config.useA85 = 0
MM = 72 / 25.4
CUT_MARK = 4 * MM


def _rgb(value: str) -> tuple[float, float, float]:
    return int(value[1:3], 16) / 255, int(value[3:5], 16) / 255, int(value[5:7], 16) / 255


def resolve_colour(value: str, mono_value: str | None, category: str, mono: bool) -> tuple[float, ...] | None:
    """An element's colour as RGB 0..1, None for 'none'. In mono, dark is black and light is white."""
    if mono:
        if mono_value is None:
            if value in ("none", "black", "white"):
                mono_value = value
            elif value == "category":
                mono_value = "black"
            else:
                r, g, b = _rgb(value)
                mono_value = "black" if 0.299 * r + 0.587 * g + 0.114 * b < 0.6 else "white"
        value = mono_value
    if value == "none":
        return None
    if value == "category":
        value = category
    if value == "black":
        return (0.0, 0.0, 0.0)
    if value == "white":
        return (1.0, 1.0, 1.0)
    return _rgb(value)


@lru_cache(maxsize=4096)
def _fit(
    text: str, box: tuple[float, float], sizes: tuple[float, float, float | None], lines: int, weight: str
) -> Fitted:
    return fit_text(
        text,
        width=box[0],
        height=box[1],
        max_size=sizes[0],
        min_size=sizes[1],
        floor_size=sizes[2],
        max_lines=lines,
        weight=weight,
    )


def clear_text_caches() -> None:
    """Forget every fitted and shaped line (tests that swap the shaping step; fonts changed on disk)."""
    _fit.cache_clear()
    layout_line.cache_clear()


def _logo_reader(path: str, mono: bool) -> ImageReader:
    return ImageReader(io.BytesIO(logo_jpeg(path, mono)))


def _draw_logo(canvas: Canvas, el: Element, x: float, y: float, w: float, h: float, mono: bool) -> None:
    """The logo is embedded once per PDF as a form and reused on every page (not decoded per badge)."""
    name = f"cd-logo-{el.id}-{w:.2f}x{h:.2f}-{'mono' if mono else 'colour'}"
    forms = canvas.__dict__.setdefault("_checkin_desk_forms", set())
    if name not in forms:
        canvas.beginForm(name, 0, 0, w, h)
        canvas.drawImage(_logo_reader(el.file, mono), 0, 0, w, h, preserveAspectRatio=True, anchor="c")
        canvas.endForm()
        forms.add(name)
    canvas.saveState()
    canvas.translate(x, y)
    canvas.doForm(name)
    canvas.restoreState()


def _is_rtl(text: str) -> bool:
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def text_for(el: Element, values: dict[str, str], code: str) -> str:
    """The element's text for this attendee, cleaned, drawable, or its first non-empty fallback."""
    weight = "bold" if el.bold else "regular"
    for source in (el.text, *el.fallback):
        text = source.format_map(values)
        if el.uppercase:
            text = text.upper()
        text = drop_uncovered(text, weight, who=code, field=el.id)
        if text:
            return text
    return ""


def place_text(
    el: Element, text: str, box: tuple[float, float, float, float], code: str = ""
) -> tuple[Fitted, list[tuple[Line, float, float]]]:
    """Fit `text` in the element's box (x, y_top, w, h in points, y upwards) and place each line:
    [(line, left, baseline)]. The PDF and the fast raster both draw from this one layout."""
    x, y_top, w, h = box
    weight = "bold" if el.bold else "regular"
    fitted = _fit(text, (w, h), (el.max_size, el.min_size, el.floor_size), el.max_lines, weight)
    if fitted.shortened:
        log.warning(
            "badge %s: %s shortened to fit: %r", code, el.id, " / ".join(line.text for line in fitted.lines)
        )
    if not fitted.lines:
        return fitted, []
    size = fitted.size
    block = fitted.height()
    if el.valign == "top":
        top = y_top
    elif el.valign == "bottom":
        top = y_top - h + block
    else:
        top = y_top - (h - block) / 2
    align = el.align
    if align == "start":
        align = "right" if _is_rtl(text) else "left"
    placed = []
    for line in fitted.lines:
        baseline = top - line.ascent * size
        width = line.width * size
        left = x if align == "left" else x + w - width if align == "right" else x + (w - width) / 2
        placed.append((line, left, baseline))
        top = baseline - line.descent * size - fitted.size * 0.08
    return fitted, placed


def draw_text(
    canvas: Canvas,
    el: Element,
    text: str,
    box: tuple[float, float, float, float],
    colour: tuple[float, ...],
    code: str,
) -> Fitted:
    fitted, placed = place_text(el, text, box, code)
    canvas.setFillColorRGB(*colour)
    for line, left, baseline in placed:
        for part, face in line.runs:
            canvas.setFont(face.name, fitted.size)
            canvas.drawString(left, baseline, part)
            left += face.width(part, fitted.size)
    return fitted


def qr_element(template: Template) -> Element | None:
    return next((el for el in template.elements if el.kind == "qr"), None)


def is_below(el: Element, qr: Element | None) -> bool:
    """Whether a grown QR code pushes `el` down (on a roll): it starts under the QR's box."""
    return qr is not None and el is not qr and el.y >= qr.y + qr.h - 0.01


def qr_data(el: Element, values: dict[str, str], qr_text: str | None) -> str:
    return el.data.format_map({**values, "code": qr_text} if qr_text else values)


def vector_qr_plan(el: Element, data: str, template: Template) -> QrPlan:
    """The QR of a PDF badge: modules of at least 0.75 mm (1 mm on paper templates); on a fixed page it
    grows about its centre, or upwards into the room `grow_from` gives it."""
    max_side = template.width
    if el.grow_from is not None:
        bottom = el.y + el.h
        max_side = min(max_side, bottom - el.grow_from - (el.y - el.grow_from) * SQUEEZE_FLOOR)
    return plan_qr(
        data,
        level=el.error_correction,
        quiet_zone=el.quiet_zone,
        box=min(el.w, el.h) * MM,
        max_side=max_side * MM,
        min_module=(PAPER_MODULE_MM if template.mode == "colour" else MIN_MODULE_MM) * MM,
        whole=False,
        grow_first=False,
    )


def squeezed(el: Element, qr: Element | None, side: float) -> tuple[float, float] | None:
    """(y, h) in mm of an element moved up and shrunk to make room for a QR of `side` mm grown upwards
    from its box's bottom edge; None when the element stays where it is."""
    if qr is None or qr.grow_from is None or side <= qr.h + 1e-6 or el is qr:
        return None
    if el.y < qr.grow_from - 0.01 or el.y + el.h > qr.y + 0.01:
        return None
    scale = (qr.y + qr.h - side - qr.grow_from) / (qr.y - qr.grow_from)
    return qr.grow_from + (el.y - qr.grow_from) * scale, el.h * scale


def draw_badge(
    canvas: Canvas,
    attendee: Attendee,
    *,
    event: EventInfo,
    categories: dict[str, Any],
    template: Template,
    mono: bool,
    left: float = 0.0,
    top: float | None = None,
    snap: float | None = None,
    qr_text: str | None = None,
    keep: Callable[[Element], bool] | None = None,
    shift: float = 0.0,
) -> None:
    """Draw one badge with its top-left corner at (left, top) points on the current page.

    `qr_text` is what the QR code's `{code}` stands for (a signed code); the printed text keeps the
    plain attendee code. None: the plain code. `keep`: draw only the elements it accepts (the static
    layer of the fast raster). `shift`: points by which elements under the QR move down (a grown QR
    on a roll).
    """
    page_height = top if top is not None else template.height * MM + shift
    top = page_height
    values = badge_fields(attendee, event, categories, template.label_language)
    category = values["_colour"]
    code = attendee.code
    qr = qr_element(template)
    # A whole PDF badge (no pixel grid to snap to, no layer of the raster, which sizes its QR itself)
    # lets a long code grow upwards into the room above it.
    grown_side = 0.0
    if qr is not None and snap is None and keep is None and qr.grow_from is not None:
        grown_side = vector_qr_plan(qr, qr_data(qr, values, qr_text), template).side / MM
    for el in template.elements:
        if keep is not None and not keep(el):
            continue
        dy = shift if is_below(el, qr) else 0.0
        y, h = squeezed(el, qr, grown_side) or (el.y, el.h)
        box = (left + el.x * MM, top - y * MM - dy, el.w * MM, h * MM)
        x, y_top, w, h = box
        if el.kind == "rect":
            fill = resolve_colour(el.fill, el.mono_fill, category, mono)
            if fill is not None:
                canvas.setFillColorRGB(*fill)
                if el.radius:
                    canvas.roundRect(x, y_top - h, w, h, el.radius * MM, stroke=0, fill=1)
                else:
                    canvas.rect(x, y_top - h, w, h, stroke=0, fill=1)
        elif el.kind == "text":
            if (el.when and not values.get(el.when)) or (el.unless and values.get(el.unless)):
                continue
            colour = resolve_colour(el.colour, el.mono_colour, category, mono)
            text = text_for(el, values, code)
            if text and colour is not None:
                draw_text(canvas, el, text, box, colour, code)
        elif el.kind == "qr":
            data = qr_data(el, values, qr_text)
            plan = vector_qr_plan(el, data, template)
            side = min(w, h)
            grown = plan.side if snap is None else max(plan.side, side)
            # Grown upwards (its bottom edge kept), or about the box's centre.
            rise = grown - side if grown_side and grown > side else (grown - side) / 2
            draw_qr(
                canvas,
                data,
                x=x - (grown - side) / 2,
                y_top=y_top + rise,
                size=grown,
                level=plan.level,
                quiet_zone=el.quiet_zone,
                snap=(snap, page_height) if snap else None,
            )
        elif el.kind == "logo":
            _draw_logo(canvas, el, x, y_top - h, w, h, mono)


def _cut_marks(canvas: Canvas, x: float, y_top: float, w: float, h: float) -> None:
    canvas.setStrokeColorRGB(0.5, 0.5, 0.5)
    canvas.setLineWidth(0.3)
    gap = 1 * MM
    for cx, sx in ((x, -1), (x + w, 1)):
        for cy, sy in ((y_top, 1), (y_top - h, -1)):
            canvas.line(cx + sx * gap, cy, cx + sx * (gap + CUT_MARK), cy)
            canvas.line(cx, cy + sy * gap, cx, cy + sy * (gap + CUT_MARK))


def render_pdf(
    attendees: Sequence[Attendee],
    *,
    event: EventInfo,
    categories: dict[str, Any],
    template: Template,
    mono: bool | None = None,
    compress: bool = True,
    snap: float | None = None,
    qr_texts: Mapping[str, str] | None = None,
    keep: Callable[[Element], bool] | None = None,
    shift: float = 0.0,
) -> bytes:
    """A PDF of the badges: one per page, or a grid per page for sheet templates.

    `qr_texts` maps an attendee code to the text its QR code carries (default: the code itself).
    `keep` and `shift` as in draw_badge (single-badge pages only; the page grows by `shift`).
    """
    qr_texts = qr_texts or {}
    mono = template.mode == "mono" if mono is None else mono
    out = io.BytesIO()
    sheet = template.sheet
    page = (
        (sheet.page_width * MM, sheet.page_height * MM)
        if sheet
        else (template.width * MM, template.height * MM + shift)
    )
    canvas = Canvas(out, pagesize=page, pageCompression=1 if compress else 0, invariant=1)
    canvas.setTitle(f"Badges - {event.name}")
    canvas.setCreator("checkin-desk")
    if not attendees:
        canvas.showPage()
    common = {"event": event, "categories": categories, "template": template, "mono": mono}
    if sheet is None:
        for attendee in attendees:
            draw_badge(
                canvas,
                attendee,
                **common,
                snap=snap,
                qr_text=qr_texts.get(attendee.code),
                keep=keep,
                shift=shift,
            )
            canvas.showPage()
    else:
        slots = sheet.origins(template.width, template.height)
        for start in range(0, len(attendees), len(slots)):
            for attendee, (sx, sy) in zip(attendees[start : start + len(slots)], slots, strict=False):
                left, top = sx * MM, page[1] - sy * MM
                if sheet.cut_marks:
                    _cut_marks(canvas, left, top, template.width * MM, template.height * MM)
                draw_badge(
                    canvas, attendee, **common, left=left, top=top, qr_text=qr_texts.get(attendee.code)
                )
            canvas.showPage()
    canvas.save()
    return out.getvalue()
