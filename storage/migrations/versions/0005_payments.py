"""payments in the bot

Revision ID: 0005_payments
Revises: 0004
Create Date: 2026-12-01

Card payments in Telegram: the pending payment an invoice names, the charge it ended in (a second success of
one pending payment is kept and marked for a refund), the organization's card commission and НДС code.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005_payments'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_commission_percent', sa.Numeric(precision=5, scale=2), nullable=True))
        batch_op.add_column(sa.Column('vat_code', sa.SmallInteger(), nullable=True))

    op.create_table('pending_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('commission', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('pending','paid')", name=op.f('ck_pending_payments_status')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_pending_payments_amount_positive')),
    sa.CheckConstraint('commission >= 0', name=op.f('ck_pending_payments_commission_nonnegative')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_pending_payments_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_pending_payments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_payments')),
    )
    with op.batch_alter_table('pending_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_payments_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_payments_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('refund_due', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('paid_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_payments_pending_id'), ['pending_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_payments_pending_id_pending_payments'), 'pending_payments',
                                    ['pending_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payments_pending_id_pending_payments'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_payments_pending_id'))
        batch_op.drop_column('paid_at')
        batch_op.drop_column('email')
        batch_op.drop_column('refund_due')
        batch_op.drop_column('pending_id')
    with op.batch_alter_table('pending_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_payments_user_id'))
        batch_op.drop_index(batch_op.f('ix_pending_payments_account_id'))
    op.drop_table('pending_payments')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('vat_code')
        batch_op.drop_column('card_commission_percent')
