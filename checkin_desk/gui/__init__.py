"""The desk window (PySide6). Qt is imported only under this package."""

from .refcount_guard import protect_singletons

protect_singletons()  # before any Qt call: see refcount_guard for the PySide6 6.12 / CPython 3.11 bug
