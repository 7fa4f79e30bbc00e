"""Fixtures for the security tests: a cheap scrypt cost, an event key pair in the test's own home."""

from __future__ import annotations

import pytest

from checkin_desk.trust import keys, roles, signing


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch):
    # The production cost is stored with each hash; tests only need the mechanism, not the slowness.
    monkeypatch.setattr(roles, "SCRYPT_N", 2**10)
    monkeypatch.setattr(roles, "_DUMMY_HASH", None)


@pytest.fixture
def event_key(store):
    """The event's key pair: the private key in the default place under the test's config dir."""
    path, public = keys.generate()
    signing.set_public_key(store, public)
    return keys.load_private(path)


@pytest.fixture
def admin(store):
    return roles.add_staff(store, "Nadia", roles.Role.ADMIN, "482915")


@pytest.fixture
def supervisor(store, admin):
    return roles.add_staff(store, "Youssef", roles.Role.SUPERVISOR, "730264", by=admin)


@pytest.fixture
def operator(store, admin):
    return roles.add_staff(store, "Amina", roles.Role.OPERATOR, "5821", by=admin)
