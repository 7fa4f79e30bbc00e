"""Re-issue a pass (F5) and export the attendee list from the desk window, as a supervisor would."""

from __future__ import annotations

import csv
import errno
import json
import os
import stat
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from checkin_desk.domain.models import Status
from checkin_desk.gui import records
from checkin_desk.trust import keys, signing
from gui.conftest import give_pin


def count(store, sql, *params):
    return store.conn.execute(sql, params).fetchone()[0]


def audit(store, action):
    rows = store.conn.execute(
        "SELECT operator, subject, details FROM audit_log WHERE action = ? ORDER BY id", (action,)
    )
    return [(operator, subject, json.loads(details)) for operator, subject, details in rows]


@pytest.fixture
def event_key(people):
    """The event's key pair, the private half in this (test) machine's config dir."""
    path, public = keys.generate()
    signing.set_public_key(people, public)
    return keys.load_private(path)


def pick(qtbot, window, text: str, code: str) -> None:
    """Find an attendee with the search box, as the agent does before a supervisor action."""
    qtbot.keyClick(window, Qt.Key_F, Qt.ControlModifier)
    window.search.box.setText(text)
    window.search.box.textEdited.emit(text)
    qtbot.waitUntil(lambda: window.controller.current is not None and window.controller.current.code == code)


def changed_tables(store) -> tuple[int, ...]:
    tables = ("print_jobs", "revocations", "issued_codes", "outbox", "scans")
    return tuple(count(store, f"SELECT count(*) FROM {t}") for t in tables)


def test_reissue_with_the_key_refuses_the_old_badge_and_prints_the_new(
    qtbot, window, people, staff, event_key, clock
):
    old = signing.issue(people, people.lookup("SCE-1"), event_key)
    pick(qtbot, window, "Lydec", "SCE-1")
    window.setFocus()
    qtbot.keyClick(window, Qt.Key_F5)
    dialog = window.supervisor.open_dialog
    give_pin(dialog, "Karim", staff["Karim"])
    qtbot.waitUntil(lambda: window.supervisor.open_dialog is not dialog)
    reason = window.supervisor.open_dialog
    assert reason.windowTitle() == "Ré-émettre le badge (perdu ou abîmé)"
    reason.buttons.accepted.emit()
    assert reason.isVisible() and reason.error.text() == "Un motif est requis"
    reason.reason.setText("badge perdu")
    reason.buttons.accepted.emit()
    qtbot.waitUntil(lambda: window.banner.notice is not None)

    assert "L'ancien badge ne fonctionne plus" in window.banner.summary()
    # The new badge's job is made; this desk has no printer, and the banner says so rather than "queued".
    assert "Pas de badge : aucune imprimante sur ce poste" in window.banner.summary()
    assert "l'ancien badge ne fonctionne plus" in window.status.currentMessage()
    new = signing.qr_text(people, "SCE-1")
    assert new.startswith("S1:") and new != old
    ((operator, subject, details),) = audit(people, "reissue_pass")
    assert (operator, subject, details["role"], details["reason"]) == (
        "Karim",
        "SCE-1",
        "supervisor",
        "badge perdu",
    )
    jobs = people.conn.execute(
        "SELECT reprint, allowed_by, state FROM print_jobs WHERE attendee_code = 'SCE-1'"
    ).fetchall()
    assert jobs == [(1, "Karim", "queued")]  # the print worker prints it with signing.qr_text: the new code

    refused = window.desk.scan(old)
    assert refused.status is Status.CANCELLED and not refused.admitted
    assert refused.message == "this badge was replaced by a newer one"
    clock.advance(5)
    admitted = window.desk.scan(new)
    assert admitted.status is Status.OK and admitted.admitted and admitted.code == "SCE-1"

    window.translator.set_language("ar")
    assert "الشارة القديمة لم تعد صالحة" in window.banner.summary()
    window.translator.set_language("fr")


def test_reissue_without_the_key_says_so_and_changes_nothing(qtbot, window, people, staff):
    pick(qtbot, window, "Lydec", "SCE-1")
    before = changed_tables(people)
    window.setFocus()
    qtbot.keyClick(window, Qt.Key_F5)
    box = window.supervisor.open_dialog
    assert isinstance(box, QMessageBox)  # no PIN asked for something this desk cannot do
    assert "la clé privée de l'événement n'y est pas" in box.text()
    assert "checkin-desk keys init" in box.text() and "Rien n'a été modifié" in box.text()
    box.accept()
    qtbot.waitUntil(lambda: window.supervisor.open_dialog is None)
    assert changed_tables(people) == before
    assert audit(people, "reissue_pass") == []
    assert signing.qr_text(people, "SCE-1") == "SCE-1"


