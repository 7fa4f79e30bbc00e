"""Attendee lists in: CSV / XLSX / JSON readers, row validation, the parallel first-import worker."""
