"""Badges: templates, text in every script, one reportlab renderer for PDF and thermal printers.

The printing engine builds on exactly these four functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PIL import Image

from checkin_desk.badges.fastraster import Raster, render_raster
from checkin_desk.badges.fonts import warm_up
from checkin_desk.badges.pdf import MM, render_pdf
from checkin_desk.badges.raster import page_scale, png_bytes, render_page, to_thermal
from checkin_desk.badges.template import Template, TemplateError, load_template, template_names
from checkin_desk.domain.models import Attendee, EventInfo

__all__ = [
    "Raster",
    "Template",
    "TemplateError",
    "load_template",
    "render_badge",
    "render_badge_pdf",
    "render_badge_raster",
    "render_preview_png",
    "template_names",
    "warm_up",
]


def _template(template: str | Template) -> Template:
    return template if isinstance(template, Template) else load_template(template)


def render_badge_pdf(
    attendees: Sequence[Attendee],
    *,
    event: EventInfo,
    categories: dict[str, Any],
    template: str | Template = "a6",
    qr_texts: Mapping[str, str] | None = None,
) -> bytes:
    """A PDF with one badge per page, or a grid of badges per page for sheet templates (a4-sheet).

    `qr_texts`: attendee code -> what that badge's QR code carries (e.g. `signing.qr_text`); the plain
    code for anyone not in it. The same `qr_text` on the single-badge functions.
    """
    return render_pdf(
        list(attendees), event=event, categories=categories, template=_template(template), qr_texts=qr_texts
    )


def render_badge(
    attendee: Attendee,
    *,
    event: EventInfo,
    categories: dict[str, Any],
    template: str | Template = "thermal-80",
    width_dots: int = 576,
    dpi: int = 203,
    qr_text: str | None = None,
    roll: bool = True,
    qr_boost: int = 0,
) -> Raster:
    """The badge for a label or roll printer, with where its QR code and name are (checked before
    printing). roll: continuous paper, which a long code's grown QR makes longer; qr_boost: dots
    added to each QR module."""
    tpl = _template(template)
    if tpl.sheet is not None:
        raise TemplateError(f"template {tpl.name!r} is a sheet of badges: it cannot go to a roll printer")
    return render_raster(
        attendee,
        event=event,
        categories=categories,
        template=tpl,
        width_dots=width_dots,
        dpi=dpi,
        qr_text=qr_text,
        roll=roll,
        qr_boost=qr_boost,
    )


def render_badge_raster(
    attendee: Attendee,
    *,
    event: EventInfo,
    categories: dict[str, Any],
    template: str | Template = "thermal-80",
    width_dots: int = 576,
    dpi: int = 203,
    qr_text: str | None = None,
    engine: str = "fast",
) -> Image.Image:
    """The badge as a thermal printer prints it: mode "1" (PIL: 0 is black), exactly width_dots wide.

    engine "fast": static layers cached, the person's lines drawn per badge (render_badge);
    "pdf": the whole badge as one reportlab PDF rasterised by pdfium (the reference it agrees with).
    """
    tpl = _template(template)
    if engine == "fast":
        return render_badge(
            attendee,
            event=event,
            categories=categories,
            template=tpl,
            width_dots=width_dots,
            dpi=dpi,
            qr_text=qr_text,
        ).image
    if tpl.sheet is not None:
        raise TemplateError(f"template {tpl.name!r} is a sheet of badges: it cannot go to a roll printer")
    scale = page_scale(tpl.width * MM, width_dots, dpi)
    pdf = render_pdf(
        [attendee],
        event=event,
        categories=categories,
        template=tpl,
        mono=True,
        compress=False,
        snap=1 / scale,
        qr_texts={attendee.code: qr_text} if qr_text else None,
    )
    return to_thermal(render_page(pdf, scale, grey=True), width_dots)


def render_preview_png(
    attendee: Attendee,
    *,
    event: EventInfo,
    categories: dict[str, Any],
    template: str | Template = "a6",
    dpi: int = 150,
    qr_text: str | None = None,
) -> bytes:
    """A PNG preview for the screen, in the template's own mode (colour, or grey for thermal templates)."""
    tpl = _template(template)
    qr_texts = {attendee.code: qr_text} if qr_text else None
    pdf = render_pdf(
        [attendee], event=event, categories=categories, template=tpl, compress=False, qr_texts=qr_texts
    )
    return png_bytes(render_page(pdf, dpi / 72, grey=False))
