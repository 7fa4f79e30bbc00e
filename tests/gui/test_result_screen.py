"""The result screen in a rush: every scan comes to the front, flashes, says when and what to do, then
returns to "ready"; the kiosk speaks to the public in three languages; each verdict has its sound."""

from __future__ import annotations

import io
import wave

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from checkin_desk.gui.sounds import TONES, SoundPlayer, wav_bytes
from gui.conftest import scan


def rows(store, sql, *params):
    return store.conn.execute(sql, params).fetchall()


def test_a_scan_while_the_dashboard_is_shown_brings_its_result_to_the_front(qtbot, window, people):
    qtbot.keyClick(window, Qt.Key_F4)
    assert window.showing_dashboard
    scan(qtbot, window, "SCE-1")
    assert window.pages.currentIndex() == 0
    assert window.banner.kind == "admitted" and window.banner.name.text() == "Benoît Lefèvre"


def test_every_scan_flashes_and_shows_its_time(qtbot, window, people, clock):
    scan(qtbot, window, "SCE-1")
    first = window.banner.flashes
    assert window.banner.flash > 0.5  # a white frame around the verdict's colour, fading
    assert window.banner.time.text() == "10:00:00"  # 09:00 UTC in Casablanca
    clock.advance(7)
    scan(qtbot, window, "SCE-3")
    assert window.banner.flashes == first + 1
    assert window.banner.time.text() == "10:00:07"  # two green results in a row differ
    qtbot.waitUntil(lambda: window.banner.flash == 0.0)
    assert window.banner.shown_colour().name().upper() == "#1B7F3B"


def test_the_verdict_is_centred_and_each_refusal_says_what_to_do(qtbot, window, people, clock):
    scan(qtbot, window, "SCE-5")
    banner = window.banner
    assert banner.headline.alignment() & Qt.AlignHCenter
    assert banner.reason.text() == "Bloqué → appelez un superviseur (F7)"
    scan(qtbot, window, "SCE-4")
    assert banner.reason.text() == "Annulé → appelez un superviseur (F7)"
    scan(qtbot, window, "SCE-1")
    clock.advance(3600)
    scan(qtbot, window, "SCE-1")
    assert banner.reason.text() == "Déjà entré à 10:00, desk-1 — laissez passer"
    window.set_language("en")
    assert banner.reason.text() == "Already in at 10:00, desk-1 — let them in"
    window.set_language("fr")


def test_back_to_ready_after_the_delay_and_the_preview_is_cleared(qtbot, window, people):
    window.banner.ready_after_ms = 300
    scan(qtbot, window, "SCE-1")
    qtbot.waitUntil(lambda: window.preview.attendee is not None)
    qtbot.waitUntil(lambda: window.banner.kind == "idle", timeout=5000)
    assert window.banner.headline.text() == "Prêt"
    assert window.preview.attendee is None and window.preview.image.pixmap().isNull()


def test_an_unknown_code_never_shows_the_previous_persons_badge(qtbot, window, people):
    scan(qtbot, window, "SCE-2")
    qtbot.waitUntil(lambda: window.preview.shown_png != b"", timeout=10_000)
    scan(qtbot, window, "NOPE-77")
    assert window.banner.name.text() == "NOPE-77"
    assert window.preview.attendee is None and window.preview.shown_png == b""
    assert window.preview.image.pixmap().isNull()


def type_into_focus(qtbot, text: str) -> None:
    """A person typing into whatever has the keyboard (a dialog's field), a key every 140 ms."""
    from gui.test_scan_capture import Keyboard

    field = QApplication.focusWidget()
    before = field.text()
    Keyboard(lambda: field).type(text, 140, enter=False)
    qtbot.waitUntil(lambda: field.text() == before + text)


