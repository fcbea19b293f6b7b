"""The push sender's pass reads along an index: (status, urgent, id)

Revision ID: 0012_outbox_next_index
Revises: 0011_appeals
Create Date: 2026-12-02

Each pass of the sender took the due pending rows urgent first, by id: with one ORDER BY urgent DESC, id the
database sorted every due row (57 ms a pass with 100 000 pending on PostgreSQL). It now reads the urgent rows and
then the others, each of which PostgreSQL reads along this index, stopping at the pass's size (4 ms). SQLite's
planner, with no statistics, keeps ix_notifications_due (as fast as before).
"""

from __future__ import annotations

from alembic import op

revision = '0012_outbox_next_index'
down_revision = '0011_appeals'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_notifications_next', 'notifications', ['status', 'urgent', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_notifications_next', table_name='notifications')
