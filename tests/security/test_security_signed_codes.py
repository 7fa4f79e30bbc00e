"""Signed codes: issued by the event key, checked offline by any desk, forged ones refused."""

from __future__ import annotations

import base64
import contextlib
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from checkin_desk.domain import codes
from checkin_desk.domain.codes import BadSignedCode, SignedPayload
from checkin_desk.domain.models import Attendee, PassStatus, Status
from checkin_desk.imports.readers import import_file
from checkin_desk.services import desk_ops
from checkin_desk.services.desk import Desk, DeskError
from checkin_desk.storage.store import Store
from checkin_desk.trust import keys, signing
from tests.conftest import EVENT


def sign(key, code="SCE-900", category="speaker", days=(), issue=0) -> str:
    return codes.sign_code(key, SignedPayload(code, category, days, issue))


def flip(token: str, index: int) -> str:
    body = token[len(codes.SIGNED_PREFIX) :]
    ch = "A" if body[index] != "A" else "B"
    return codes.SIGNED_PREFIX + body[:index] + ch + body[index + 1 :]


# -- the codec -----------------------------------------------------------------------------------------


def test_signed_code_is_qr_alphanumeric_and_short():
    key = Ed25519PrivateKey.generate()
    token = sign(key, "WABCDEFGHJK", "visitor")
    assert set(token) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    assert len(token) <= 130
    assert codes.parse(token) == codes.ParsedCode(token, signed=True)
    assert codes.parse(token.lower() + "\r").code == token  # scanner in lower case, trailing CR


@given(
    code=st.from_regex(r"[A-Z0-9][A-Z0-9._/+=#-]{0,60}", fullmatch=True).filter(
        lambda c: not c.startswith("S1:")
    ),
    category=st.sampled_from(["visitor", "vip", "staff"]) | st.from_regex(r"[a-z_]{1,32}", fullmatch=True),
    days=st.lists(
        st.dates(min_value=date(2000, 1, 1), max_value=date(2179, 1, 1)).map(str), max_size=5, unique=True
    ),
    issue=st.integers(0, 2**31 - 1),
)
def test_payload_round_trips(code, category, days, issue):
    payload = SignedPayload(code, category, tuple(sorted(days)), issue)
    assert codes.decode_payload(codes.encode_payload(payload)) == payload


@given(st.binary(max_size=300))
def test_decoding_garbage_only_ever_raises_bad_signed_code(data):
    with contextlib.suppress(BadSignedCode):
        codes.decode_payload(data)


def test_forged_truncated_altered_and_other_key_codes_do_not_verify():
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    token = sign(key)
    assert codes.verify_code(key.public_key(), token).code == "SCE-900"
    forged = codes.SIGNED_PREFIX + base64.b32encode(
        codes.encode_payload(SignedPayload("SCE-900", "vip")) + bytes(64)
    ).decode().rstrip("=")
    bad = [
        forged,
        token[:-1],
        token[:-8],
        token[: len(codes.SIGNED_PREFIX) + 20],
        flip(token, 3),  # inside the payload: another code
        flip(token, len(token) - 10),  # inside the signature
        sign(other),  # a well-formed code made with another key
        codes.SIGNED_PREFIX,
        codes.SIGNED_PREFIX + "A",
    ]
    for text in bad:
        with pytest.raises(BadSignedCode):
            codes.verify_code(key.public_key(), text)


def test_category_upgrade_is_an_altered_code():
    key = Ed25519PrivateKey.generate()
    visitor = sign(key, category="visitor")
    _, signature = codes.split_signed(visitor)
    vip_body = codes.encode_payload(SignedPayload("SCE-900", "vip"))
    tampered = codes.SIGNED_PREFIX + base64.b32encode(vip_body + signature).decode().rstrip("=")
    with pytest.raises(BadSignedCode):
        codes.verify_code(key.public_key(), tampered)


# -- at the desk -----------------------------------------------------------------------------------------