def test_an_operator_can_neither_reissue_nor_export(qtbot, window, people, staff, event_key, tmp_path):
    pick(qtbot, window, "Lydec", "SCE-1")
    before = changed_tables(people)
    window.records.reissue()
    dialog = window.supervisor.open_dialog
    give_pin(dialog, "Amina", staff["Amina"])
    assert dialog.isVisible()
    assert dialog.error.text() == "Amina est opérateur : cette action demande un compte superviseur"
    dialog.reject()

    window.actions_by_id["export"].trigger()
    dialog = window.supervisor.open_dialog
    give_pin(dialog, "Amina", staff["Amina"])
    assert dialog.isVisible() and "superviseur" in dialog.error.text()
    dialog.reject()
    qtbot.waitUntil(lambda: window.supervisor.open_dialog is None)

    assert changed_tables(people) == before
    assert audit(people, "reissue_pass") == [] and audit(people, "export_attendees") == []
    assert list(tmp_path.glob("*.csv")) == []


def test_export_writes_a_private_file_on_the_worker_and_says_where(qtbot, window, people, staff, tmp_path):
    assert window.actions_by_id["export"] in window.menus.menus["supervisor"].actions()
    window.actions_by_id["export"].trigger()
    give_pin(window.supervisor.open_dialog, "Karim", staff["Karim"])
    chooser = window.supervisor.open_dialog
    assert isinstance(chooser, QFileDialog)
    assert chooser.testOption(QFileDialog.DontUseNativeDialog)
    out = tmp_path / "inscrits.csv"
    chooser.selectFile(str(out))
    with qtbot.waitSignal(window.records.message, timeout=10_000, check_params_cb=lambda t: "exportés" in t):
        chooser.accept()

    assert out.exists() and stat.S_IMODE(os.stat(out).st_mode) == 0o600
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["code"] for r in rows) == [f"SCE-{n}" for n in range(1, 7)]
    assert window.status.currentMessage() == f"6 inscrits exportés dans {out} (lisible par vous seul)"
    ((operator, subject, details),) = audit(people, "export_attendees")
    assert (operator, subject, details) == ("Karim", "inscrits.csv", {"attendees": 6, "role": "supervisor"})


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_export_to_a_folder_without_write_permission_says_so_plainly(qtbot, window, people, staff, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    window.actions_by_id["export"].trigger()
    give_pin(window.supervisor.open_dialog, "Karim", staff["Karim"])
    chooser = window.supervisor.open_dialog
    chooser.selectFile(str(locked / "x.csv"))
    with qtbot.waitSignal(window.records.message, timeout=10_000, check_params_cb=lambda t: "échoué" in t):
        chooser.accept()
    box = window.supervisor.open_dialog
    assert isinstance(box, QMessageBox)
    assert box.text() == (
        f"L'export a échoué : pas le droit d'écrire dans {locked} — choisissez un autre dossier "
        "(Documents, clé USB). Aucun fichier n'a été écrit à cet endroit."
    )
    box.accept()
    assert not (locked / "x.csv").exists() and audit(people, "export_attendees") == []


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "le disque est plein — libérez de la place"),
        (errno.EACCES, "pas le droit d'écrire dans {folder} — choisissez un autre dossier"),
    ],
)
def test_export_trouble_is_said_plainly_and_the_work_runs_off_the_gui_thread(
    qtbot, window, people, staff, tmp_path, monkeypatch, code, words
):
    threads = []

    def full_disk(*_args, **_kwargs):
        threads.append(threading.current_thread().name)
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(records, "export_attendees", full_disk)
    window.actions_by_id["export"].trigger()
    give_pin(window.supervisor.open_dialog, "Karim", staff["Karim"])
    chooser = window.supervisor.open_dialog
    chooser.selectFile(str(tmp_path / "x.csv"))
    with qtbot.waitSignal(window.records.message, timeout=10_000, check_params_cb=lambda t: "échoué" in t):
        chooser.accept()
    assert threads and threads[0].startswith("checkin-db") and threads[0] != threading.main_thread().name
    box = window.supervisor.open_dialog
    assert box.text().startswith("L'export a échoué : " + words.format(folder=tmp_path))
    box.accept()
    assert not window.records.exporting
