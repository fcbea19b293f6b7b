"""staff cards; what a link request tells the staff

Revision ID: 0007_cards
Revises: 0006_outbox
Create Date: 2026-12-01

The staff card loop keeps each card's message in the staff chat, the reason prompt and the outcome
(``staff_cards``); a link request carries the resident's name, relation to the payer, shared phone and the staff's
reason for a rejection.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007_cards'
down_revision = '0006_outbox'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=True),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.Column('prompt_message_id', sa.BigInteger(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('asked_by', sa.BigInteger(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('decided_by', sa.BigInteger(), nullable=True),
    sa.Column('decided_by_name', sa.String(length=256), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('open','asking','decided')", name=op.f('ck_staff_cards_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_cards')),
    sa.UniqueConstraint('kind', 'subject_id', name=op.f('uq_staff_cards_kind_subject_id'))
    )
    with op.batch_alter_table('staff_cards', schema=None) as batch_op:
        batch_op.create_index('ix_staff_cards_chat_message', ['chat_id', 'message_id'], unique=False)
        batch_op.create_index('ix_staff_cards_chat_prompt', ['chat_id', 'prompt_message_id'], unique=False)

    with op.batch_alter_table('link_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applicant_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('relation', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_link_requests_relation'), "relation IS NULL OR relation IN ('owner','tenant','family')")


def downgrade() -> None:
    with op.batch_alter_table('link_requests', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_link_requests_relation'), type_='check')
        batch_op.drop_column('reason')
        batch_op.drop_column('phone')
        batch_op.drop_column('relation')
        batch_op.drop_column('applicant_name')
    with op.batch_alter_table('staff_cards', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_cards_chat_prompt')
        batch_op.drop_index('ix_staff_cards_chat_message')
    op.drop_table('staff_cards')
