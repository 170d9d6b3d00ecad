"""Surveys run by an organiser (the network, KS, a county) for several municipalities.

- ``survey``: ``municipality_number`` may be null; ``organiser_kind`` (network, ks, county),
  ``organiser_county`` and ``organiser_name``; a CHECK (``ck_survey_run_by``) that exactly
  one of ``municipality_number`` and ``organiser_kind`` is set. Every stored survey is a
  municipality's, so it holds.
- ``survey_participant``: the municipalities taking part in an organiser's survey.
- ``response.municipality``: which of them the respondent comes from.

SQLite rebuilds ``survey`` to change a column and add the constraints (see 0005 on why
foreign keys must not be enforced meanwhile; ``survey-service init`` and alembic's command
line see to it).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

RUN_BY = "(municipality_number IS NULL) <> (organiser_kind IS NULL)"


def _check_rebuild_is_safe() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    if not bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        return
    if bind.execute(sa.text("SELECT 1 FROM survey LIMIT 1")).first() is None:
        return
    raise RuntimeError(
        "SQLite rebuilds the table 'survey' to change its columns, and with foreign keys "
        "enforced that would delete the rows that refer to it. Run the migration on a "
        "connection with PRAGMA foreign_keys=OFF, e.g. 'alembic -x url=... upgrade head'."
    )


def upgrade() -> None:
    _check_rebuild_is_safe()
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organiser_kind", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("organiser_county", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("organiser_name", sa.String(length=200), nullable=True))
        batch_op.alter_column("municipality_number", existing_type=sa.String(4), nullable=True)
        batch_op.create_check_constraint(
            op.f("ck_survey_organiser_kind"), "organiser_kind IN ('network', 'ks', 'county')"
        )
        batch_op.create_check_constraint(op.f("ck_survey_run_by"), RUN_BY)
    op.create_table(
        "survey_participant",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("municipality_number", sa.String(length=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey.id"],
            name=op.f("fk_survey_participant_survey_id_survey"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_number"],
            ["municipality.number"],
            name=op.f("fk_survey_participant_municipality_number_municipality"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "survey_id", "municipality_number", name=op.f("pk_survey_participant")
        ),
    )
    with op.batch_alter_table("survey_participant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_participant_municipality_number"),
            ["municipality_number"],
            unique=False,
        )
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("municipality", sa.String(length=4), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_column("municipality")
    op.drop_table("survey_participant")
    _check_rebuild_is_safe()
    # An organiser's survey has no municipality to fall back on: it goes, with its responses.
    op.execute(sa.text("DELETE FROM survey WHERE municipality_number IS NULL"))
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_survey_run_by"), type_="check")
        batch_op.drop_constraint(op.f("ck_survey_organiser_kind"), type_="check")
        batch_op.alter_column("municipality_number", existing_type=sa.String(4), nullable=False)
        batch_op.drop_column("organiser_name")
        batch_op.drop_column("organiser_county")
        batch_op.drop_column("organiser_kind")
