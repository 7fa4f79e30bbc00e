"""The storage layer's expected error, apart so that store.py and faults.py can both use it."""

from checkin_desk.errors import CheckinDeskError


class StoreError(CheckinDeskError):
    """Expected trouble with the database file: the message is meant for the user."""
