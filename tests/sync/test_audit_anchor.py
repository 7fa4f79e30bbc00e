"""The audit chain's head anchored on the hub at every sync."""

from __future__ import annotations

import pytest

from checkin_desk.storage import audit
from checkin_desk.sync import credentials
from sync.conftest import admin_query

pytestmark = pytest.mark.hub


@pytest.fixture
def audited(hub_dsn, make_desk):
    """A desk connected to the hub (as `hub connect` leaves it) with three audit entries, synced."""
    rig = make_desk("desk-1", hub_dsn)
    credentials.store_hub(rig.store, hub_dsn)
    rig.sync()  # the attendees
    rig.desk.reprint("SCE-1", reason="jammed", allowed_by="youssef")
    rig.desk.reprint("SCE-2", reason="misprint", allowed_by="youssef")
    rig.desk.edit_attendee("SCE-3", {"company": "Lydec"}, supervisor="youssef")
    rig.sync()
    return rig


def test_a_sync_anchors_the_head_once_per_change(audited, hub_admin_dsn):
    assert audit.head(audited.store.conn) == (3, last_hash := audit.hashes(audited.store.conn)[-1])
    anchors = "SELECT desk, entries, last_hash FROM audit_anchors ORDER BY id"
    assert admin_query(hub_admin_dsn, anchors) == [("desk-1", 3, last_hash)]
    audited.sync()
    assert admin_query(hub_admin_dsn, anchors) == [("desk-1", 3, last_hash)]
    audited.desk.reprint("SCE-1", reason="rain", allowed_by="youssef")
    audited.sync()
    assert [row[1] for row in admin_query(hub_admin_dsn, anchors)] == [3, 4]
