"""The badge commands, through the real entry point, on a real temporary event database."""

from __future__ import annotations

import pypdfium2 as pdfium
from PIL import Image

from badges.badge_helpers import NAMES, decode_qr, pdf_pages, pdf_text
from checkin_desk.cli import main
from checkin_desk.domain.models import Attendee


def test_badge_pdf(store, tmp_path, capsys):
    out = tmp_path / "one.pdf"
    assert main(["--db", store.path, "badge", "SCE-000103", "--out", str(out)]) == 0
    (page,) = pdf_pages(out.read_bytes())
    assert decode_qr(page) == ["SCE-000103"]
    assert "محمد الأمين بن عبد الله" in pdf_text(out.read_bytes())


def test_badge_png_is_the_thermal_raster(store, tmp_path):
    out = tmp_path / "one.png"
    assert (
        main(["--db", store.path, "badge", "SCE-000104", "--out", str(out), "--template", "thermal-58"]) == 0
    )
    with Image.open(out) as image:
        image.load()
    assert image.mode == "1" and image.width == 384
    assert decode_qr(image) == ["SCE-000104"]


def test_badge_png_preview_at_dpi(store, tmp_path):
    out = tmp_path / "preview.png"
    assert (
        main(["--db", store.path, "badge", "SCE-000101", "--out", str(out), "--preview", "--dpi", "100"]) == 0
    )
    with Image.open(out) as image:
        image.load()
    assert image.mode == "RGB" and abs(image.width - 105 / 25.4 * 100) <= 1


def test_unknown_code_is_a_clean_error(store, tmp_path, capsys):
    assert main(["--db", store.path, "badge", "NOPE", "--out", str(tmp_path / "x.pdf")]) == 1
    assert "no attendee" in capsys.readouterr().err


def test_bad_template_is_a_usage_error(store, tmp_path, capsys):
    assert (
        main(
            ["--db", store.path, "badge", "SCE-000101", "--out", str(tmp_path / "x.pdf"), "--template", "zz"]
        )
        == 2
    )
    assert "no badge template" in capsys.readouterr().err


def test_batch_in_stable_order(store, tmp_path):
    store.upsert_attendees(
        [
            Attendee("SCE-S2", "Zoé", "Alaoui", category="speaker"),
            Attendee("SCE-S1", "Ahmed", "Élbaz", category="speaker"),
            Attendee("SCE-S3", "Ahmed", "Alaoui", category="speaker"),
        ]
    )
    out = tmp_path / "speakers.pdf"
    assert (
        main(
            [
                "--db",
                store.path,
                "badges",
                "batch",
                "--category",
                "speaker",
                "--template",
                "a6",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    doc = pdfium.PdfDocument(out.read_bytes())
    assert len(doc) == 4
    codes = [decode_qr(page) for page in pdf_pages(out.read_bytes())]
    # last name folded (Alaoui, Alaoui, Benoît, Élbaz), then first name
    assert codes == [["SCE-S3"], ["SCE-S2"], ["SCE-000101"], ["SCE-S1"]]


def test_batch_everyone_on_a4_sheets(store, tmp_path, capsys):
    out = tmp_path / "all.pdf"
    assert main(["--db", store.path, "badges", "batch", "--out", str(out)]) == 0
    assert f"{len(NAMES)} badges on 2 pages" in capsys.readouterr().out
    found = sorted(code for page in pdf_pages(out.read_bytes(), dpi=200) for code in decode_qr(page))
    assert found == sorted(a.code for a in NAMES.values())


def test_batch_unknown_category(store, tmp_path, capsys):
    assert (
        main(
            ["--db", store.path, "badges", "batch", "--category", "aliens", "--out", str(tmp_path / "a.pdf")]
        )
        == 2
    )
    assert "unknown category" in capsys.readouterr().err
