"""Invitations spent in a ledger instead of their own rows; published score snapshots.

- ``invitation.used_on`` goes: a used invitation is one bit of ``invitation_ledger.spent``
  (indexed by the new ``invitation.number``), so using one writes nothing to its row.
- ``score_aggregate.changes`` counts arrivals and withdrawals; ``score_snapshot`` holds the
  aggregates as last published. Existing surveys get a snapshot of their current aggregates,
  so what was published before stays published.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "invitation_ledger",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("spent", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey.id"],
            name=op.f("fk_invitation_ledger_survey_id_survey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("survey_id", name=op.f("pk_invitation_ledger")),
    )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.Integer(), nullable=True))

    invitations = bind.execute(
        sa.text("SELECT id, survey_id, used_on FROM invitation ORDER BY survey_id, id")
    ).all()
    ledgers: dict[int, list[bool]] = {}
    for invitation_id, survey_id, used_on in invitations:
        spent = ledgers.setdefault(survey_id, [])
        bind.execute(
            sa.text("UPDATE invitation SET number = :number WHERE id = :id"),
            {"number": len(spent), "id": invitation_id},
        )
        spent.append(used_on is not None)
    for survey_id, spent in ledgers.items():
        bind.execute(
            sa.text(
                "INSERT INTO invitation_ledger (survey_id, issued, used, spent) "
                "VALUES (:survey_id, :issued, :used, :spent)"
            ),
            {
                "survey_id": survey_id,
                "issued": len(spent),
                "used": sum(spent),
                "spent": _bitmap(spent),
            },
        )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.alter_column("number", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_invitation_survey_id_number"), ["survey_id", "number"]
        )
        batch_op.drop_column("used_on")

    with op.batch_alter_table("score_aggregate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changes", sa.Integer(), nullable=False, server_default="0"))
    # What is known of the past: at least each row's respondents arrived.
    bind.execute(sa.text("UPDATE score_aggregate SET changes = n WHERE n > 0"))
    with op.batch_alter_table("score_aggregate", schema=None) as batch_op:
        batch_op.alter_column("changes", existing_type=sa.Integer(), server_default=None)

    op.create_table(
        "score_snapshot",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("margins", Json, nullable=False),
        sa.Column("cells", Json, nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey.id"],
            name=op.f("fk_score_snapshot_survey_id_survey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("survey_id", name=op.f("pk_score_snapshot")),
    )
    aggregates = sa.table(
        "score_aggregate",
        sa.column("survey_id", sa.Integer()),
        sa.column("cell", sa.String()),
        sa.column("n", sa.Integer()),
        sa.column("changes", sa.Integer()),
        sa.column("stats", Json),
    )
    totals: dict[int, list[int]] = {}  # survey -> [n, changes]
    cells: dict[int, list[list[Any]]] = {}  # survey -> [[cell, n, stats], ...]
    for row in bind.execute(sa.select(aggregates).order_by(aggregates.c.survey_id)):
        total = totals.setdefault(row.survey_id, [0, 0])
        total[0] += row.n
        total[1] += row.changes
        cells.setdefault(row.survey_id, []).append([row.cell, row.n, row.stats])
    surveys = sa.table(
        "survey", sa.column("id", sa.Integer()), sa.column("population_margins", Json)
    )
    margins = {row.id: row.population_margins for row in bind.execute(sa.select(surveys))}
    if totals:
        op.bulk_insert(
            sa.table(
                "score_snapshot",
                sa.column("survey_id", sa.Integer()),
                sa.column("seq", sa.Integer()),
                sa.column("changes", sa.Integer()),
                sa.column("n", sa.Integer()),
                sa.column("taken_on", sa.Date()),
                sa.column("margins", Json),
                sa.column("cells", Json),
            ),
            [
                {
                    "survey_id": survey_id,
                    "seq": 1,
                    "changes": changes,
                    "n": n,
                    "taken_on": datetime.now(UTC).date(),
                    "margins": margins.get(survey_id) or {},
                    "cells": cells[survey_id],
                }
                for survey_id, (n, changes) in totals.items()
            ],
        )


def downgrade() -> None:
    bind = op.get_bind()
    op.drop_table("score_snapshot")
    with op.batch_alter_table("score_aggregate", schema=None) as batch_op:
        batch_op.drop_column("changes")

    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("used_on", sa.Date(), nullable=True))
    # The ledger kept no dates: a spent invitation is marked used today.
    today = datetime.now(UTC).date()
    for survey_id, spent in bind.execute(
        sa.text("SELECT survey_id, spent FROM invitation_ledger")
    ).all():
        numbers = [i for i in range(len(spent) * 8) if spent[i // 8] >> (i % 8) & 1]
        for number in numbers:
            bind.execute(
                sa.text(
                    "UPDATE invitation SET used_on = :today "
                    "WHERE survey_id = :survey_id AND number = :number"
                ),
                {"today": today, "survey_id": survey_id, "number": number},
            )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_invitation_survey_id_number"), type_="unique")
        batch_op.drop_column("number")
    op.drop_table("invitation_ledger")


def _bitmap(spent: list[bool]) -> bytes:
    """Bit i of byte i // 8 (least significant first) is invitation number i."""
    out = bytearray((len(spent) + 7) // 8)
    for number, used in enumerate(spent):
        if used:
            out[number // 8] |= 1 << (number % 8)
    return bytes(out)
