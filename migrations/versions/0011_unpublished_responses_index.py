"""An index of each survey's responses that no snapshot holds yet.

Every ``min_n``-th submission publishes a snapshot and marks the responses it holds
(``response.published``); the partial index finds the few unmarked ones directly, where the
index on ``survey_id`` alone visited every response of the survey, so that a submission's cost
grew with the survey's size.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

NOT_PUBLISHED = sa.text("NOT published")


def upgrade() -> None:
    op.create_index(
        "ix_response_unpublished",
        "response",
        ["survey_id"],
        postgresql_where=NOT_PUBLISHED,
        sqlite_where=NOT_PUBLISHED,
    )


def downgrade() -> None:
    op.drop_index("ix_response_unpublished", table_name="response")
