"""A survey's title in each language it offers (``survey.titles``: language -> title).

``title`` stays, in the survey's default language; existing surveys get no other titles, so
their pages show ``title`` marked with its language.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("titles", Json, nullable=False, server_default=sa.text("'{}'"))
        )
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.alter_column("titles", existing_type=Json, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.drop_column("titles")
