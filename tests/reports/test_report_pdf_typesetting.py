"""The PDF report, typeset: no word broken inside a table cell, every heading on the page of its
table, numbers written as the report's language writes them. Read back from the PDF by pdfium."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime

import pypdfium2 as pdfium
import pytest
from reportdata import add_scan, make_fixed

from checkin_desk.domain.models import Attendee
from checkin_desk.reports import exports, figures
from checkin_desk.reports.tables import sections

AFTER = datetime(2027, 4, 21, 12, 0, tzinfo=UTC)


def pages_text(path) -> list[str]:
    doc = pdfium.PdfDocument(str(path))
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def busy_event(people, desks: int):
    """The fixed data set, plus `desks` more desks with a scan each: the tables grow, the page breaks
    fall in other places."""
    store = make_fixed(people)
    store.upsert_attendees(
        [Attendee(f"XD-{n}", "Visiteur", f"Numéro {n}", category="speaker") for n in range(desks)]
    )
    for n in range(desks):
        add_scan(store, f"XD-{n}", f"2027-04-19T{8 + n % 9:02d}:{n % 60:02d}:00+00:00", desk=f"porte-{n:02d}")
    return store


def words_of(fig) -> set[str]:
    found = set()
    for sec in sections(fig):
        texts = [sec.title, *(c.title for c in sec.columns)]
        texts += [str(v) for row in sec.rows for v in row if isinstance(v, str)]
        for text in texts:
            found.update(w.strip("()[],.:;") for w in text.split())
    return {w for w in found if len(w) >= 4}


@pytest.mark.parametrize("desks", range(0, 40, 3))
def test_no_word_split_and_headings_stay_with_their_tables(people, tmp_path, desks):
    store = busy_event(people, desks)
    fig = figures.compute(store, now=AFTER)
    pages = pages_text(exports.write_report(fig, "pdf", tmp_path / "r.pdf"))
    words = words_of(fig)
    for number, text in enumerate(pages, 1):
        tokens = text.split()
        for a, b in itertools.pairwise(tokens):
            assert not (a + b in words and a not in words), f"page {number}: {a}|{b} split"
    for sec in sections(fig):
        if not sec.rows or not isinstance(sec.rows[0][0], str):
            continue
        first = sec.rows[0][0]
        (where,) = [i for i, text in enumerate(pages) if sec.title in text] or [None]
        assert where is not None, sec.title
        after = pages[where][pages[where].index(sec.title) + len(sec.title) :]
        assert first in after, f"{sec.title!r} on page {where + 1}, its table on the next"


def test_long_category_labels_are_never_broken(people, tmp_path):
    store = make_fixed(people)
    for n, label in enumerate(["INTERVENANT", "DÉLÉGATION", "EXPOSANT·E·S", "JOURNALISTE"]):
        store.upsert_attendees([Attendee(f"CAT-{n}", "A", "B", category=f"cat{n}")])
        with store.transaction() as conn:
            conn.execute("UPDATE categories SET label_fr = ? WHERE key = ?", (label, f"cat{n}"))
    fig = figures.compute(store, now=AFTER)
    tokens = "\n".join(pages_text(exports.write_report(fig, "pdf", tmp_path / "c.pdf"))).split()
    for label in ("INTERVENANT", "DÉLÉGATION", "EXPOSANT·E·S", "JOURNALISTE", "registered", "no-shows"):
        assert label in tokens, label


def test_numbers_follow_the_report_language(people, tmp_path):
    fig = figures.compute(make_fixed(people), now=AFTER)
    french = "\n".join(pages_text(exports.write_report(fig, "pdf", tmp_path / "fr.pdf")))
    english = "\n".join(pages_text(exports.write_report(fig, "pdf", tmp_path / "en.pdf", language="en")))
    rate = fig.totals.show_rate
    assert f"{rate * 100:.1f}".replace(".", ",") + "\u202f%" in french
    assert not re.search(r"\d\.\d\s?%", french)
    assert f"{rate * 100:.1f}%" in english
    assert not re.search(r"\d,\d\s?%", english)


def test_an_unknown_report_language_is_refused(people, tmp_path):
    fig = figures.compute(make_fixed(people), now=AFTER)
    with pytest.raises(ValueError, match="unknown report language 'de'"):
        exports.write_report(fig, "pdf", tmp_path / "x.pdf", language="de")
    assert not (tmp_path / "x.pdf").exists()


LONG_LABELS = (
    "VISITEURS PROFESSIONNELS ACCRÉDITÉS (PASS TROIS JOURS)",
    "DÉLÉGATIONS INSTITUTIONNELLES INTERNATIONALES",
    "وفود المدن الشريكة والمؤسسات الدولية المدعوة إلى المعرض",
    "ANTICONSTITUTIONNELLEMENTINTERNATIONALISATIONS",  # one word wider than the chart's label column
)


def test_long_category_labels_stay_inside_the_page_in_the_chart(people, tmp_path):
    store = make_fixed(people)
    for n, label in enumerate(LONG_LABELS):
        store.upsert_attendees([Attendee(f"LONG-{n}", "A", "B", category=f"long{n}")])
        with store.transaction() as conn:
            conn.execute("UPDATE categories SET label_fr = ? WHERE key = ?", (label, f"long{n}"))
    fig = figures.compute(store, now=AFTER)
    path = exports.write_report(fig, "pdf", tmp_path / "long.pdf")
    doc = pdfium.PdfDocument(str(path))
    try:
        outside = []
        texts = []
        for number in range(len(doc)):
            page = doc[number]
            width, _height = page.get_size()
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            for i in range(textpage.count_chars()):
                left, _bottom, right, _top = textpage.get_charbox(i)
                if right > left and (left < 0 or right > width):
                    outside.append((number + 1, textpage.get_text_range(i, 1), round(left, 1)))
    finally:
        doc.close()
    assert outside == [], outside[:10]
    tokens = "\n".join(texts).split()
    # Each word of the long Latin labels shows twice: in the table and, wrapped, in the chart.
    for word in LONG_LABELS[0].split() + LONG_LABELS[1].split():
        assert tokens.count(word) >= 2, word
