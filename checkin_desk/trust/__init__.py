"""Roles and PINs, signing keys, signed codes, personal-data export and purge."""
