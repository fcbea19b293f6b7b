"""outbox: pushes as data

Revision ID: 0006_outbox
Revises: 0005_payments
Create Date: 2026-12-01

A push is kept as its notice (``payload``) and rendered by the push view when it is sent, so a value from the
registry or from staff is escaped in one place and the buttons are typed callback data; a push may carry a photo
or a document (``media``); ``text`` becomes the text as delivered.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006_outbox'
down_revision = '0005_payments'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payload', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('media', sa.JSON(), nullable=True))
        batch_op.alter_column('text', existing_type=sa.Text(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE notifications SET text = '' WHERE text IS NULL")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.alter_column('text', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('media')
        batch_op.drop_column('payload')
