"""«Оплата ЖКУ» pushes: a user setting, on by default

Revision ID: 0010_payments2
Revises: 0009_voting
Create Date: 2026-12-01

``users.notify_payments`` turns the reminder three days before a charge's due date on or off in «Настройки»;
the users already there get it on, as new users do.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010_payments2'
down_revision = '0009_voting'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_payments', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('notify_payments')
