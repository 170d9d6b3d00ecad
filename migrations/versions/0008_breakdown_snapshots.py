"""The published state of each survey's breakdowns (``breakdown_snapshot``) and what changed
at each score snapshot until then (``breakdown_step``).

Existing surveys get neither: their fieldwork is not recorded, so their breakdowns are
audited from the state at which they are first published alone.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "breakdown_snapshot",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("based_on", sa.Integer(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("min_n", sa.Integer(), nullable=False),
        sa.Column("shown", Json, nullable=False),
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
    op.create_table(
        "breakdown_step",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("changes", Json, nullable=False),
        sa.Column("published", Json, nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey.id"],
            name=op.f("fk_breakdown_step_survey_id_survey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("survey_id", "seq", name=op.f("pk_breakdown_step")),
    )


def downgrade() -> None:
    op.drop_table("breakdown_step")
    op.drop_table("breakdown_snapshot")
