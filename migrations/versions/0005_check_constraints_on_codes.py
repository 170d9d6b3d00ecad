"""CHECK constraints on coded columns: the database refuses a value the API would refuse.

- ``survey``: ``status`` (draft, open, closed), ``access`` (open, invitation), ``audience``
  (the instruments' audiences) and ``default_language`` (nb, nn, en);
- ``api_key.role`` (admin, municipality, dashboard, analyst);
- ``response.language`` (nb, nn, en).

Each is named ``ck_<table>_<column>``. Stored rows already hold only these values (the API
has always validated them), so the constraints are added as they are.

SQLite cannot add or drop a constraint in place: the table is rebuilt (created anew, filled,
the old one dropped). Dropping ``survey`` while foreign keys are enforced would fire the ON
DELETE actions of every table that refers to it (its responses, invitations, scores), so
the migration refuses to rebuild a ``survey`` table that holds rows unless enforcement is
off for the migration, as SQLite's procedure for altering tables prescribes.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LANGUAGES = ("nb", "nn", "en")
AUDIENCES = (
    "citizens",
    "employees",
    "elected_members",
    "union_representatives",
    "leaders",
    "mixed",
)

# table -> column -> the values it may hold
CODES: dict[str, dict[str, tuple[str, ...]]] = {
    "survey": {
        "status": ("draft", "open", "closed"),
        "access": ("open", "invitation"),
        "audience": AUDIENCES,
        "default_language": LANGUAGES,
    },
    "api_key": {"role": ("admin", "municipality", "dashboard", "analyst")},
    "response": {"language": LANGUAGES},
}


# Of the tables above, those that other tables refer to with foreign keys.
REFERENCED = {"survey"}


def _condition(column: str, values: tuple[str, ...]) -> str:
    allowed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({allowed})"


def _check_rebuild_is_safe(table: str) -> None:
    """On SQLite, refuse to rebuild a referenced table with rows while foreign keys are
    enforced: dropping the old table would delete or orphan the rows that refer to it."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite" or table not in REFERENCED:
        return
    if not bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        return
    if bind.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is None:
        return
    raise RuntimeError(
        f"SQLite rebuilds the table {table!r} to change its constraints, and with foreign "
        "keys enforced that would delete the rows that refer to it. Run the migration on a "
        "connection with PRAGMA foreign_keys=OFF (set before its transaction begins), e.g. "
        "'alembic -x url=... upgrade head'. The migration stopped before changing it."
    )


def upgrade() -> None:
    for table, columns in CODES.items():
        _check_rebuild_is_safe(table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, values in columns.items():
                batch_op.create_check_constraint(
                    op.f(f"ck_{table}_{column}"), _condition(column, values)
                )


def downgrade() -> None:
    for table, columns in reversed(CODES.items()):
        _check_rebuild_is_safe(table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in reversed(columns):
                batch_op.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
