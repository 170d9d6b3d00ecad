"""Score aggregates (striped sufficient statistics) and form-open counters.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "form_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("stripe", sa.SmallInteger(), nullable=False),
        sa.Column("opened", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey.id"],
            name=op.f("fk_form_counter_survey_id_survey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_counter")),
        sa.UniqueConstraint(
            "survey_id", "day", "stripe", name=op.f("uq_form_counter_survey_id_day_stripe")
        ),
    )
    with op.batch_alter_table("form_counter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_counter_survey_id"), ["survey_id"], unique=False)

    op.create_table(
        "score_aggregate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("cell", sa.String(length=300), nullable=False),
        sa.Column("stripe", sa.SmallInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("stats", Json, nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey.id"],
            name=op.f("fk_score_aggregate_survey_id_survey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_aggregate")),
        sa.UniqueConstraint(
            "survey_id", "cell", "stripe", name=op.f("uq_score_aggregate_survey_id_cell_stripe")
        ),
    )
    with op.batch_alter_table("score_aggregate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_score_aggregate_survey_id"), ["survey_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("score_aggregate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_aggregate_survey_id"))

    op.drop_table("score_aggregate")
    with op.batch_alter_table("form_counter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_counter_survey_id"))

    op.drop_table("form_counter")
