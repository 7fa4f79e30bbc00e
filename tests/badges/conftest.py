"""Fixtures for badge tests: a real temporary event database and its categories."""

from __future__ import annotations

import pytest

from badges.badge_helpers import EVENT, NAMES
from checkin_desk.storage.store import Store


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "e.sqlite", create=True)
    store.init_event(EVENT)
    store.upsert_attendees(list(NAMES.values()))
    yield store
    store.close()


@pytest.fixture
def categories(store):
    return store.categories()


@pytest.fixture
def event(store):
    return store.event()
