"""The fast thermal raster (static layers cached, the person's lines drawn per badge) agrees with the
reference: the whole badge as one reportlab PDF rasterised by pdfium."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops, ImageFilter

from badges.badge_helpers import NAMES, decode_qr
from checkin_desk.badges import render_badge, render_badge_raster


def _stray(a: Image.Image, b: Image.Image) -> int:
    """Ink pixels of `a` more than one dot away from any ink of `b`."""
    near_b = b.convert("L").filter(ImageFilter.MinFilter(3))  # black grown by one dot
    # 0 where `a` inks and `b` has no ink within a dot; 255 elsewhere.
    stray = ImageChops.lighter(a.convert("L"), ImageChops.invert(near_b))
    return stray.histogram()[0]


@pytest.mark.parametrize(
    "template,width,dpi", [("thermal-80", 576, 203), ("thermal-58", 384, 203), ("thermal-80", 512, 180)]
)
@pytest.mark.parametrize("who", sorted(NAMES))
def test_the_fast_raster_draws_what_the_pdf_draws(who, template, width, dpi, event, categories):
    person = NAMES[who]
    fast = render_badge_raster(
        person, event=event, categories=categories, template=template, width_dots=width, dpi=dpi
    )
    reference = render_badge_raster(
        person, event=event, categories=categories, template=template, width_dots=width, dpi=dpi, engine="pdf"
    )
    assert fast.size == reference.size and fast.mode == reference.mode == "1"
    ink = reference.histogram()[0]
    assert ink > 20_000
    # Every dot of ink of one is within one dot of ink of the other (glyph edges land on whole dots).
    assert _stray(fast, reference) <= ink // 100, "ink where the PDF has none"
    assert _stray(reference, fast) <= ink // 100, "ink of the PDF missing"
    assert decode_qr(fast) == decode_qr(reference) == [person.code]


def test_the_raster_says_where_its_qr_code_and_name_are(event, categories):
    raster = render_badge(NAMES["arabic"], event=event, categories=categories)
    left, top, right, bottom = raster.qr_box
    assert decode_qr(raster.image.crop(raster.qr_box)) == [NAMES["arabic"].code]
    assert right - left == bottom - top == raster.qr_plan.side
    (name,) = raster.name_boxes
    assert raster.image.crop(name).histogram()[0] > 500  # the name's ink is in its box


def test_only_what_every_badge_of_a_category_shares_is_cached(event, categories):
    from checkin_desk.badges.fastraster import is_personal
    from checkin_desk.badges.template import parse_template

    tpl = parse_template(
        {
            "name": "fields",
            "width": 72,
            "height": 40,
            "mode": "mono",
            "elements": [
                {"id": "a", "type": "text", "x": 0, "y": 0, "w": 72, "h": 8, "text": "{category_label}"},
                {"id": "b", "type": "text", "x": 0, "y": 8, "w": 72, "h": 8, "text": "{event_name} {venue}"},
                {"id": "c", "type": "text", "x": 0, "y": 16, "w": 72, "h": 8, "text": "{country}"},
                {
                    "id": "d",
                    "type": "text",
                    "x": 0,
                    "y": 24,
                    "w": 72,
                    "h": 8,
                    "text": "x",
                    "fallback": ["{code}"],
                },
                {"id": "e", "type": "rect", "x": 0, "y": 32, "w": 72, "h": 8},
            ],
        },
        "fields",
    )
    assert [is_personal(el) for el in tpl.elements] == [False, False, True, True, False]
