"""The event's Ed25519 key pair on disk.

The private key is a PKCS#8 PEM file readable by its owner only, kept outside the event database
(default: `<config dir>/keys/<fingerprint>.pem`), so that a copied database cannot sign badges. The
public key travels as one line of text (`ed25519:<base64>`) and lives in the event's settings.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import stat
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from checkin_desk.errors import CheckinDeskError
from checkin_desk.util.config import config_dir

PUBLIC_PREFIX = "ed25519:"


class KeyFileError(CheckinDeskError):
    """A key file or public key text that cannot be used; the message says why."""


def keys_dir() -> Path:
    return config_dir() / "keys"


def public_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PUBLIC_PREFIX + base64.b64encode(raw).decode("ascii")


def fingerprint(public: str) -> str:
    """Short, stable name of a public key (the first 16 hex digits of its SHA-256)."""
    return hashlib.sha256(public.strip().encode("ascii")).hexdigest()[:16]


@lru_cache(maxsize=8)
def load_public(text: str) -> Ed25519PublicKey:
    text = text.strip()
    if not text.startswith(PUBLIC_PREFIX):
        raise KeyFileError(f"a public key starts with {PUBLIC_PREFIX!r}")
    try:
        raw = base64.b64decode(text[len(PUBLIC_PREFIX) :], validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, binascii.Error) as exc:
        raise KeyFileError("not an Ed25519 public key") from exc


def default_private_path(public: str) -> Path:
    return keys_dir() / f"{fingerprint(public)}.pem"


def write_private_file(path: Path, data: bytes) -> None:
    """Create `path` owner-only (0600) in an owner-only folder; never overwrite."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def generate(path: Path | None = None) -> tuple[Path, str]:
    """A new key pair: the private key written to `path` (default under the config dir), the public text."""
    key = Ed25519PrivateKey.generate()
    public = public_text(key.public_key())
    path = Path(path) if path else default_private_path(public)
    if path.exists():
        raise KeyFileError(f"{path} exists; a key file is never overwritten")
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    write_private_file(path, pem)
    return path, public


def load_private(path: Path) -> Ed25519PrivateKey:
    """The private key in `path`; refuses a file that other users can read (as ssh does)."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if os.name == "posix" and mode & 0o077:
            raise KeyFileError(f"{path} can be read by other users (mode {mode:o}); run chmod 600 on it")
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise KeyFileError(f"no private key at {path}") from None
    return _parse_private(data, str(path))


@lru_cache(maxsize=8)
def _parse_private(data: bytes, name: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"{name} is not an unencrypted PEM private key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{name} is not an Ed25519 key")
    return key


def matches(private: Ed25519PrivateKey, public: str) -> bool:
    return public_text(private.public_key()) == public.strip()
