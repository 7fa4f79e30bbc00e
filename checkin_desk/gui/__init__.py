"""The desk window (PySide6). Qt is imported only under this package."""
