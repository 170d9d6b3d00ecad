"""The revisions; alembic reads them as files, this makes them part of the installed package."""
