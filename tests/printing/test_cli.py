"""`checkin-desk printers ...` and `checkin-desk print`: what staff type, and the one-line errors they get."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from checkin_desk.cli import main
from checkin_desk.printing import jobs
from checkin_desk.printing.raster import parse_job
from printing.printing_helpers import decode_qr

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(db_path, capsys):
    def run(*argv):
        code = main(["--db", str(db_path), "--desk", "desk-1", *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_add_list_remove(cli):
    assert cli("printers", "add", "front", "--escpos-network", "192.0.2.10", "--profile", "tm-t88v")[0] == 0
    assert cli("printers", "add", "proofs", "--pdf-folder", "/tmp/proofs", "--pool-order", "5")[0] == 0
    code, out, _ = cli("printers", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "KIND", "TARGET", "PROFILE", "POOL", "STATE", "DESKS"]
    assert lines[1].split() == [
        "front",
        "escpos-network",
        "192.0.2.10:9100",
        "TM-T88V",
        "0",
        "enabled",
        "all",
    ]
    assert lines[2].split() == ["proofs", "pdf-folder", "/tmp/proofs", "-", "5", "enabled", "all"]
    code, _, err = cli("printers", "add", "front", "--escpos-network", "192.0.2.11")
    assert code == 2 and "already exists" in err
    assert cli("printers", "remove", "front")[0] == 0
    code, _, err = cli("printers", "remove", "front")
    assert code == 1 and err.strip() == (
        "checkin-desk: no printer named 'front' "
        "(known printers: proofs; add one with `checkin-desk printers add`)"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--escpos-network", "h", "--profile", "TM-U220"], "unknown printer profile 'TM-U220' (known: "),
        (["--escpos-network", "host:99999"], "port 99999 is out of range"),
        (["--escpos-usb", "epson"], "bad USB id 'epson' (expected VID:PID in hex"),
        (
            ["--pdf-folder", "/tmp/x", "--profile", "TM-T20II"],
            "a profile only applies to label and thermal printers",
        ),
    ],
)
def test_bad_printer_settings_are_one_line_errors(cli, argv, message):
    code, out, err = cli("printers", "add", "p1", *argv)
    assert code == 2 and out == ""
    assert err.startswith("checkin-desk: ") and message in err and err.count("\n") == 1


def test_print_on_the_emulator_and_a_reprint_needs_a_reason(cli, emulator, store):
    cli("printers", "add", "thermal", "--escpos-network", emulator.address, "--profile", "TM-T20II")
    code, out, _ = cli("print", "sce-4")
    assert code == 0 and out.strip() == "badge of SCE-4 printed on thermal (job #1)"
    assert decode_qr(emulator.badges[0].path) == ["SCE-4"]
    code, _, err = cli("print", "SCE-4")
    assert code == 2 and "a reprint needs --reason" in err
    code, out, _ = cli("--operator", "nadia", "print", "SCE-4", "--reason", "badge torn")
    assert code == 0
    reprint = jobs(store, 1)[0]
    assert (reprint.reprint, reprint.reason, reprint.allowed_by, reprint.state) == (
        True,
        "badge torn",
        "nadia",
        "printed",
    )
    assert len(emulator.badges) == 2


def test_print_when_the_printer_is_unreachable_keeps_the_job(cli, emulator, store):
    cli("printers", "add", "thermal", "--escpos-network", emulator.address)
    emulator.set_mode("refuse")
    assert emulator.wait_for(lambda e: e._listener is None, 5)
    code, _, err = cli("print", "SCE-1")
    assert code == 1
    assert err.startswith(f"checkin-desk: printer thermal: cannot connect to {emulator.address} (")
    assert err.rstrip().endswith("job #1 stays queued for the desk's print worker")
    (job,) = jobs(store, 5)
    assert job.state == "queued" and job.printer == "thermal"


def test_unknown_printer_and_unknown_attendee(cli, store):
    code, _, err = cli("print", "SCE-1", "--printer", "nope")
    assert code == 1 and "no printer named 'nope' (no printer is configured yet" in err
    code, _, err = cli("print", "NOBODY-1")
    assert code == 1 and err.strip() == "checkin-desk: no attendee with code NOBODY-1"
    assert jobs(store, 5) == []


def test_usb_printer_that_is_not_there(cli, store):
    cli("printers", "add", "usb1", "--escpos-usb", "04b8:0e15")
    code, _, err = cli("print", "SCE-2")
    assert code == 1
    assert err.startswith("checkin-desk: printer usb1: cannot open USB device 04b8:0e15 (")
    # pyusb comes with brother_ql; without libusb or the device, the message says what to check.
    assert "check the cable" in err or "pyusb (pip install pyusb) and libusb not installed" in err
    assert jobs(store, 1)[0].state == "queued"


def test_a_profile_that_went_unknown(cli, store):
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO printers (name, kind, target, profile) VALUES ('old', 'escpos-file', '/dev/null',"
            " 'TM-OLD')"
        )
    code, _, err = cli("print", "SCE-2")
    assert code == 1
    assert "printer old: unknown printer profile 'TM-OLD'" in err and "stays queued" in err


def test_device_file_printer_gets_the_raster(cli, tmp_path):
    device = tmp_path / "lp0"
    device.touch()
    cli("printers", "add", "lp0", "--escpos-file", str(device), "--profile", "generic-58-nocut")
    assert cli("print", "SCE-3")[0] == 0
    (job,) = parse_job(device.read_bytes())
    assert not job.cut and job.image().width == 384
    png = tmp_path / "lp0.png"
    job.image().save(png)
    assert decode_qr(png) == ["SCE-3"]


def test_pdf_folder_and_test_badge(cli, tmp_path):
    folder = tmp_path / "proofs"
    cli("printers", "add", "proofs", "--pdf-folder", str(folder))
    code, out, _ = cli("printers", "test", "proofs")
    assert code == 0 and "test badge printed (saved " in out
    assert cli("print", "SCE-1")[0] == 0
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["badge-000001-SCE-1.pdf", "test-proofs.pdf"]
    assert (folder / files[0]).read_bytes().startswith(b"%PDF")


def test_jobs_listing(cli, emulator):
    cli("printers", "add", "thermal", "--escpos-network", emulator.address)
    cli("print", "SCE-1")
    code, out, _ = cli("printers", "jobs")
    assert code == 0
    assert out.splitlines() == [
        "0 queued, 0 sending, 1 printed, 0 failed",
        "#1 printed  SCE-1 on thermal (1 attempts)",
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_emulate_command_prints_what_it_receives(cli, tmp_path):
    port = free_port()
    out_dir = tmp_path / "emu"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "checkin_desk",
            "printers",
            "emulate",
            "--port",
            str(port),
            "--out",
            str(out_dir),
            "--exit-after",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    try:
        first = proc.stdout.readline()
        assert first.startswith(f"printer emulator on 127.0.0.1:{port} (normal, escpos)")
        cli("printers", "add", "emu", "--escpos-network", f"127.0.0.1:{port}")
        assert cli("print", "SCE-6")[0] == 0
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert out.strip() == f"badge 1: 576x{out.split('x')[1].split()[0]} dots -> {out_dir / 'badge-0001.png'}"
    assert decode_qr(out_dir / "badge-0001.png") == ["SCE-6"]
