"""A badge through a real CUPS PDF queue (cups-pdf).

CI installs and starts it (.ci/setup-cups); elsewhere the test skips, saying why.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import time
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp

from checkin_desk.printing import PrinterConfig, add_printer, get_job
from checkin_desk.printing.dispatch import Dispatcher

QUEUE = "PDF"


def cups_problem() -> str | None:
    if shutil.which("lp") is None or shutil.which("lpstat") is None:
        return "the lp/lpstat commands are missing (install cups; CI runs .ci/setup-cups)"
    running = subprocess.run(["lpstat", "-r"], capture_output=True, text=True, check=False).stdout
    if "is running" not in running:
        return "cupsd is not running (start it: .ci/setup-cups)"
    if subprocess.run(["lpstat", "-p", QUEUE], capture_output=True, check=False).returncode != 0:
        return f"no CUPS queue {QUEUE!r} (create it: .ci/setup-cups)"
    return None


@pytest.fixture
def cups_queue():
    problem = cups_problem()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CUPS is required under CI: {problem}")
        pytest.skip(problem)
    return QUEUE


def cups_pdf_out_dir() -> Path:
    home = pwd.getpwuid(os.getuid()).pw_dir
    out = "${HOME}/PDF"
    conf = Path("/etc/cups/cups-pdf.conf")
    if conf.exists():
        for line in conf.read_text(errors="replace").splitlines():
            if re.match(r"^Out\s", line):
                out = line.split(None, 1)[1].strip()
    return Path(out.replace("${HOME}", home))


def wait_for_file(folder: Path, pattern: str, timeout: float) -> Path | None:
    # cups-pdf writes from another process: poll its folder, with a deadline.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sorted(folder.glob(pattern)) if folder.exists() else []
        if found and found[0].stat().st_size > 0:
            size = found[0].stat().st_size
            time.sleep(0.2)  # settle: the file is complete when it stops growing
            if found[0].stat().st_size == size:
                return found[0]
        time.sleep(0.1)
    return None


def test_badge_through_a_cups_pdf_queue(cups_queue, store):
    add_printer(
        store, PrinterConfig("office", "cups", cups_queue, options={"lp_options": ["media=Custom.105x148mm"]})
    )
    out_dir = cups_pdf_out_dir()
    marker = f"cupstest{os.getpid()}{int(time.time())}"
    job_id = None
    with store.transaction() as conn:
        job_id = store.insert_print_job(
            conn, {"uuid": marker, "attendee_code": "SCE-1", "desk": "desk-1", "printer": "office"}
        )
    job = Dispatcher(store, "desk-1").attempt(get_job(store, job_id))
    assert job.state == "printed", job.last_error
    pdf_path = wait_for_file(out_dir, f"*badge-{job_id:06d}-SCE-1*.pdf", timeout=30)
    assert pdf_path is not None, (
        f"no PDF from cups-pdf in {out_dir}: {sorted(p.name for p in out_dir.glob('*'))}"
    )
    try:
        pdf = pypdfium2.PdfDocument(str(pdf_path))
        assert len(pdf) == 1
        width_pt, height_pt = pdf[0].get_size()
        assert abs(width_pt - 297.6) < 2 and abs(height_pt - 419.5) < 2  # A6, as asked with media=
        page = pdf[0].render(scale=200 / 72).to_pil().convert("L")
        assert "SCE-1" in [r.text for r in zxingcpp.read_barcodes(page)]
        pdf.close()
    finally:
        pdf_path.unlink(missing_ok=True)
