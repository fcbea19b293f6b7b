"""Appeals and complaints (issue 11): drafts, numbers, due dates, answers with files, ratings, follow-ups

Revision ID: 0011_appeals
Revises: 0010_payments2
Create Date: 2026-12-02

The appeal tables of 0001 were never written by any release (appeals were «в разработке»), so they are made anew
in the shape the flow needs: a draft («Не отправлено») holds what was entered so far, every field nullable; a sent
appeal has its number (unique), due date, route and the applicant as entered; files belong to the appeal or to one
of its answers; every status change is kept with who made it («Изменения по обращению»).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011_appeals'
down_revision = '0010_payments2'
branch_labels = None
depends_on = None

OLD = ('appeal_status_changes', 'appeal_answers', 'appeal_files', 'appeals')


def upgrade() -> None:
    for name in OLD:
        op.drop_table(name)
    op.create_table('appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('surname', sa.String(length=100), nullable=True),
    sa.Column('first_name', sa.String(length=100), nullable=True),
    sa.Column('patronymic', sa.String(length=100), nullable=True),
    sa.Column('phone', sa.String(length=16), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('house_id', sa.Integer(), nullable=True),
    sa.Column('premises_id', sa.Integer(), nullable=True),
    sa.Column('premises_number', sa.String(length=32), nullable=True),
    sa.Column('municipality', sa.String(length=256), nullable=True),
    sa.Column('topic_code', sa.String(length=8), nullable=True),
    sa.Column('topic', sa.String(length=256), nullable=True),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('addressee_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('route', sa.String(length=8), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('rating', sa.String(length=10), nullable=True),
    sa.Column('rated_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint("rating IS NULL OR rating IN ('solved','partly','unsolved')", name=op.f('ck_appeals_rating')),
    sa.CheckConstraint("route IS NULL OR route IN ('staff','email','pdf')", name=op.f('ck_appeals_route')),
    sa.CheckConstraint("status IN ('draft','sent','in_work','answered','redirected','withdrawn')", name=op.f('ck_appeals_status')),
    sa.ForeignKeyConstraint(['addressee_id'], ['organizations.id'], name=op.f('fk_appeals_addressee_id_organizations')),
    sa.ForeignKeyConstraint(['house_id'], ['houses.id'], name=op.f('fk_appeals_house_id_houses')),
    sa.ForeignKeyConstraint(['parent_id'], ['appeals.id'], name=op.f('fk_appeals_parent_id_appeals'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['premises_id'], ['premises.id'], name=op.f('fk_appeals_premises_id_premises')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_appeals_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeals')),
    sa.UniqueConstraint('number', name=op.f('uq_appeals_number'))
    )
    op.create_index(op.f('ix_appeals_addressee_id'), 'appeals', ['addressee_id'], unique=False)
    op.create_index(op.f('ix_appeals_house_id'), 'appeals', ['house_id'], unique=False)
    op.create_index('ix_appeals_status_due', 'appeals', ['status', 'due_on'], unique=False)
    op.create_index('ix_appeals_user_status', 'appeals', ['user_id', 'status'], unique=False)
    op.create_table('appeal_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.BigInteger(), nullable=True),
    sa.Column('author_name', sa.String(length=256), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_appeal_answers_appeal_id_appeals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal_answers'))
    )
    op.create_index(op.f('ix_appeal_answers_appeal_id'), 'appeal_answers', ['appeal_id'], unique=False)
    op.create_table('appeal_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('changed_by', sa.BigInteger(), nullable=True),
    sa.Column('changed_by_name', sa.String(length=256), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_appeal_status_changes_appeal_id_appeals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal_status_changes'))
    )
    op.create_index(op.f('ix_appeal_status_changes_appeal_id'), 'appeal_status_changes', ['appeal_id'], unique=False)
    op.create_table('appeal_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('file_id', sa.String(length=256), nullable=False),
    sa.Column('file_unique_id', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.String(length=256), nullable=True),
    sa.Column('mime_type', sa.String(length=128), nullable=True),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("kind IN ('photo','document')", name=op.f('ck_appeal_files_kind')),
    sa.ForeignKeyConstraint(['answer_id'], ['appeal_answers.id'], name=op.f('fk_appeal_files_answer_id_appeal_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_appeal_files_appeal_id_appeals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal_files'))
    )
    op.create_index(op.f('ix_appeal_files_answer_id'), 'appeal_files', ['answer_id'], unique=False)
    op.create_index(op.f('ix_appeal_files_appeal_id'), 'appeal_files', ['appeal_id'], unique=False)


def downgrade() -> None:
    for name in OLD:
        op.drop_table(name)
    op.create_table('appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('house_id', sa.Integer(), nullable=False),
    sa.Column('premises_id', sa.Integer(), nullable=True),
    sa.Column('addressee_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=128), nullable=False),
    sa.Column('custom_topic', sa.String(length=256), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('staff_message_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint("status IN ('sent','registered','in_work','answered','withdrawn','closed')", name=op.f('ck_appeals_status')),
    sa.ForeignKeyConstraint(['addressee_id'], ['organizations.id'], name=op.f('fk_appeals_addressee_id_organizations')),
    sa.ForeignKeyConstraint(['house_id'], ['houses.id'], name=op.f('fk_appeals_house_id_houses')),
    sa.ForeignKeyConstraint(['premises_id'], ['premises.id'], name=op.f('fk_appeals_premises_id_premises')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_appeals_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeals'))
    )
    op.create_index(op.f('ix_appeals_addressee_id'), 'appeals', ['addressee_id'], unique=False)
    op.create_index(op.f('ix_appeals_house_id'), 'appeals', ['house_id'], unique=False)
    op.create_index(op.f('ix_appeals_user_id'), 'appeals', ['user_id'], unique=False)
    op.create_table('appeal_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.String(length=256), nullable=False),
    sa.Column('file_unique_id', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.String(length=256), nullable=True),
    sa.Column('mime_type', sa.String(length=128), nullable=True),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_appeal_files_appeal_id_appeals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal_files'))
    )
    op.create_index(op.f('ix_appeal_files_appeal_id'), 'appeal_files', ['appeal_id'], unique=False)
    op.create_table('appeal_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.BigInteger(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_appeal_answers_appeal_id_appeals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal_answers'))
    )
    op.create_index(op.f('ix_appeal_answers_appeal_id'), 'appeal_answers', ['appeal_id'], unique=False)
    op.create_table('appeal_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('changed_by', sa.BigInteger(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_appeal_status_changes_appeal_id_appeals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal_status_changes'))
    )
    op.create_index(op.f('ix_appeal_status_changes_appeal_id'), 'appeal_status_changes', ['appeal_id'], unique=False)
