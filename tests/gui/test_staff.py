"""Staff names, roles and PINs at the desk window: one authority, checkin_desk.trust.roles."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from checkin_desk.gui.app import build
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import Store
from checkin_desk.sync import credentials
from checkin_desk.trust import roles
from gui.conftest import give_pin, scan


def audit(store, action):
    rows = store.conn.execute(
        "SELECT operator, subject, details FROM audit_log WHERE action = ? ORDER BY id", (action,)
    )
    return [(operator, subject, json.loads(details)) for operator, subject, details in rows]


def open_window(qtbot, desk):
    window, _translator = build(desk, language="fr", start_workers=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_three_wrong_pins_lock_the_reprint_out_even_after_a_restart(qtbot, window, people, staff, clock):
    scan(qtbot, window, "SCE-1")
    qtbot.keyClick(window, Qt.Key_F6)
    dialog = window.supervisor.open_dialog
    for _ in range(2):
        give_pin(dialog, "Karim", "999999")
        assert dialog.error.text() == "Nom ou code PIN incorrect"
    give_pin(dialog, "Karim", "999999")
    assert dialog.error.text() == "Trop de codes PIN erronés pour Karim : réessayez dans 30 s"
    clock.advance(10)
    give_pin(dialog, "Karim", staff["Karim"])  # the right PIN is not even checked while locked out
    assert dialog.isVisible() and dialog.error.text().endswith("réessayez dans 20 s")
    dialog.reject()
    assert [d["locked_seconds"] for _o, _s, d in audit(people, "pin_refused")] == [0, 0, 30]

    # Close the window, open the same event file again (a new Store): still locked out.
    path = people.path
    window.close()
    window.runner.shutdown(wait=True)
    store = Store.open(path)
    desk = Desk(store, "desk-1", "amina", clock=clock, monotonic=clock.monotonic)
    again = open_window(qtbot, desk)
    try:
        scan(qtbot, again, "SCE-1")
        again.supervisor.reprint()
        dialog = again.supervisor.open_dialog
        give_pin(dialog, "Karim", staff["Karim"])
        assert dialog.error.text() == "Trop de codes PIN erronés pour Karim : réessayez dans 20 s"
        again.translator.set_language("en")
        give_pin(dialog, "Karim", staff["Karim"])
        assert dialog.error.text() == "Too many wrong PINs for Karim: try again in 20 s"
        clock.advance(21)
        give_pin(dialog, "Karim", staff["Karim"])
        assert again.supervisor.open_dialog is not dialog  # on to the reason
        reason = again.supervisor.open_dialog
        reason.reason.setText("badge abîmé")
        reason.buttons.accepted.emit()
        assert [(o, s) for o, s, _d in audit(store, "reprint")] == [("Karim", "SCE-1")]
    finally:
        again.close()
        again.runner.shutdown(wait=True)
        again.translator.set_language("fr")
        store.close()


def test_an_operator_cannot_reprint_a_supervisor_can(qtbot, window, people, staff):
    scan(qtbot, window, "SCE-2")
    window.supervisor.reprint()
    dialog = window.supervisor.open_dialog
    give_pin(dialog, "Amina", staff["Amina"])
    assert dialog.isVisible()
    assert dialog.error.text() == "Amina est opérateur : cette action demande un compte superviseur"
    window.translator.set_language("ar")
    give_pin(dialog, "Amina", staff["Amina"])
    assert dialog.error.text() == "Amina مشغل، وهذا الإجراء يتطلب حساب مشرف"
    window.translator.set_language("fr")
    give_pin(dialog, "Karim", staff["Karim"])
    reason = window.supervisor.open_dialog
    reason.reason.setText("perdu")
    reason.buttons.accepted.emit()
    ((operator, subject, details),) = audit(people, "reprint")
    assert (operator, subject, details["role"], details["reason"]) == (
        "Karim",
        "SCE-2",
        "supervisor",
        "perdu",
    )
    jobs = people.conn.execute(
        "SELECT allowed_by FROM print_jobs WHERE attendee_code = 'SCE-2' AND reprint = 1"
    )
    assert jobs.fetchall() == [("Karim",)]


def test_a_wrong_name_reads_like_a_wrong_pin(qtbot, window, people, staff):
    scan(qtbot, window, "SCE-1")
    window.supervisor.edit()
    dialog = window.supervisor.open_dialog
    give_pin(dialog, "Nobody", staff["Karim"])
    assert dialog.error.text() == "Nom ou code PIN incorrect"
    assert people.lookup("SCE-1").company == "Lydec"


def test_first_run_creates_the_admin_then_every_privileged_action_needs_a_pin(qtbot, window, people):
    assert not roles.enforced(people)
    scan(qtbot, window, "SCE-1")
    # Before any account: the name typed is recorded, as the desk service does.
    window.supervisor.reprint()
    dialog = window.supervisor.open_dialog
    assert not dialog.pin.isEnabled() and "F10" in dialog.error.text()
    dialog.buttons.accepted.emit()
    assert dialog.error.text() == "Saisissez votre nom"
    give_pin(dialog, "Samir", "")
    window.supervisor.open_dialog.reason.setText("test")
    window.supervisor.open_dialog.buttons.accepted.emit()
    assert [(o, d) for o, _s, d in audit(people, "reprint")] == [
        ("Samir", {"reason": "test", "job": audit(people, "reprint")[0][2]["job"]})
    ]

    qtbot.keyClick(window, Qt.Key_F10)  # no PIN yet: straight to the settings
    settings = window.supervisor.open_dialog
    assert settings.first_admin is not None and settings.staff is None
    box = settings.first_admin
    box.name.setText("Nadia")
    box.pin.setText("482915")
    box.again.setText("482916")
    settings.buttons.accepted.emit()
    assert settings.error.text() == "Les deux codes PIN ne sont pas identiques" and not roles.enforced(people)
    box.pin.setText("111111")
    box.again.setText("111111")
    settings.buttons.accepted.emit()
    assert settings.error.text() == "Ce code PIN est trop facile à deviner"
    box.pin.setText("4829")
    box.again.setText("4829")
    settings.buttons.accepted.emit()
    assert settings.error.text() == "Le code PIN doit avoir au moins 6 caractères"
    box.pin.setText("482915")
    box.again.setText("482915")
    settings.desk_name.setText("entrée-sud")
    settings.buttons.accepted.emit()
    assert not settings.isVisible()
    assert roles.list_staff(people) == [roles.Staff("Nadia", roles.Role.ADMIN)]
    assert [(o, s) for o, s, _d in audit(people, "settings")] == [("Nadia", "desk_name")]

    # From now on: a name and a PIN, checked.
    window.supervisor.reprint()
    dialog = window.supervisor.open_dialog
    assert dialog.pin.isEnabled()
    give_pin(dialog, "Samir", "")
    assert dialog.isVisible() and dialog.error.text() == "Nom ou code PIN incorrect"
    dialog.reject()
    qtbot.keyClick(window, Qt.Key_F10)
    assert window.supervisor.open_dialog.__class__.__name__ == "PinDialog"
    window.supervisor.open_dialog.reject()


def test_an_admin_adds_staff_and_resets_a_pin_in_the_settings(qtbot, window, people, staff, clock):
    # Amina locked herself out.
    for _ in range(3):
        with pytest.raises(roles.AuthorizationError):
            roles.authorize(people, roles.Role.OPERATOR, "Amina", "0000", clock())
    assert roles.locked_until(people, "Amina") is not None
    window.open_settings()
    give_pin(window.supervisor.open_dialog, "Nadia", staff["Nadia"])
    settings = window.supervisor.open_dialog
    box = settings.staff
    assert [box.accounts.item(i).text() for i in range(box.accounts.count())] == [
        "Amina — opérateur",
        "Karim — superviseur",
        "Nadia — administrateur",
    ]
    box.name.setText("Hicham")
    box.role.setCurrentIndex(box.role.findData("supervisor"))
    box.pin.setText("2741")
    box.again.setText("2741")
    assert not box.add_account()
    assert box.status.text() == "Le code PIN doit avoir au moins 6 caractères"
    box.pin.setText("274159")
    box.again.setText("274159")
    box.add.click()
    assert box.status.text() == "Compte ajouté : Hicham (superviseur)"
    assert roles.get_staff(people, "Hicham") == roles.Staff("Hicham", roles.Role.SUPERVISOR)
    box.accounts.setCurrentRow(0)  # Amina
    box.pin.setText("9137")
    box.again.setText("9137")
    box.reset.click()
    assert box.status.text() == "Nouveau code PIN enregistré pour Amina"
    assert roles.authorize(people, roles.Role.OPERATOR, "Amina", "9137", clock()).name == "Amina"
    settings.reject()
    assert [(o, s) for o, s, _d in audit(people, "staff_add")][-1] == ("Nadia", "Hicham")
    assert [(o, s) for o, s, _d in audit(people, "staff_set_pin")] == [("Nadia", "Amina")]


def test_no_staff_kiosk_exit_records_the_name_typed(qtbot, window, people):
    window.set_kiosk(True, full_screen=False)
    qtbot.keyClick(window, Qt.Key_Escape)
    give_pin(window.supervisor.open_dialog, "Samir", "")
    assert not window.in_kiosk
    assert [(o, d) for o, _s, d in audit(people, "kiosk_exit")] == [("Samir", {})]


def test_settings_changes_are_audited_with_the_admin_and_never_the_hub_password(qtbot, window, people, staff):
    window.open_settings()
    give_pin(window.supervisor.open_dialog, "Nadia", staff["Nadia"])
    settings = window.supervisor.open_dialog
    settings.kiosk.setChecked(True)
    settings.hub.setText("host=127.0.0.1 port=9 user=desk password=desk-secret dbname=expo")
    settings.buttons.accepted.emit()
    assert people.get_setting("gui_kiosk") is True and "127.0.0.1" in people.get_setting("hub_dsn")
    assert "desk-secret" not in people.get_setting("hub_dsn")  # the password has a file of its own
    assert "desk-secret" in credentials.passfile_path().read_text()
    entries = audit(people, "settings")
    assert [(o, s, d["role"]) for o, s, d in entries] == [
        ("Nadia", "gui_kiosk", "admin"),
        ("Nadia", "hub_dsn", "admin"),
    ]
    assert "desk-secret" not in json.dumps(entries) and "127.0.0.1" in entries[1][2]["after"]
    window.hub.stop()
