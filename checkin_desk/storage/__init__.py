"""The event's SQLite file: store, schema and migrations, search index, audit chain."""