def test_valid_signed_code_of_an_attendee_never_synced_is_admitted_provisionally(desk, event_key):
    token = sign(event_key, "REG-77", "speaker", (EVENT.days[0], EVENT.days[1]))
    outcome = desk.scan(token)
    assert outcome.status is Status.OK and outcome.admitted
    assert outcome.code == "REG-77"
    assert outcome.attendee == Attendee("REG-77", category="speaker", days=(EVENT.days[0], EVENT.days[1]))
    assert signing.provisional_codes(desk.store) == ["REG-77"]
    origin = desk.store.conn.execute("SELECT origin FROM attendees WHERE code = 'REG-77'").fetchone()[0]
    assert origin == "signed"
    # The scan is recorded under the code inside the signed one, not the long signed text.
    assert desk.store.conn.execute("SELECT code, raw FROM scans").fetchall() == [("REG-77", "")]


def test_provisional_attendee_is_reconciled_by_a_later_import(desk, event_key, tmp_path):
    desk.scan(sign(event_key, "REG-77", "speaker"))
    csv_file = tmp_path / "late.csv"
    csv_file.write_text("Code,Prénom,Nom,Catégorie\nREG-77,Leila,Bennani,speaker\n", encoding="utf-8")
    assert import_file(desk.store, csv_file).written
    assert desk.store.lookup("REG-77").full_name == "Leila Bennani"
    assert signing.provisional_codes(desk.store) == []
    assert desk.store.admitted_entries("REG-77")  # the check-in is kept


def test_signed_code_on_a_wrong_day_is_refused_like_a_plain_one(desk, event_key):
    outcome = desk.scan(sign(event_key, "REG-78", "visitor", (EVENT.days[2],)))
    assert outcome.status is Status.WRONG_DAY


def test_signed_code_of_a_known_attendee_follows_the_database(desk, event_key):
    ok = desk.scan(sign(event_key, "SCE-1", "visitor"))
    assert ok.status is Status.OK and ok.attendee.full_name == "Benoît Lefèvre"
    again = desk.scan("SCE-1")  # the plain code is the same pass: a re-entry
    assert again.status is Status.ALREADY_CHECKED_IN
    cancelled = desk.scan(sign(event_key, "SCE-4", "press"))
    assert cancelled.status is Status.CANCELLED


@pytest.mark.parametrize("kind", ["forged", "truncated", "altered", "other_key", "garbage"])
def test_bad_signed_codes_are_refused_as_invalid_signature(desk, event_key, kind):
    token = sign(event_key, "SCE-1", "visitor")
    text = {
        "forged": sign(Ed25519PrivateKey.generate(), "SCE-1", "vip")[:-20] + token[-20:],
        "truncated": token[:-12],
        "altered": flip(token, 6),
        "other_key": sign(Ed25519PrivateKey.generate(), "SCE-1", "visitor"),
        "garbage": "S1:HELLO-WORLD",
    }[kind]
    outcome = desk.scan(text)
    assert outcome.status is Status.INVALID_SIGNATURE and not outcome.admitted
    assert outcome.attendee is None and outcome.print_job_id is None
    assert "signed code refused" in outcome.message
    assert desk.store.lookup("SCE-1").first_name == "Benoît"  # nothing provisional was made
    assert desk.store.attendee_count() == 6


def test_desk_without_the_event_key_refuses_signed_codes(desk):
    token = sign(Ed25519PrivateKey.generate(), "SCE-1")
    outcome = desk.scan(token)
    assert outcome.status is Status.INVALID_SIGNATURE
    assert "no event key" in outcome.message


def test_plain_codes_keep_working_beside_signed_ones(desk, event_key):
    assert desk.scan("SCE-1").status is Status.OK
    assert desk.scan("sce-2\r").status is Status.OK
    assert desk.scan("NOPE").status is Status.UNKNOWN


