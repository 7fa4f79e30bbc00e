"""Every badge is checked before it leaves: its QR code read back from the exact raster being sent,
and its name line inked. A failure is rendered once more with larger QR modules, then the job fails
with a reason staff can read; nothing reaches the printer."""

from __future__ import annotations

import json

from PIL import ImageDraw

from checkin_desk.badges.assets import TEMPLATE_DIR
from checkin_desk.domain.models import Attendee
from checkin_desk.printing import Dispatcher, PrinterConfig, add_printer, get_job
from checkin_desk.printing.render import BadgeRenderer
from printing.printing_helpers import decode_qr


def _template_file(tmp_path, name: str, change) -> str:
    raw = json.loads((TEMPLATE_DIR / "thermal-80.json").read_text(encoding="utf-8"))
    change(raw)
    raw["name"] = name
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return str(path)


def _print(store, clock, job_id, renderer=None):
    return Dispatcher(store, "desk-1", clock=clock, renderer=renderer).attempt(get_job(store, job_id))


def test_a_qr_code_the_template_covers_fails_the_job_with_its_reason(store, desk, emulator, clock, tmp_path):
    def cover(raw):  # a band drawn after the QR, across it: a template mistake
        qr = next(el for el in raw["elements"] if el["type"] == "qr")
        raw["elements"].append(
            {"id": "oops", "type": "rect", "x": 0, "y": qr["y"] + 8, "w": 72, "h": 12, "fill": "black"}
        )

    template = _template_file(tmp_path, "covered", cover)
    add_printer(store, PrinterConfig("thermal", "escpos-network", emulator.address, "TM-T20II", template))
    job = _print(store, clock, desk.scan("SCE-1").print_job_id)
    assert job.state == "failed"
    assert job.last_error.startswith(
        "badge of SCE-1 not printed: the QR code on the badge does not scan as 'SCE-1'"
    )
    assert "also when drawn again with larger QR modules" in job.last_error
    assert emulator.connections == 0 and emulator.badges == []  # nothing was sent


def test_an_empty_name_line_fails_the_job(store, desk, emulator, clock, tmp_path):
    def no_fallback(raw):
        next(el for el in raw["elements"] if el["id"] == "name").pop("fallback")

    template = _template_file(tmp_path, "nofallback", no_fallback)
    store.upsert_attendees([Attendee("SCE-EMOJI", "🎉🎉", "🎈", "Lydec")])  # no font draws these
    add_printer(store, PrinterConfig("thermal", "escpos-network", emulator.address, "TM-T20II", template))
    job = _print(store, clock, desk.scan("SCE-EMOJI").print_job_id)
    assert job.state == "failed"
    assert "the name line on the badge came out empty" in job.last_error
    assert emulator.connections == 0


class FlakyRenderer(BadgeRenderer):
    """The real renderer, with the first raster's QR code damaged (a smudge over a third of it)."""

    def __init__(self, failures: int):
        self.failures = failures
        self.boosts: list[int] = []

    def badge(self, attendee, **kw):
        raster = super().badge(attendee, **kw)
        self.boosts.append(kw["qr_boost"])
        if len(self.boosts) <= self.failures:
            left, top, right, bottom = raster.qr_box
            ImageDraw.Draw(raster.image).rectangle((left, top, right, top + (bottom - top) // 2), fill=1)
        return raster


def test_a_badge_that_does_not_scan_is_rendered_again_with_larger_modules(store, desk, emulator, clock):
    add_printer(store, PrinterConfig("thermal", "escpos-network", emulator.address, "TM-T20II"))
    renderer = FlakyRenderer(failures=1)
    job = _print(store, clock, desk.scan("SCE-2").print_job_id, renderer)
    assert job.state == "printed", job.last_error
    assert renderer.boosts == [0, 2]
    assert emulator.wait_for_badges(1)
    assert decode_qr(emulator.badges[0].path) == ["SCE-2"]


def test_two_bad_renderings_fail_the_job_and_send_nothing(store, desk, emulator, clock):
    add_printer(store, PrinterConfig("thermal", "zpl-network", emulator.address, "zebra-203-80mm"))
    renderer = FlakyRenderer(failures=2)
    job = _print(store, clock, desk.scan("SCE-2").print_job_id, renderer)
    assert job.state == "failed" and renderer.boosts == [0, 2]
    assert "does not scan as 'SCE-2' (no decoder could read it)" in job.last_error
    assert emulator.connections == 0


def test_a_pdf_printer_gets_only_a_badge_that_scans(store, desk, clock, tmp_path):
    folder = tmp_path / "pdf"
    add_printer(store, PrinterConfig("proofs", "pdf-folder", str(folder)))
    job = _print(store, clock, desk.scan("SCE-1").print_job_id)
    assert job.state == "printed"
    (path,) = folder.iterdir()
    assert path.read_bytes().startswith(b"%PDF")


def test_a_template_without_a_qr_code_prints_once_its_name_is_there(store, desk, emulator, clock, tmp_path):
    def no_qr(raw):
        raw["elements"] = [el for el in raw["elements"] if el["type"] != "qr"]

    template = _template_file(tmp_path, "noqr", no_qr)
    add_printer(store, PrinterConfig("thermal", "escpos-network", emulator.address, "TM-T20II", template))
    job = _print(store, clock, desk.scan("SCE-1").print_job_id)
    assert job.state == "printed", job.last_error
    assert emulator.wait_for_badges(1) and decode_qr(emulator.badges[0].path) == []
