"""Signed-code verification per scan, beside its floor: one bare Ed25519 verify.

    PYTHONPATH=. python benchmarks/bench_signing.py [--n 5000]

Prints microseconds per operation (median of 7 runs) and the ratio to the floor. Target: the whole
per-scan check (parse + settings read + base32 + verify + payload decode + revocation lookup) <= 0.5 ms.
A full desk scan (which also writes the scan row, outbox row and fsyncs) is shown for scale.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from checkin_desk.domain import codes
from checkin_desk.domain.models import Attendee, EventInfo
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import Store
from checkin_desk.trust import keys, signing

TARGET_US = 500.0


def per_op_us(func, n: int, runs: int = 7) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(n):
            func()
        samples.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["CHECKIN_DESK_HOME"] = folder
        store = Store.open(Path(folder) / "bench.sqlite", create=True)
        store.init_event(EventInfo("Bench", ("2027-04-18", "2027-04-19", "2027-04-20")))
        store.upsert_attendees(Attendee(f"SCE-{i}", "A", f"B{i}", category="visitor") for i in range(20000))
        path, public = keys.generate()
        signing.set_public_key(store, public)
        private = keys.load_private(path)
        signing.revoke(store, "SCE-7", below_issue=1)  # a revocations table that is not empty
        token = codes.sign_code(private, codes.SignedPayload("SCE-123", "speaker", ("2027-04-18",)))
        parsed = codes.parse(token)

        body, signature = codes.split_signed(token)
        message = codes.SIGNING_CONTEXT + body
        raw_key = Ed25519PrivateKey.from_private_bytes(private.private_bytes_raw()).public_key()

        floor = per_op_us(lambda: raw_key.verify(signature, message), args.n)
        check = per_op_us(lambda: signing.check_scan(store, codes.parse(token)), args.n)
        check_only = per_op_us(lambda: signing.check_scan(store, parsed), args.n)
        plain_parse = per_op_us(lambda: codes.parse("SCE-123"), args.n)

        clock_now = datetime(2027, 4, 18, 9, 0, tzinfo=UTC)
        desk = Desk(store, "bench", clock=lambda: clock_now)
        tokens = [
            codes.sign_code(private, codes.SignedPayload(f"SCE-{i}", "visitor"))
            for i in range(1000, 1000 + 300)
        ]
        it = iter(tokens)
        scan_signed = per_op_us(lambda: desk.scan(next(it)), 40, runs=5)
        plain = iter(f"SCE-{i}" for i in range(5000, 5000 + 300))
        scan_plain = per_op_us(lambda: desk.scan(next(plain)), 40, runs=5)
        store.close()

    print(f"signed code: {len(token)} characters (QR alphanumeric mode)")
    print(f"{'operation':<52} {'us/op':>9} {'x floor':>8}")
    rows = [
        ("floor: bare Ed25519 verify (cryptography/OpenSSL)", floor),
        ("per-scan check: parse + signing.check_scan", check),
        ("  signing.check_scan alone", check_only),
        ("  codes.parse of a plain code (for scale)", plain_parse),
        ("desk.scan, signed code (SQLite write + fsync)", scan_signed),
        ("desk.scan, plain code (SQLite write + fsync)", scan_plain),
    ]
    for name, value in rows:
        print(f"{name:<52} {value:>9.1f} {value / floor:>8.2f}")
    verdict = "OK" if check <= TARGET_US else "OVER TARGET"
    print(f"per-scan verification {check:.1f} us vs target {TARGET_US:.0f} us: {verdict}")
    return 0 if check <= TARGET_US else 1


if __name__ == "__main__":
    raise SystemExit(main())
