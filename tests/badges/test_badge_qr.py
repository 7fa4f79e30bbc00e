"""Every badge's QR code, decoded back from what was rendered, is the attendee's code."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from badges.badge_helpers import NAMES, decode_qr, pdf_pages
from checkin_desk.badges import render_badge_pdf, render_badge_raster, render_preview_png
from checkin_desk.domain.models import Attendee

ROLLS = [("thermal-80", 576, 203), ("thermal-80", 512, 180), ("thermal-58", 384, 203), ("a6", 576, 203)]


@pytest.mark.parametrize("template,width,dpi", ROLLS)
@pytest.mark.parametrize("who", sorted(NAMES))
def test_thermal_raster_qr_decodes(who, template, width, dpi, event, categories):
    attendee = NAMES[who]
    image = render_badge_raster(
        attendee, event=event, categories=categories, template=template, width_dots=width, dpi=dpi
    )
    assert image.mode == "1"
    assert image.width == width
    assert decode_qr(image) == [attendee.code]


@pytest.mark.parametrize("template", ["a6", "thermal-80", "thermal-58"])
@pytest.mark.parametrize("who", sorted(NAMES))
def test_pdf_badge_qr_decodes(who, template, event, categories):
    attendee = NAMES[who]
    pdf = render_badge_pdf([attendee], event=event, categories=categories, template=template)
    (page,) = pdf_pages(pdf, dpi=150)
    assert decode_qr(page) == [attendee.code]


def test_a4_sheet_every_badge_decodes(event, categories):
    people = list(NAMES.values()) + [Attendee(f"SCE-SHEET-{i:03d}", "Nadia", f"Test {i}") for i in range(3)]
    pdf = render_badge_pdf(people, event=event, categories=categories, template="a4-sheet")
    pages = pdf_pages(pdf, dpi=200)
    assert len(pages) == 3  # 9 badges, 4 per page
    found = [code for page in pages for code in decode_qr(page)]
    assert sorted(found) == sorted(a.code for a in people)


def test_preview_png_is_colour_and_decodes(event, categories):
    import io

    from PIL import Image

    png = render_preview_png(NAMES["arabic"], event=event, categories=categories, template="a6", dpi=150)
    with Image.open(io.BytesIO(png)) as image:
        image.load()
    assert image.mode == "RGB"
    assert abs(image.width - 105 / 25.4 * 150) <= 1 and abs(image.height - 148 / 25.4 * 150) <= 1
    colours = image.convert("RGB").resize((40, 60)).getcolors(4000)
    assert any(abs(r - g) > 60 or abs(g - b) > 60 for _, (r, g, b) in colours)  # the category band
    assert decode_qr(image) == [NAMES["arabic"].code]


def test_long_codes_still_decode_on_58mm(event, categories):
    attendee = Attendee("SCE26-" + "X" * 40 + "-SIGNATURE-0123456789abcdef", "Ana", "Lima")
    image = render_badge_raster(
        attendee, event=event, categories=categories, template="thermal-58", width_dots=384
    )
    assert decode_qr(image) == [attendee.code]


def test_the_qr_carries_the_qr_text_given_and_the_plain_code_otherwise(event, categories):
    """Signed codes: the print path passes the signed code (signing.qr_text); badges never read the store."""
    person, other = Attendee("W123", "Karim", "Tazi"), Attendee("W124", "Salma", "Berrada")
    raster = render_badge_raster(person, event=event, categories=categories, qr_text="S1:EXAMPLE")
    assert decode_qr(raster) == ["S1:EXAMPLE"]
    png = render_preview_png(person, event=event, categories=categories, qr_text="S1:EXAMPLE")
    assert decode_qr(Image.open(io.BytesIO(png))) == ["S1:EXAMPLE"]
    pdf = render_badge_pdf(
        [person, other], event=event, categories=categories, qr_texts={"W123": "S1:EXAMPLE"}
    )
    assert [decode_qr(page) for page in pdf_pages(pdf)] == [["S1:EXAMPLE"], ["W124"]]
