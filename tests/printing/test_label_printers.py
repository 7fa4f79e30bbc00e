"""Zebra (ZPL II) and Brother QL label printers: the bytes sent are decoded by code that is not the
printing code's (brother_ql's own raster reader; a ^GFA reader written here from the ZPL II
Programming Guide), and the QR codes are read back from those images by zxing-cpp and zbar."""

from __future__ import annotations

import contextlib
import io
import re

import pytest
import qr_decoders
from PIL import Image

from checkin_desk.printing import Dispatcher, PrinterConfig, PrintWorker, add_printer, get_job
from checkin_desk.printing.emulator import PrinterEmulator
from printing.printing_helpers import JobWatcher, decode_qr

# -- a ^GFA reader, from the ZPL II Programming Guide ("^GF Graphic Field", "ASCII hexadecimal
#    compression"): G..Y repeat the next hex digit 1..19 times, g..z 20..400 times (added up), ","
#    fills the rest of the row with 0, "!" with 1 (F), ":" repeats the previous row.


def _repeat(letter: str) -> int:
    if "G" <= letter <= "Y":
        return ord(letter) - ord("G") + 1
    return (ord(letter) - ord("g") + 1) * 20


def read_gfa(zpl: str) -> list[Image.Image]:
    images = []
    for match in re.finditer(r"\^GFA,(\d+),(\d+),(\d+),([^^]*)", zpl):
        total, per_row, body = int(match[2]), int(match[3]), re.sub(r"\s", "", match[4])
        digits_per_row = per_row * 2
        rows: list[str] = []
        current = ""
        repeat = 0
        for ch in body:
            if ch.isalpha() and ch not in "ABCDEFabcdef" and (("G" <= ch <= "Y") or ("g" <= ch <= "z")):
                repeat += _repeat(ch)
                continue
            if ch == ",":
                current += "0" * (digits_per_row - len(current))
            elif ch == "!":
                current += "F" * (digits_per_row - len(current))
            elif ch == ":":
                current = rows[-1]
            else:
                current += ch.upper() * max(repeat, 1)
            repeat = 0
            while len(current) >= digits_per_row:
                rows.append(current[:digits_per_row])
                current = current[digits_per_row:]
        data = bytes.fromhex("".join(rows))[:total]
        height = len(data) // per_row
        image = Image.new("1", (per_row * 8, height), 1)
        pixels = image.load()
        for y in range(height):
            for x in range(per_row * 8):
                if data[y * per_row + x // 8] & (0x80 >> (x % 8)):  # 1 = a black dot
                    pixels[x, y] = 0
        images.append(image)
    return images


def read_brother(data: bytes, tmp_path) -> list[Image.Image]:
    from brother_ql.reader import BrotherQLReader

    reader = BrotherQLReader(io.BytesIO(data))
    reader.filename_fmt = str(tmp_path / "label{counter:04d}.png")
    with contextlib.redirect_stdout(io.StringIO()):  # it prints "Page saved as ..."
        reader.analyse()
    out = []
    for path in sorted(tmp_path.glob("label*.png")):
        with Image.open(path) as img:
            out.append(img.convert("L"))
    return out


def both_decoders(image: Image.Image) -> tuple[list[str], list[str]]:
    return qr_decoders.both(image)


@pytest.mark.parametrize("profile", ["zebra-203-4x6", "zebra-300-4x6", "zebra-203-80mm"])
def test_zpl_label_on_a_device_file_decodes(store, desk, clock, tmp_path, profile):
    device = tmp_path / "lp0"
    device.touch()
    add_printer(store, PrinterConfig("zebra", "zpl-file", str(device), profile))
    job = desk.scan("SCE-2").print_job_id  # an Arabic name
    done = Dispatcher(store, "desk-1", clock=clock).attempt(get_job(store, job))
    assert done.state == "printed", done.last_error
    zpl = device.read_text("ascii")
    assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ")
    assert re.search(r"\^PW(\d+)", zpl)[1] == {"zebra-203-4x6": "800", "zebra-300-4x6": "1200"}.get(
        profile, "576"
    )
    assert ("^MNY" in zpl) == (profile != "zebra-203-80mm")  # die-cut labels: gap sensing
    (image,) = read_gfa(zpl)
    assert both_decoders(image) == (["SCE-2"], ["SCE-2"])
    assert len(zpl) < image.width * image.height / 8 * 2 / 4  # compressed well under plain hex


@pytest.mark.parametrize("profile", ["QL-820NWB/62", "QL-820NWB/62x100", "QL-800/62", "QL-1100/102x152"])
def test_brother_ql_raster_decodes_with_brother_ql_own_reader(store, desk, clock, tmp_path, profile):
    device = tmp_path / "lp0"
    device.touch()
    add_printer(store, PrinterConfig("brother", "brother-ql-file", str(device), profile))
    job = desk.scan("SCE-3").print_job_id  # a Chinese name
    done = Dispatcher(store, "desk-1", clock=clock).attempt(get_job(store, job))
    assert done.state == "printed", done.last_error
    (page,) = read_brother(device.read_bytes(), tmp_path)
    assert both_decoders(page) == (["SCE-3"], ["SCE-3"])


def test_zpl_network_printer_prints_asks_hs_and_fails_over_when_out_of_labels(
    store, desk, clock, tmp_path, fast_settings
):
    watcher = JobWatcher()
    with (
        PrinterEmulator(tmp_path / "left", protocol="zpl") as left,
        PrinterEmulator(tmp_path / "right", protocol="zpl") as right,
    ):
        add_printer(store, PrinterConfig("left", "zpl-network", left.address, "zebra-203-4x6", pool_order=1))
        add_printer(
            store, PrinterConfig("right", "zpl-network", right.address, "zebra-203-4x6", pool_order=2)
        )
        worker = PrintWorker(store.path, "desk-1", on_change=watcher, clock=clock, settings=fast_settings)
        worker.start()
        try:
            first = desk.scan("SCE-1").print_job_id
            worker.wake()
            assert watcher.wait_state(first, "printed").printer == "left"
            left.set_mode("paper-out")
            second = desk.scan("SCE-2").print_job_id
            worker.wake()
            moved = watcher.wait_state(second, "printed")
        finally:
            assert worker.stop()
        assert moved.printer == "right" and moved.attempts == 2
        assert left.wait_for_badges(1) and right.wait_for_badges(1)
        assert left.status_queries >= 3  # before and after the first, before the second
        assert decode_qr(left.badges[0].path) == ["SCE-1"]
        assert decode_qr(right.badges[0].path) == ["SCE-2"]
        assert left.discarded == 0  # asked first, sent nothing


def test_brother_ql_network_printer_prints_without_status(store, desk, clock, tmp_path):
    with PrinterEmulator(tmp_path / "ql", protocol="brother-ql") as emu:
        add_printer(store, PrinterConfig("ql", "brother-ql-network", emu.address, "QL-820NWB/62"))
        job = desk.scan("SCE-2").print_job_id
        done = Dispatcher(store, "desk-1", clock=clock).attempt(get_job(store, job))
        assert done.state == "printed", done.last_error
        assert emu.wait_for_badges(1)
        assert emu.status_queries == 0
        assert decode_qr(emu.badges[0].path) == ["SCE-2"]
        assert emu.badges[0].size == (720, emu.badges[0].size[1])  # QL-8xx: 90 bytes a line


def test_a_stalled_brother_ql_never_gets_a_job_marked_printed(store, desk, clock, tmp_path, fast_settings):
    with PrinterEmulator(tmp_path / "ql", protocol="brother-ql", mode="stall") as emu:
        add_printer(store, PrinterConfig("ql", "brother-ql-network", emu.address, "QL-800/62"))
        job = desk.scan("SCE-1").print_job_id
        dispatcher = Dispatcher(store, "desk-1", clock=clock, settings=fast_settings)
        done = dispatcher.attempt(get_job(store, job))
    assert done.state == "queued" and "the badge is not marked printed" in done.last_error


def test_brother_ql_profiles_come_from_brother_ql_tables(cli_run):
    code, out, _ = cli_run("printers", "profiles")
    assert code == 0
    lines = {line.split()[0]: line.split() for line in out.splitlines()[1:] if line and line[0] != "B"}
    assert lines["QL-820NWB/62x100"][1:5] == ["brother-ql", "696", "300", "59"]
    assert lines["zebra-300-4x6"][1:4] == ["zpl", "1200", "300"]
    assert lines["TM-T20II"][1:4] == ["escpos", "576", "203"]


def test_add_label_printers_from_the_command_line(cli_run):
    assert cli_run("printers", "add", "z", "--zpl-network", "192.0.2.7", "--profile", "zebra-300-4x6")[0] == 0
    assert (
        cli_run(
            "printers",
            "add",
            "b",
            "--brother-ql-network",
            "192.0.2.8:9100",
            "--model",
            "QL-1100",
            "--label",
            "102x152",
        )[0]
        == 0
    )
    code, out, _ = cli_run("printers", "list")
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:]}
    assert rows["z"][1:4] == ["zpl-network", "192.0.2.7:9100", "zebra-300-4x6"]
    assert rows["b"][1:4] == ["brother-ql-network", "192.0.2.8:9100", "QL-1100/102x152"]
    code, _, err = cli_run(
        "printers", "add", "c", "--brother-ql-network", "h", "--model", "QL-800", "--label", "102"
    )
    assert code == 2 and "label 102 does not fit a QL-800" in err
    code, _, err = cli_run("printers", "add", "d", "--zpl-network", "h", "--profile", "TM-T20II")
    assert code == 2 and "profile TM-T20II is for escpos printers, not zpl" in err


