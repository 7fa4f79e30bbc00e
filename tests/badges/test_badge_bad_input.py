"""Bad names never stop the desk: the badge renders, legibly, and the log names the attendee."""

from __future__ import annotations

import logging

import pytest

from badges.badge_helpers import EVENT, decode_qr, pdf_text
from checkin_desk.badges import render_badge_pdf, render_badge_raster
from checkin_desk.badges.fonts import covered
from checkin_desk.domain.models import Attendee

UNCOVERED = "𐌰𐌱𐌲 𒀀𒀁"  # Gothic and cuneiform: no shipped font has them


def _render_all(attendee, categories):
    image = render_badge_raster(attendee, event=EVENT, categories=categories, template="thermal-80")
    pdf = render_badge_pdf([attendee], event=EVENT, categories=categories, template="a6")
    return image, pdf


def test_empty_name_shows_the_company(categories):
    image, pdf = _render_all(Attendee("SCE-EMPTY", "", "", company="Maroc Telecom"), categories)
    assert decode_qr(image) == ["SCE-EMPTY"]
    assert pdf_text(pdf).count("Maroc Telecom") == 2  # in the name's place and as the company


def test_empty_name_and_company_shows_the_code(categories):
    image, pdf = _render_all(Attendee("SCE-NOBODY"), categories)
    assert decode_qr(image) == ["SCE-NOBODY"]
    assert "SCE-NOBODY" in pdf_text(pdf)


def test_emoji_only_name_renders_with_a_warning(caplog, categories):
    caplog.set_level(logging.WARNING)
    image, pdf = _render_all(Attendee("SCE-EMOJI", "😀🎉", "👍🏽", company="ONCF"), categories)
    assert decode_qr(image) == ["SCE-EMOJI"]
    assert "😀" not in pdf_text(pdf) and "ONCF" in pdf_text(pdf)
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("SCE-EMOJI" in m and "U+1F600" in m for m in messages)


@pytest.mark.parametrize("template", ["thermal-80", "thermal-58", "a6", "a4-sheet"])
def test_uncovered_script_is_dropped_not_boxed(template, caplog, categories):
    assert not any(covered(ch) for ch in UNCOVERED.replace(" ", ""))
    caplog.set_level(logging.WARNING)
    attendee = Attendee("SCE-GOTH", UNCOVERED, "Ulfilas", company=f"{UNCOVERED} Ltd")
    pdf = render_badge_pdf([attendee], event=EVENT, categories=categories, template=template)
    text = pdf_text(pdf)
    assert "Ulfilas" in text and "Ltd" in text
    assert not set(UNCOVERED.replace(" ", "")) & set(text)
    assert any("SCE-GOTH" in r.getMessage() for r in caplog.records)


def test_unknown_category_gets_a_label_and_colour(categories):
    attendee = Attendee("SCE-CAT", "Sara", "Bennani", category="jury")
    pdf = render_badge_pdf([attendee], event=EVENT, categories=categories, template="a6")
    assert "JURY" in pdf_text(pdf)


def test_no_categories_at_all_still_renders():
    image = render_badge_raster(
        Attendee("SCE-NOCAT", "Ali"), event=EVENT, categories={}, template="thermal-58", width_dots=384
    )
    assert decode_qr(image) == ["SCE-NOCAT"]


def test_category_labels_follow_the_template_language(categories):
    speaker = Attendee("SCE-SPK", "Lina", "Haddad", category="speaker")
    assert "INTERVENANT" in pdf_text(
        render_badge_pdf([speaker], event=EVENT, categories=categories, template="a6")
    )
    sheet = pdf_text(render_badge_pdf([speaker], event=EVENT, categories=categories, template="a4-sheet"))
    assert "INTERVENANT · SPEAKER" in sheet
