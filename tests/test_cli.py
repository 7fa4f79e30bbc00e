"""The command line through its real entry point, in a separate process, as a user runs it."""

import json
import os
import signal
import subprocess
import sys

import pytest
from conftest import DATA

from checkin_desk.storage.store import Store


def run(*args, stdin=None, home=None, check=None):
    env = {**os.environ}
    proc = subprocess.run(
        [sys.executable, "-m", "checkin_desk", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=60,
    )
    out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    if check is not None:
        assert proc.returncode == check, (out, err)
    return proc.returncode, out, err


@pytest.fixture
def demo_db(tmp_path):
    db = str(tmp_path / "demo.sqlite")
    run("--db", db, "demo", "--attendees", "300", "--seed", "7", check=0)
    return db


def first_code(db, where):
    store = Store.open(db)
    try:
        return next(store.attendees(where)).code
    finally:
        store.close()


def test_demo_builds_a_three_day_event_from_today_with_every_script(demo_db):
    store = Store.open(demo_db)
    event = store.event()
    assert len(event.days) == 3
    names = "".join(a.full_name for a in store.attendees())
    assert any("\u0600" <= ch <= "\u06ff" for ch in names)  # Arabic
    assert any("\u4e00" <= ch <= "\u9fff" for ch in names)  # Chinese
    assert any(ch in "éèêëïôç" for ch in names)  # French accents
    categories = {a.category for a in store.attendees()}
    assert {
        "visitor",
        "speaker",
        "exhibitor",
        "press",
        "vip",
        "delegation",
        "staff",
        "professional",
    } <= categories
    statuses = {a.status.value for a in store.attendees()}
    assert statuses == {"valid", "cancelled", "blocked"}
    assert any(len(a.days) == 1 for a in store.attendees())


def test_scan_json_contract_and_exit_status(demo_db):
    code = first_code(demo_db, "status = 'valid' AND days = ''")
    rc, out, _ = run("--db", demo_db, "--desk", "porte-1", "scan", code.lower(), "--json")
    data = json.loads(out)
    assert rc == 0
    assert (data["status"], data["admitted"], data["code"], data["first_entry"]) == ("ok", True, code, None)
    assert data["attendee"]["code"] == code and data["desk"] == "porte-1"
    rc, out, _ = run("--db", demo_db, "--desk", "porte-2", "scan", code, "--json")
    data = json.loads(out)
    assert rc == 0 and data["status"] == "already_checked_in"
    assert data["first_entry"]["desk"] == "porte-1"
    rc, out, _ = run("--db", demo_db, "scan", "NO-SUCH-CODE", "--json")
    assert rc == 1 and json.loads(out)["status"] == "unknown" and json.loads(out)["attendee"] is None
    blocked = first_code(demo_db, "status = 'blocked'")
    rc, out, _ = run("--db", demo_db, "scan", blocked)
    assert rc == 1 and "blocked" in out


def test_usage_errors_exit_2_and_missing_db_is_one_line(tmp_path):
    rc, _, err = run("scan")
    assert rc == 2 and "usage" in err
    rc, _, err = run("--db", str(tmp_path / "none.sqlite"), "scan", "X")
    assert rc == 1 and err.count("\n") == 1 and "no event database" in err and "Traceback" not in err


def test_terminal_desk_gives_an_outcome_for_every_line(demo_db):
    code = first_code(demo_db, "status = 'valid' AND days = ''")
    lines = [
        code.encode(),
        b"garbage here",
        b"\xff\xfe\xfd",
        b"x" * 10_000,
        b"'; DROP TABLE scans; --",
        code.encode(),
    ]
    rc, out, err = run("--db", demo_db, "desk", "--json", stdin=b"\n".join(lines) + b"\n")
    assert rc == 1 and "1 badge not printed, still queued" in err, err  # the demo event has no printer
    statuses = [json.loads(line)["status"] for line in out.splitlines()]
    assert statuses == ["ok", "malformed", "malformed", "malformed", "malformed", "already_checked_in"]


def test_search_and_counts(demo_db):
    store = Store.open(demo_db)
    target = next(store.attendees("first_name = 'Benoît'"), None) or next(store.attendees())
    store.close()
    rc, out, _ = run("--db", demo_db, "search", target.first_name.lower().replace("î", "i"), "--json")
    assert rc == 0 and target.code in [a["code"] for a in json.loads(out)]
    code = first_code(demo_db, "status = 'valid' AND days = ''")
    run("--db", demo_db, "--desk", "A", "scan", code, check=0)
    run("--db", demo_db, "--desk", "B", "scan", code, check=0)
    _, out, _ = run("--db", demo_db, "counts", "--by", "desk", "--format", "json")
    data = json.loads(out)
    # By desk, a person counts once, at the desk of their first entry of the day: the rows add up.
    assert [(r["key"], r["unique_attendees"], r["entries"]) for r in data["rows"]] == [
        ("A", 1, 1),
        ("B", 0, 1),
    ]
    assert (data["total"]["unique_attendees"], data["total"]["entries"]) == (1, 2)
    _, out, _ = run("--db", demo_db, "counts", "--by", "category", "--format", "csv")
    assert out.splitlines()[0] == "category,unique_attendees,entries"


def test_import_through_the_cli(tmp_path):
    db = str(tmp_path / "e.sqlite")
    run(
        "--db", db, "event", "create", "--name", "Expo", "--days", "2027-04-18,2027-04-19,2027-04-20", check=0
    )
    rc, out, err = run("--db", db, "import", str(DATA / "broken_list.csv"))
    assert rc == 1 and "row 3: no badge code" in out and "nothing was imported" in err
    rc, out, _ = run("--db", db, "import", str(DATA / "broken_list.csv"), "--skip-invalid")
    assert rc == 0 and "imported: 2 new" in out
    rc, out, _ = run("--db", db, "import", str(DATA / "french_excel.csv"), "--dry-run")
    assert rc == 0 and "nothing written" in out
    rc, out, err = run("--db", db, "import", str(tmp_path / "missing.csv"))
    assert rc == 1 and "no file" in err
    rc, _, err = run("--db", db, "import", str(DATA / "french_excel.csv"), "--map", "nonsense")
    assert rc == 2 and "COLUMN=FIELD" in err


def test_an_acknowledged_checkin_survives_sigkill(demo_db):
    """The desk prints its answer only after the commit; killing it right after loses nothing."""
    code = first_code(demo_db, "status = 'valid' AND days = ''")
    proc = subprocess.Popen(
        [sys.executable, "-m", "checkin_desk", "--db", demo_db, "desk", "--json"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdin.write(code.encode() + b"\n")
    proc.stdin.flush()
    acknowledged = json.loads(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        pipe.close()
    assert acknowledged["admitted"]
    store = Store.open(demo_db)
    rows = store.conn.execute("SELECT uuid, admitted FROM scans").fetchall()
    jobs = store.conn.execute("SELECT scan_uuid FROM print_jobs").fetchall()
    assert rows == [(acknowledged["scan_uuid"], 1)]
    assert jobs == [(acknowledged["scan_uuid"],)]


def test_no_command_opens_the_desk_window(monkeypatch):
    from checkin_desk import cli
    from checkin_desk.cli import gui

    assert cli._default_handler() is gui.run_gui  # PySide6 is installed here
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *a: None)
    from checkin_desk.cli.scanning import run_desk

    assert cli._default_handler() is run_desk


def test_every_option_of_every_command_says_what_it_is_for():
    import argparse

    from checkin_desk.cli import build_parser, command_parsers

    silent = [
        f"{name} {' '.join(action.option_strings) or action.dest}"
        for name, parser in command_parsers(build_parser())
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction) and not action.help
    ]
    assert silent == []