@pytest.fixture
def cli_run(db_path, capsys):
    from checkin_desk.cli import main

    def run(*argv):
        code = main(["--db", str(db_path), "--desk", "desk-1", *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_without_the_optional_brother_support_the_desk_says_how_to_add_it(tmp_path):
    """brother_ql is an optional extra (GPL-3.0): without it ESC/POS and ZPL work, and Brother QL says why not."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    script = (
        "import sys; sys.modules['brother_ql'] = None\n"  # as if the extra were not installed
        "from checkin_desk.cli import main\n"
        "db = sys.argv[1]\n"
        "assert main(['--db', db, 'event', 'create', '--name', 'E', '--days', '2027-04-18']) == 0\n"
        "assert main(['--db', db, 'printers', 'add', 'z', '--zpl-network', '192.0.2.7']) == 0\n"
        "sys.exit(main(['--db', db, 'printers', 'add', 'b', '--brother-ql-network', '192.0.2.8']))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(root), "CHECKIN_DESK_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "e.sqlite")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode in (1, 2), proc.stderr
    assert "pip install 'checkin-desk[brother]'" in proc.stderr and "Traceback" not in proc.stderr


def test_add_refuses_a_host_that_is_no_host_and_warns_of_a_missing_cups_queue(cli_run, monkeypatch):
    code, _, err = cli_run("printers", "add", "z", "--zpl-network", "127.0.0.1;rm -rf /")
    assert code == 2 and "'127.0.0.1;rm -rf /' is not a host name or an IP address" in err
    code, _, err = cli_run("printers", "add", "q", "--zpl-cups", "Zebra raw")
    assert code == 2 and "'Zebra raw' cannot be a CUPS queue name" in err
    code, out, _ = cli_run("printers", "list")
    assert " z " not in f" {out} " and " q " not in f" {out} "  # nothing was added
    # A well-formed name of a queue this machine does not have: added, with a warning that says so.
    monkeypatch.setenv("PATH", "")  # no lpstat: the check says it could not look
    code, out, err = cli_run("printers", "add", "n", "--zpl-cups", "NoSuchQueue")
    assert code == 0 and "printer n:" in out
    assert "warning: printer n: the `lpstat` command is missing" in err


def test_a_cups_queue_that_does_not_exist_is_named_at_add_time(cli_run):
    import shutil

    if shutil.which("lpstat") is None:
        pytest.skip("needs CUPS's lpstat")
    code, _, err = cli_run("printers", "add", "n", "--zpl-cups", "NoSuchQueue-16b")
    assert code == 0
    assert "warning: printer n: CUPS has no queue named 'NoSuchQueue-16b' on this machine" in err
