"""Wider respondent attribute columns: "prefer_not_to_say" is 17 characters.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        for column in ("age_band", "gender"):
            batch_op.alter_column(
                column, existing_type=sa.String(length=16), type_=sa.String(length=32)
            )


def downgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        for column in ("age_band", "gender"):
            batch_op.alter_column(
                column, existing_type=sa.String(length=32), type_=sa.String(length=16)
            )
