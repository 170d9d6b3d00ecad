"""A closed survey's final publication: which responses the published figures hold.

``response.published`` is set when a snapshot first holds the response; ``score_snapshot.final``
marks the snapshot taken when the survey stopped collecting, from exactly the published
responses, which is what an export of the survey releases.

Existing surveys: every response of a survey that has a snapshot counts as published. Where
nothing changed since the snapshot was taken, that is exact; where something did, the rows
the exports of earlier versions released were all of them, so marking them all publishes
nothing new. The next snapshot marks every response present then, as usual.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("published", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("score_snapshot", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("final", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute(
        "UPDATE response SET published = true "
        "WHERE survey_id IN (SELECT survey_id FROM score_snapshot)"
    )


def downgrade() -> None:
    with op.batch_alter_table("score_snapshot", schema=None) as batch_op:
        batch_op.drop_column("final")
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_column("published")
