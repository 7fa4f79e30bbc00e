"""The storage layer's expected error, apart so that store.py and faults.py can both use it."""


class StoreError(Exception):
    """Expected trouble with the database file: the message is meant for the user."""
