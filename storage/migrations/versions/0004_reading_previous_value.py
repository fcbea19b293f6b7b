"""reading previous value

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

A reading keeps the value its consumption was counted from when it was saved: a later registry import may
overwrite the meter's last value, and the export for billing would lose the previous value.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('readings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_value', sa.Numeric(precision=15, scale=3), nullable=True))
        batch_op.add_column(sa.Column('prev_value_t2', sa.Numeric(precision=15, scale=3), nullable=True))
        batch_op.add_column(sa.Column('prev_value_t3', sa.Numeric(precision=15, scale=3), nullable=True))
        batch_op.add_column(sa.Column('prev_taken_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('readings', schema=None) as batch_op:
        batch_op.drop_column('prev_taken_on')
        batch_op.drop_column('prev_value_t3')
        batch_op.drop_column('prev_value_t2')
        batch_op.drop_column('prev_value')
