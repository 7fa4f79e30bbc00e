"""A Brother QL on the network answers its status over SNMP (the 32-byte reply of the USB protocol, at
Brother's private OID), not on port 9100. The desk asks before and after each badge: out of labels or
cover open moves the job to the next printer instead of marking it printed. The SNMP messages are read
back with pyasn1's BER decoder and the 32 bytes with brother_ql's own reader, neither of them ours."""

from __future__ import annotations

import socket

import pytest
from brother_ql.reader import interpret_response
from pyasn1.codec.ber import decoder
from pyasn1_modules import rfc1157

from checkin_desk.printing import Dispatcher, PrinterConfig, PrintWorker, add_printer, brother, get_job, snmp
from checkin_desk.printing.emulator import PrinterEmulator
from checkin_desk.printing.status import PrinterStatus
from printing.printing_helpers import JobWatcher, decode_qr


def ql(name: str, emu: PrinterEmulator, pool_order: int) -> PrinterConfig:
    return PrinterConfig(
        name,
        "brother-ql-network",
        emu.address,
        "QL-820NWB/62",
        pool_order=pool_order,
        options={"snmp_port": emu.snmp_port},
    )


@pytest.mark.parametrize(("mode", "words"), [("paper-out", "out of paper"), ("cover-open", "cover open")])
def test_a_ql_out_of_labels_or_open_hands_the_badge_to_the_next_printer(
    store, desk, clock, tmp_path, fast_settings, mode, words
):
    watcher = JobWatcher()
    with (
        PrinterEmulator(tmp_path / "left", protocol="brother-ql") as left,
        PrinterEmulator(tmp_path / "right", protocol="brother-ql") as right,
    ):
        add_printer(store, ql("left", left, 1))
        add_printer(store, ql("right", right, 2))
        worker = PrintWorker(store.path, "desk-1", on_change=watcher, clock=clock, settings=fast_settings)
        worker.start()
        try:
            first = desk.scan("SCE-1").print_job_id
            worker.wake()
            assert watcher.wait_state(first, "printed").printer == "left"
            left.set_mode(mode)
            second = desk.scan("SCE-2").print_job_id
            worker.wake()
            moved = watcher.wait_state(second, "printed")
        finally:
            assert worker.stop()
    assert moved.printer == "right" and moved.attempts == 2
    history = [(j.state, j.printer, j.last_error or "") for j in watcher.history if j.id == second]
    assert any(words in error and "not sent" in error for _, printer, error in history if printer == "right")
    assert left.status_queries >= 3  # before and after the first badge, before the second
    assert [decode_qr(b.path) for b in left.badges] == [["SCE-1"]]
    assert [decode_qr(b.path) for b in right.badges] == [["SCE-2"]]
    assert left.discarded == 0  # asked first, sent nothing


def test_a_ql_that_runs_out_while_printing_is_not_marked_printed(store, desk, clock, tmp_path):
    with PrinterEmulator(tmp_path / "ql", protocol="brother-ql") as emu:
        add_printer(store, ql("ql", emu, 1))
        answers = iter([PrinterStatus(), PrinterStatus(paper_out=True)])  # fine before, empty after
        emu._printer_status = lambda: next(answers)
        job = desk.scan("SCE-1").print_job_id
        done = Dispatcher(store, "desk-1", clock=clock).attempt(get_job(store, job))
    assert done.state == "queued"
    assert "out of paper after the badge was sent" in done.last_error


def test_the_status_request_and_answer_read_back_with_pyasn1_and_brother_ql(tmp_path):
    request = snmp.get_request(snmp.BROTHER_QL_STATUS_OID, 4242)
    message, rest = decoder.decode(request, asn1Spec=rfc1157.Message())
    assert rest == b""
    assert int(message["version"]) == 0 and bytes(message["community"]) == b"public"
    pdu = message["data"]["get-request"]
    assert int(pdu["request-id"]) == 4242 and int(pdu["error-status"]) == 0
    assert str(pdu["variable-bindings"][0]["name"]) == snmp.BROTHER_QL_STATUS_OID

    with (
        PrinterEmulator(tmp_path / "ql", protocol="brother-ql", mode="cover-open") as emu,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock,
    ):
        sock.settimeout(5)
        sock.sendto(request, ("127.0.0.1", emu.snmp_port))
        answer = sock.recv(2048)
    message, _ = decoder.decode(answer, asn1Spec=rfc1157.Message())
    pdu = message["data"]["get-response"]
    assert int(pdu["request-id"]) == 4242 and int(pdu["error-status"]) == 0
    value = pdu["variable-bindings"][0]["value"]["simple"]["string"]
    status = bytes(value)
    info = interpret_response(status)
    assert info["model_name"] == "QL-820NWB" and info["status_type"] == "Reply to status request"
    assert info["errors"] == ["Cover opened while printing (Except QL-500)"]
    assert brother.parse_status(status) == PrinterStatus(cover_open=True)


def test_a_ql_whose_snmp_is_off_still_prints_once_every_byte_is_acknowledged(store, desk, clock, tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as closed:
        closed.bind(("127.0.0.1", 0))
        silent_port = closed.getsockname()[1]  # a port where nothing answers (bound, never read)
        with PrinterEmulator(tmp_path / "ql", protocol="brother-ql") as emu:
            add_printer(
                store,
                PrinterConfig(
                    "ql",
                    "brother-ql-network",
                    emu.address,
                    "QL-820NWB/62",
                    options={"snmp_port": silent_port},
                ),
            )
            jobs = [desk.scan(code).print_job_id for code in ("SCE-1", "SCE-2")]
            dispatcher = Dispatcher(store, "desk-1", clock=clock)
            done = [dispatcher.attempt(get_job(store, job)) for job in jobs]
            assert emu.wait_for_badges(2)
        asked = 0
        closed.setblocking(False)
        try:
            while closed.recv(2048):
                asked += 1
        except BlockingIOError:
            pass
    assert [j.state for j in done] == ["printed", "printed"], [j.last_error for j in done]
    assert asked == 1  # a silent agent is not asked again for every badge


def test_an_answer_that_is_not_a_qls_status_is_refused_with_words():
    with pytest.raises(ValueError, match="not a Brother QL status reply"):
        brother.parse_status(b"\x00" * 32)
    with pytest.raises(snmp.SnmpError):
        snmp.read_message(b"\x30\x05\x02\x01")
