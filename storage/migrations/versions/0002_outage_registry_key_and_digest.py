"""outage registry key and digest

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

An outage keeps the start the registry gave it (its key in FORMAT.md) and a digest of its row as last imported,
so that a re-import of an unchanged row does not undo what the staff changed in the bot.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registry_starts_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('registry_digest', sa.String(length=40), nullable=True))
    # outages imported before: their key is their start (the digest is filled by the next import)
    op.execute("UPDATE outages SET registry_starts_at = starts_at WHERE source = 'registry'")


def downgrade() -> None:
    with op.batch_alter_table('outages', schema=None) as batch_op:
        batch_op.drop_column('registry_digest')
        batch_op.drop_column('registry_starts_at')
