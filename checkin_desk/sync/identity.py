"""Which event a hub holds, and whether this desk's event database is that event.

The hub's event has an identity: a UUID made when its schema is created (`hub init`, hub schema 5),
in the hub's settings as `event_id`. A desk's event database keeps the identity of the hub event
it joined (its own setting `event_id`, never taken from a pull). A desk never syncs with, nor asks
decisions of, the hub of another event: pulling would replace its name and days and mix in the
other event's attendees.

A database that has no identity yet joins the hub's event when that cannot mix two events: it is
empty (just made by `hub connect` or `event create`), or it already synced with this very hub
before identities existed. Anything else needs `hub connect --adopt`, said in the refusal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import psycopg

from checkin_desk.domain.models import EventInfo
from checkin_desk.storage.store import Store
from checkin_desk.sync import hub
from checkin_desk.sync.connection import HubError

EVENT_ID_SETTING = "event_id"
HUB_ID_SETTING = "sync_hub_id"  # as loop.HUB_ID_SETTING: the hub database this desk last synced with


class IdentityError(HubError):
    """The hub holds another event than this desk's database; the message names both."""


@dataclass(frozen=True)
class HubEvent:
    id: str
    name: str
    days: tuple[str, ...]
    timezone: str
    hub_id: str = ""

    def info(self) -> EventInfo:
        return EventInfo(self.name, self.days, self.timezone)

    @property
    def label(self) -> str:
        return f"«{self.name}» ({short(self.id)})"


def short(event_id: str | None) -> str:
    return f"event {str(event_id)[:8]}" if event_id else "no event identity"


def hub_event(conn: psycopg.Connection) -> HubEvent:
    values = hub.settings(conn)
    row = conn.execute("SELECT value FROM hub_meta WHERE key = 'hub_id'").fetchone()
    days = values.get("event_days") or ()
    return HubEvent(
        id=str(values.get(EVENT_ID_SETTING) or ""),
        name=str(values.get("event_name") or "(no name)"),
        days=tuple(str(d) for d in days) if isinstance(days, list | tuple) else (),
        timezone=hub.timezone_of(values),
        hub_id=row[0] if row else "",
    )


def hub_event_id(conn: psycopg.Connection) -> str:
    row = conn.execute("SELECT value FROM hub_settings WHERE key = %s", (EVENT_ID_SETTING,)).fetchone()
    return str(row[0]) if row and row[0] else ""


def local_event_id(store: Store) -> str | None:
    value = store.get_setting(EVENT_ID_SETTING)
    return str(value) if value else None


def is_empty(store: Store) -> bool:
    return not store.conn.execute(
        "SELECT EXISTS (SELECT 1 FROM attendees) OR EXISTS (SELECT 1 FROM scans)"
    ).fetchone()[0]


def bind(store: Store, event: HubEvent, *, where: str = "", adopt: bool = False) -> bool:
    """Check that this desk's event database is the hub's `event`; join it the first time it safely
    can. Returns True when it joined now. Raises IdentityError, naming both events."""
    local = local_event_id(store)
    if local and local == event.id:
        return False
    mine = store.event()
    at = f" {where}" if where else ""
    if not event.id:
        raise IdentityError(
            f"the hub{at} has no event identity yet: run `checkin-desk hub init` on it to migrate it"
        )
    if local:
        raise IdentityError(
            f"the hub{at} holds the event {event.label}, not this desk's «{mine.name}» ({short(local)}): "
            "nothing was changed. Join the hub's event in another event database "
            "(`checkin-desk --db NEW.sqlite hub connect DSN`)"
        )
    synced_before = bool(event.hub_id) and store.get_setting(HUB_ID_SETTING) == event.hub_id
    if adopt or synced_before or is_empty(store):
        store.set_setting(EVENT_ID_SETTING, event.id)
        return True
    attendees = store.attendee_count()
    scans = store.conn.execute("SELECT count(*) FROM scans").fetchone()[0]
    raise IdentityError(
        f"this desk's event «{mine.name}» ({attendees} attendees, {scans} scans) never joined a hub, and "
        f"the hub{at} holds the event {event.label}: nothing was changed. Join the hub's event in a new "
        "event database (`checkin-desk --db NEW.sqlite hub connect DSN`), or, if this database really "
        "is that event, `checkin-desk hub connect --adopt DSN`"
    )


def check_decider(conn: psycopg.Connection, expected: str | None, where: str) -> None:
    """For online decisions: the hub must hold the event this desk joined (checked at each connection)."""
    found = hub_event_id(conn)
    if expected and found == expected:
        return
    if not expected:
        raise IdentityError(
            "this desk has not joined the hub's event yet: it decides on its own copy until its first sync"
        )
    name = hub.settings(conn).get("event_name") or "(no name)"
    raise IdentityError(
        f"the hub {where} holds the event «{name}» ({short(found)}), not this desk's ({short(expected)}): "
        "deciding on this desk"
    )


def create_from_hub(path, event: HubEvent) -> Store:
    """A new event database for the hub's event: its name, days, time zone and identity."""
    store = Store.open(path, create=True)
    try:
        store.init_event(event.info())
        store.set_setting(EVENT_ID_SETTING, event.id)
    except BaseException:
        store.close()
        raise
    return store


def file_name(event: HubEvent) -> str:
    """A file name for the hub's event database: its name, made safe, and its identity's start."""
    slug = re.sub(r"[^a-z0-9]+", "-", event.name.lower()).strip("-")[:40] or "event"
    return f"{slug}-{event.id[:8]}.sqlite"