def test_a_confirmed_reprint_says_reprint_not_refused(qtbot, window, people, staff):
    scan(qtbot, window, "SCE-1")
    qtbot.keyClick(window, Qt.Key_F6)
    dialog = window.supervisor.open_dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.name)
    type_into_focus(qtbot, "Karim")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
    type_into_focus(qtbot, staff["Karim"])
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)
    qtbot.waitUntil(lambda: window.supervisor.open_dialog not in (dialog, None))
    reason = window.supervisor.open_dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is reason.reason)
    type_into_focus(qtbot, "abime")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)
    qtbot.waitUntil(lambda: window.supervisor.open_dialog is None)
    qtbot.waitUntil(lambda: window.capture.waiting == [])
    assert rows(people, "SELECT reason, allowed_by FROM print_jobs WHERE reprint = 1") == [("abime", "Karim")]
    assert rows(people, "SELECT count(*) FROM scans") == [(1,)]  # nothing typed became a scan
    assert window.banner.kind == "notice" and window.banner.headline.text() == "RÉIMPRESSION"
    assert window.banner.reason.text() == "Réimpression demandée par Karim : abime"


def test_the_kiosk_shows_the_public_no_notes_in_three_languages(qtbot, window, people):
    window.set_kiosk(True, full_screen=False)
    window.kiosk.ready_after_ms = 300
    scan(qtbot, window, "SCE-5")  # blocked, with the staff note "Voir superviseur"
    kiosk = window.kiosk
    assert kiosk.showing_result and kiosk.result.kind == "refused"
    shown = " ".join(kiosk.result.texts())
    assert "ENTRÉE REFUSÉE" in shown and "الدخول مرفوض" in shown and "ENTRY REFUSED" in shown
    assert "Adressez-vous à l'accueil" in shown and "Please see the front desk" in shown
    for secret in ("superviseur", "Bloqué", "bloqué", "Voir", "VISITEUR", "blocked"):
        assert secret not in shown
    qtbot.waitUntil(lambda: not kiosk.showing_result, timeout=5000)  # the welcome screen is back
    scan(qtbot, window, "SCE-1")
    assert kiosk.result.kind == "admitted"
    assert (
        "Votre badge s'imprime" in kiosk.result.texts() and "Your badge is printing" in kiosk.result.texts()
    )


def test_each_verdict_asks_for_its_own_sound(qtbot, window, people, clock):
    scan(qtbot, window, "SCE-1")
    clock.advance(60)
    scan(qtbot, window, "SCE-1")
    scan(qtbot, window, "SCE-5")
    assert window.sounds.requested == ["admitted", "already", "refused"]
    qtbot.keyClick(window, Qt.Key_M, Qt.ControlModifier)
    assert window.sounds.muted and window.actions_by_id["mute"].isChecked()
    assert not window.sounds.play("admitted")  # asked for, not played


def test_the_sounds_are_short_distinct_wav_files():
    durations = {}
    for name in TONES:
        with wave.open(io.BytesIO(wav_bytes(name, 70))) as wav:
            assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
            durations[name] = wav.getnframes() / wav.getframerate()
            peak = max(abs(int.from_bytes(wav.readframes(1), "little", signed=True)) for _ in range(400))
        assert peak > 1000
    assert all(0.1 < seconds < 0.5 for seconds in durations.values())
    assert len({wav_bytes(name, 70) for name in TONES}) == 3
    assert max(wav_bytes("admitted", 0)[44:]) == 0  # volume 0 is silence


def test_without_a_player_or_an_audio_device_the_desk_stays_silent(tmp_path):
    silent = SoundPlayer(player=[], folder=tmp_path)
    assert not silent.play("refused") and silent.requested == ["refused"]
    failing = SoundPlayer(player=["false"], folder=tmp_path)  # a player that finds no device
    assert failing.play("admitted")
    failing.close()  # waits for the attempt: it failed quietly
    assert (tmp_path / "admitted-v1-70.wav").stat().st_size > 1000


def test_the_kiosk_welcome_lines_are_whole_on_a_wide_screen(qtbot, window, people):
    window.set_kiosk(True, full_screen=False)
    window.resize(1600, 900)
    kiosk = window.kiosk
    qtbot.waitUntil(lambda: kiosk.welcome.isVisible() and kiosk.lines[0].width() > 1000)
    for label in kiosk.lines:
        assert label.shown_lines() == [label.text()], label.shown_lines()