def test_reissued_pass_revokes_the_old_code(desk, event_key, clock):
    old = signing.issue(desk.store, desk.store.lookup("SCE-1"), event_key)
    new = desk.reissue_pass("SCE-1", reason="badge lost", supervisor="youssef")
    assert new != old and signing.qr_text(desk.store, "SCE-1") == new
    refused = desk.scan(old)
    assert refused.status is Status.CANCELLED and not refused.admitted
    assert "replaced" in refused.message
    clock.advance(5)
    assert desk.scan(new).status is Status.OK
    kinds = [row[0] for row in desk.store.conn.execute("SELECT kind FROM outbox")]
    assert "revocation" in kinds


def test_a_reissued_pass_is_refused_in_every_old_form_including_its_plain_code(desk, event_key, clock):
    old = signing.issue(desk.store, desk.store.lookup("SCE-1"), event_key)
    new = desk.reissue_pass("SCE-1", reason="badge lost", supervisor="youssef")
    for form in ("SCE-1", "sce-1", " SCE-1\r", old, old.lower()):
        clock.advance(5)
        refused = desk.scan(form)
        assert (refused.status, refused.admitted, refused.print_badge) == (Status.CANCELLED, False, False), (
            form
        )
    assert "re-issued" in desk.scan("SCE-1").message
    assert desk.store.conn.execute("SELECT count(*) FROM print_jobs").fetchone()[0] == 0
    clock.advance(5)
    assert desk.scan(new).status is Status.OK  # only the newest badge


def test_a_plain_code_of_a_signed_pass_is_refused_unless_the_policy_allows_it(desk, event_key, clock):
    token = signing.issue(desk.store, desk.store.lookup("SCE-2"), event_key)
    refused = desk.scan("SCE-2")
    assert refused.status is Status.CANCELLED and "signed badge" in refused.message
    assert desk.scan("SCE-1").status is Status.OK  # a pass never signed keeps its plain code
    desk.change_setting("refuse_plain_when_signed", False, admin="nadia")
    clock.advance(5)
    assert desk.scan("SCE-2").status is Status.OK
    desk.change_setting("refuse_plain_when_signed", True, admin="nadia")
    clock.advance(5)
    assert desk.scan(token).status is Status.ALREADY_CHECKED_IN
    # The mark travels to the other desks like a revocation that revokes nothing yet.
    (payload,) = [
        row[0] for row in desk.store.conn.execute("SELECT payload FROM outbox WHERE kind = 'revocation'")
    ]
    assert '"below_issue": 0' in payload


def test_replayed_code_after_a_revocation_synced_from_the_hub_is_refused(people, event_key, clock):
    """Desk B never saw the re-issue; the revocation reaches it by sync and the old code stops working."""
    token = sign(event_key, "REG-9", "visitor")
    desk = Desk(people, "desk-2", "amina", clock=clock, monotonic=clock.monotonic)
    assert desk.scan(token).admitted
    rows = [{"code": "REG-9", "below_issue": 1, "revoked_at": "2027-04-18T09:30:00+00:00", "reason": "lost"}]
    assert signing.merge_revocations(people, rows) == 1
    assert signing.merge_revocations(people, rows) == 0  # idempotent
    assert signing.merge_revocations(people, [{**rows[0], "below_issue": 0}]) == 0  # never loosens
    clock.advance(60)
    assert desk.scan(token).status is Status.CANCELLED
    assert desk.scan(sign(event_key, "REG-9", "visitor", issue=1)).status is Status.ALREADY_CHECKED_IN


def test_revoked_code_of_an_unknown_attendee_creates_nothing(desk, event_key):
    signing.revoke(desk.store, "REG-10", reason="fraud")
    assert desk.scan(sign(event_key, "REG-10")).status is Status.CANCELLED
    assert desk.store.lookup("REG-10") is None


def test_walk_in_gets_a_signed_code_when_the_private_key_is_here(desk, event_key, clock):
    outcome = desk.register_walk_in(first_name="Karim", last_name="Tazi", category="press")
    token = outcome.extra["signed_code"]
    assert signing.qr_text(desk.store, outcome.code) == token
    assert codes.verify_code(event_key.public_key(), token) == SignedPayload(outcome.code, "press")
    clock.advance(10)
    assert desk.scan(token).status is Status.ALREADY_CHECKED_IN


