"""The window on a real PostgreSQL hub: online-first scans, the sync thread, offline when the hub goes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from checkin_desk.gui.app import build, make_app
from checkin_desk.gui.pin import Authority
from checkin_desk.gui.settings_dialog import SettingsDialog, apply_settings
from checkin_desk.services import desk as desk_module
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import Store
from checkin_desk.sync import HUB_DSN_SETTING
from gui.conftest import scan
from tests.conftest import FakeClock
from tests.sync.conftest import HUB_EVENT, HUB_NOW, hub_admin_dsn, hub_dsn, proxy  # noqa: F401 (fixtures)

pytestmark = pytest.mark.hub


@pytest.fixture
def hub_window(qtbot, tmp_path, hub_dsn, proxy):  # noqa: F811
    store = Store.open(tmp_path / "desk.sqlite", create=True)
    store.init_event(HUB_EVENT)
    store.set_setting(HUB_DSN_SETTING, proxy.dsn(hub_dsn))
    clock = FakeClock(HUB_NOW)  # the test hub's clock is at HUB_NOW too: offline decisions agree with it
    desk = Desk(store, "desk-1", "amina", clock=clock, monotonic=clock.monotonic)
    make_app()
    win, _translator = build(desk, language="fr", start_workers=True)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.setFocus()
    yield win
    win.close()
    win.runner.shutdown(wait=True)
    store.close()
    QApplication.instance().setLayoutDirection(Qt.LeftToRight)


def test_online_then_the_hub_is_cut_and_scans_go_on_offline(qtbot, hub_window, proxy, monkeypatch):  # noqa: F811
    window = hub_window
    assert window.hub.running and window.desk.online is window.hub.decider
    qtbot.waitUntil(lambda: "EN LIGNE" in window.status.sync.text(), timeout=15_000)
    assert "desk-secret" not in window.status.sync.text()
    # What is tested is where the scan is decided, not how fast: a loaded CI machine gets time.
    deadline = desk_module.ONLINE_DEADLINE_S
    monkeypatch.setattr(desk_module, "ONLINE_DEADLINE_S", 10.0)
    scan(qtbot, window, "SCE-1")
    assert window.banner.kind == "admitted" and not window.controller.last.offline  # decided on the hub
    monkeypatch.setattr(desk_module, "ONLINE_DEADLINE_S", deadline)
    proxy.cut()
    scan(qtbot, window, "SCE-2")
    assert window.banner.kind == "admitted" and window.controller.last.offline  # decided here
    qtbot.waitUntil(lambda: "Hub injoignable" in window.status.sync.text(), timeout=15_000)
    assert "à envoyer" in window.status.sync.text() or window.hub.pending == 0
    # Staff read what to expect; the technician's words are in the tooltip (and the log).
    assert "les entrées restent enregistrées ici" in window.status.sync.text()
    assert "hub" in window.status.sync.toolTip() and window.status.sync.toolTip() == window.hub.message
    window.close()
    assert not window.hub.running and window.desk.online is None


def test_settings_store_the_hub_masked_and_disconnect(qtbot, hub_window, hub_dsn):  # noqa: F811
    window = hub_window
    store = window.desk.store
    stored = store.get_setting(HUB_DSN_SETTING)
    dialog = SettingsDialog(window.translator, store, "desk-1", "amina")
    assert "desk-secret" not in dialog.hub.text() and "desk-secret" not in stored  # in its own file
    assert "hub_dsn" not in dialog.values()  # left as shown: the stored address is kept
    dialog.hub.setText("host=hub.local user=x password=******** dbname=expo")
    assert dialog.validate()  # a masked password cannot be saved as the password
    dialog.hub.setText("")
    values = dialog.values()
    apply_settings(window.desk, values, Authority("amina"))  # no staff accounts: the name is trusted
    window.supervisor.settings_applied.emit(values)
    assert store.get_setting(HUB_DSN_SETTING) is None
    assert not window.hub.running and "locale uniquement" in window.status.sync.text()
    apply_settings(window.desk, {"hub_dsn": stored}, Authority("amina"))
    window.supervisor.settings_applied.emit({"hub_dsn": stored})
    assert window.hub.running
    qtbot.waitUntil(lambda: "EN LIGNE" in window.status.sync.text(), timeout=15_000)


def test_a_purged_event_refuses_the_hub_in_the_settings_and_on_start(qtbot, tmp_path, hub_dsn):  # noqa: F811
    from checkin_desk.services.purge import purge_event
    from checkin_desk.sync import HubDecider, HubError
    from tests.conftest import PEOPLE

    store = Store.open(tmp_path / "purged.sqlite", create=True)
    store.init_event(HUB_EVENT)
    store.upsert_attendees(PEOPLE)
    purge_event(store)
    clock = FakeClock(HUB_NOW)
    desk = Desk(store, "desk-1", "amina", clock=clock, monotonic=clock.monotonic)
    make_app()
    win, translator = build(desk, language="fr", start_workers=True)
    qtbot.addWidget(win)
    try:
        # F10: the address typed into the settings is refused, in the window's language, and not stored.
        dialog = SettingsDialog(translator, store, "desk-1", "amina")
        dialog.hub.setText(hub_dsn)
        assert "effacées" in dialog.validate()
        with pytest.raises(HubError, match="purged"):
            apply_settings(desk, dialog.values(), Authority("amina"))
        assert store.get_setting(HUB_DSN_SETTING) is None
        # The address put back by hand: the link does not start and says why.
        store.set_setting(HUB_DSN_SETTING, hub_dsn)
        win.hub.restart()
        assert not win.hub.running and desk.online is None
        assert "purged" in win.status.sync.toolTip()
        # Even with a decider attached, the desk does not ask the hub: no name comes back.
        desk.online = HubDecider(hub_dsn, "desk-1")
        try:
            outcome = desk.scan(PEOPLE[1].code)
        finally:
            desk.online.close()
            desk.online = None
        assert outcome.offline and outcome.status != "ok"
        named = "SELECT count(*) FROM attendees WHERE last_name <> '' OR first_name <> '' OR company <> ''"
        assert store.conn.execute(named).fetchone() == (0,)
    finally:
        win.close()
        win.runner.shutdown(wait=True)
        store.close()
