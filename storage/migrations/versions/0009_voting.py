"""voting: administrators, question types, stored results, the houses' e-voting decision

Revision ID: 0009_voting
Revises: 0008_one_resource_word
Create Date: 2026-12-01

«Голосование по дому»: a meeting names its administrator (ЖК РФ ст. 47.1) and keeps its results once closed; an
agenda item names its kind of question (ЖК РФ ст. 44 ч. 2) and keeps its votes and outcome; a house keeps the
owners' decision to hold meetings electronically (без него голосование — опрос собственников).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009_voting'
down_revision = '0008_one_resource_word'
branch_labels = None
depends_on = None

AREA = sa.Numeric(precision=12, scale=2)


def upgrade() -> None:
    with op.batch_alter_table('houses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evoting_decision', sa.Text(), nullable=True))
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('administrator', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('total_votes', AREA, nullable=True))
        batch_op.add_column(sa.Column('participated_votes', AREA, nullable=True))
        batch_op.add_column(sa.Column('voters', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('quorum', sa.Boolean(), nullable=True))
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question_type', sa.String(length=20), server_default='other',
                                      nullable=False))
        batch_op.add_column(sa.Column('votes_for', AREA, nullable=True))
        batch_op.add_column(sa.Column('votes_against', AREA, nullable=True))
        batch_op.add_column(sa.Column('votes_abstain', AREA, nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=10), nullable=True))
        batch_op.create_check_constraint(
            'question_type',
            "question_type IN ('manager_choice','capital_repair','common_property','council','evoting_system',"
            "'current_repair','other')")
        batch_op.create_check_constraint(
            'outcome', "outcome IS NULL OR outcome IN ('adopted','rejected','no_quorum')")


def downgrade() -> None:
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_constraint('ck_agenda_items_outcome', type_='check')
        batch_op.drop_constraint('ck_agenda_items_question_type', type_='check')
        for col in ('outcome', 'votes_abstain', 'votes_against', 'votes_for', 'question_type'):
            batch_op.drop_column(col)
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        for col in ('quorum', 'voters', 'participated_votes', 'total_votes', 'closed_at', 'administrator'):
            batch_op.drop_column(col)
    with op.batch_alter_table('houses', schema=None) as batch_op:
        batch_op.drop_column('evoting_decision')