def test_walk_in_without_a_private_key_gets_a_plain_code(desk):
    outcome = desk.register_walk_in(first_name="Karim", last_name="Tazi")
    assert "signed_code" not in outcome.extra
    assert signing.qr_text(desk.store, outcome.code) == outcome.code


def test_a_key_file_readable_by_others_is_not_used(desk, event_key, caplog):
    path = next(keys.keys_dir().glob("*.pem"))
    path.chmod(0o644)
    assert signing.private_key(desk.store) is None
    assert "chmod 600" in caplog.text
    with pytest.raises(DeskError, match="private key"):
        desk.reissue_pass("SCE-1", reason="lost", supervisor="y")


def test_signed_scan_works_after_reopening_the_database(tmp_path, event_key, store, clock):
    token = sign(event_key, "REG-5")
    path = store.path
    store.close()
    reopened = Store.open(path)
    try:
        desk = Desk(reopened, "desk-3", clock=clock, monotonic=clock.monotonic)
        assert desk.scan(token).status is Status.OK
    finally:
        reopened.close()


def test_override_of_a_revoked_signed_code_records_the_inner_code(desk, event_key):
    signing.revoke(desk.store, "SCE-1", below_issue=1)
    outcome = desk.admit_override(
        sign(event_key, "SCE-1", "visitor"), reason="old badge, ID checked", supervisor="y"
    )
    assert outcome.admitted and outcome.code == "SCE-1" and outcome.status is Status.CANCELLED
    assert PassStatus(desk.store.lookup("SCE-1").status) is PassStatus.VALID


def test_reissue_and_print_queues_the_new_badge_in_the_same_transaction(desk, event_key, clock):
    old = signing.issue(desk.store, desk.store.lookup("SCE-1"), event_key)
    token, job_id = desk_ops.reissue_and_print(desk, "SCE-1", reason="badge lost", supervisor="youssef")
    job = desk.store.conn.execute(
        "SELECT attendee_code, reprint, reason, allowed_by FROM print_jobs WHERE id = ?", (job_id,)
    ).fetchone()
    assert job == ("SCE-1", 1, "badge lost", "youssef")
    assert signing.qr_text(desk.store, "SCE-1") == token != old  # the queued badge carries the new code
    clock.advance(5)
    assert desk.scan(old).status == "cancelled"
    # Nothing is queued when the pass cannot be re-issued.
    with pytest.raises(DeskError, match="no attendee"):
        desk_ops.reissue_and_print(desk, "NOPE-1", reason="lost", supervisor="youssef")
    assert desk.store.conn.execute("SELECT count(*) FROM print_jobs").fetchone()[0] == 1


def test_reissue_from_the_command_line_needs_a_supervisor_and_queues_the_new_badge(
    people, event_key, supervisor, operator, monkeypatch, capsys
):
    from checkin_desk.cli import main

    old = signing.issue(people, people.lookup("SCE-1"), event_key)
    db = people.path
    monkeypatch.setenv("CHECKIN_DESK_PIN", "5821")
    assert main(["--db", db, "reissue", "SCE-1", "--reason", "badge lost", "--as", "Amina"]) == 1
    assert "supervisor" in capsys.readouterr().err
    monkeypatch.setenv("CHECKIN_DESK_PIN", "730264")
    assert main(["--db", db, "reissue", "SCE-1", "--reason", "badge lost", "--as", "Youssef"]) == 0
    new = capsys.readouterr().out.splitlines()[-1]
    assert new.startswith("S1:") and new != old
    assert signing.check_scan(people, codes.parse(old)).revoked
    jobs = people.conn.execute("SELECT attendee_code, reprint, allowed_by FROM print_jobs").fetchall()
    assert jobs == [("SCE-1", 1, "Youssef")]
