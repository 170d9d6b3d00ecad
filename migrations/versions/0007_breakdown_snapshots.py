"""The published state of each survey's breakdowns: ``breakdown_snapshot``.

Existing surveys get none: their breakdowns are first published at the next read after they
stop collecting.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "breakdown_snapshot",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("based_on", sa.Integer(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("min_n", sa.Integer(), nullable=False),
        sa.Column("shown", Json, nullable=False),
        sa.Column("ever", Json, nullable=False),
        sa.Column("cells", Json, nullable=True),
        sa.Column("margins", Json, nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey.id"],
            name=op.f("fk_breakdown_snapshot_survey_id_survey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("survey_id", name=op.f("pk_breakdown_snapshot")),
    )


def downgrade() -> None:
    op.drop_table("breakdown_snapshot")
