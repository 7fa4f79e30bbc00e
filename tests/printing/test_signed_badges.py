"""Signed codes on paper: a badge's QR code carries the signed code when one was issued for the attendee."""

from __future__ import annotations

from checkin_desk.domain import codes
from checkin_desk.domain.models import Status
from checkin_desk.printing import Dispatcher, PrinterConfig, add_printer, get_job
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import Store
from checkin_desk.trust import keys, signing
from printing.conftest import EVENT
from printing.printing_helpers import decode_qr


def test_a_walk_in_badge_carries_its_signed_code_which_another_desk_admits(
    store, desk, emulator, clock, tmp_path
):
    path, public = keys.generate()
    signing.set_public_key(store, public)
    key = keys.load_private(path)
    add_printer(store, PrinterConfig("thermal-1", "escpos-network", emulator.address, "TM-T20II"))
    outcome = desk.register_walk_in(first_name="Karim", last_name="Tazi", category="press")
    token = outcome.extra["signed_code"]
    job = Dispatcher(store, "desk-1", clock=clock).attempt(get_job(store, outcome.print_job_id))
    assert job.state == "printed", job.last_error
    assert emulator.wait_for_badges(1)
    (text,) = decode_qr(emulator.badges[0].path)  # read back from the raster the printer received
    assert text == token
    assert codes.verify_code(key.public_key(), text) == codes.SignedPayload(outcome.code, "press")
    # A desk that never saw this walk-in, with the event's public key only.
    other = Store.open(tmp_path / "other.sqlite", create=True)
    other.init_event(EVENT)
    signing.set_public_key(other, public)
    elsewhere = Desk(other, "desk-2", "salma", clock=clock, monotonic=clock.monotonic).scan(text)
    assert elsewhere.admitted and elsewhere.status is Status.OK and elsewhere.code == outcome.code
    assert signing.provisional_codes(other) == [outcome.code]
    other.close()


def test_a_plain_walk_in_without_a_key_prints_its_plain_code(store, desk, emulator, clock):
    add_printer(store, PrinterConfig("thermal-1", "escpos-network", emulator.address, "TM-T20II"))
    outcome = desk.register_walk_in(first_name="Salma", last_name="Berrada")
    Dispatcher(store, "desk-1", clock=clock).attempt(get_job(store, outcome.print_job_id))
    assert emulator.wait_for_badges(1)
    assert decode_qr(emulator.badges[0].path) == [outcome.code]
