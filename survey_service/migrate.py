"""Running the alembic migrations from the service (``survey-service init``, tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

MIGRATIONS_PACKAGE = "survey_service.migrations"
# The repository's migrations/, for a checkout whose editable install predates the package.
_CHECKOUT_MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def script_location() -> Path:
    """The folder of the alembic scripts: the repository's ``migrations/``, installed (from a
    wheel, or editable) as the package ``survey_service.migrations``."""
    try:
        location = resources.files(MIGRATIONS_PACKAGE)
    except ModuleNotFoundError:
        if (_CHECKOUT_MIGRATIONS / "env.py").is_file():
            return _CHECKOUT_MIGRATIONS
        raise RuntimeError(
            f"The migrations are not installed: {MIGRATIONS_PACKAGE} cannot be imported. "
            "Reinstall survey-service."
        ) from None
    if not isinstance(location, Path):  # alembic reads the scripts from the file system
        raise RuntimeError(f"{MIGRATIONS_PACKAGE} is not a folder on disk: {location}")
    return location


def alembic_config(engine: Engine | None = None, url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    config.attributes["configure_logging"] = False
    if url:
        config.attributes["url"] = url
    if engine is not None:
        config.attributes["url"] = engine.url.render_as_string(hide_password=False)
    return config


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction for running migrations.

    On SQLite, altering a table means rebuilding it, and dropping the old table fires the ON
    DELETE actions of every table that refers to it; so foreign keys are not enforced while
    migrating (the pragma only takes effect outside a transaction), checked before the
    commit instead, and enforced again afterwards, as SQLite's procedure prescribes.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        driver: Any = connection.connection.driver_connection
        enforced = bool(sqlite and driver.execute("PRAGMA foreign_keys").fetchone()[0])
        if enforced:
            driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                yield connection
                if enforced and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("the migration left rows referring to missing rows")
        finally:
            if enforced:
                driver.execute("PRAGMA foreign_keys=ON")


def upgrade(engine: Engine, revision: str = "head") -> None:
    with _migrating(engine) as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    with _migrating(engine) as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
