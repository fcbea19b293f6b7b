"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('fsm_records',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=200), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_fsm_records'))
    )
    op.create_table('organizations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ogrn', sa.String(length=15), nullable=False),
    sa.Column('inn', sa.String(length=12), nullable=False),
    sa.Column('kpp', sa.String(length=9), nullable=True),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('short_name', sa.Text(), nullable=True),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('legal_address', sa.Text(), nullable=True),
    sa.Column('actual_address', sa.Text(), nullable=True),
    sa.Column('postal_address', sa.Text(), nullable=True),
    sa.Column('phone', sa.String(length=16), nullable=True),
    sa.Column('dispatcher_phone', sa.String(length=16), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('website', sa.String(length=254), nullable=True),
    sa.Column('registered_on', sa.Date(), nullable=True),
    sa.Column('license_number', sa.String(length=64), nullable=True),
    sa.Column('license_issued_on', sa.Date(), nullable=True),
    sa.Column('license_status', sa.String(length=10), nullable=True),
    sa.Column('bank_account', sa.String(length=20), nullable=True),
    sa.Column('bank_name', sa.Text(), nullable=True),
    sa.Column('bic', sa.String(length=9), nullable=True),
    sa.Column('corr_account', sa.String(length=20), nullable=True),
    sa.Column('reading_window_from', sa.SmallInteger(), nullable=True),
    sa.Column('reading_window_to', sa.SmallInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint("kind IN ('uk','tsj','zhsk','rso','gzhi','other')", name=op.f('ck_organizations_kind')),
    sa.CheckConstraint("license_status IS NULL OR license_status IN ('active','suspended','revoked')", name=op.f('ck_organizations_license_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organizations')),
    sa.UniqueConstraint('ogrn', name=op.f('uq_organizations_ogrn'))
    )
    op.create_table('users',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('first_name', sa.String(length=256), nullable=False),
    sa.Column('last_name', sa.String(length=256), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('language_code', sa.String(length=16), nullable=True),
    sa.Column('phone', sa.String(length=16), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('blocked_at', sa.DateTime(), nullable=True),
    sa.Column('notify_readings', sa.Boolean(), nullable=False),
    sa.Column('notify_verification', sa.Boolean(), nullable=False),
    sa.Column('notify_outages', sa.Boolean(), nullable=False),
    sa.Column('notify_meetings', sa.Boolean(), nullable=False),
    sa.Column('notify_news', sa.Boolean(), nullable=False),
    sa.Column('quiet_from', sa.SmallInteger(), nullable=True),
    sa.Column('quiet_to', sa.SmallInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_phone'), ['phone'], unique=False)

    op.create_table('houses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('house_guid', sa.String(length=36), nullable=False),
    sa.Column('region', sa.String(length=128), nullable=False),
    sa.Column('district', sa.String(length=128), nullable=True),
    sa.Column('city', sa.String(length=128), nullable=True),
    sa.Column('settlement', sa.String(length=128), nullable=True),
    sa.Column('street', sa.String(length=256), nullable=False),
    sa.Column('building', sa.String(length=64), nullable=False),
    sa.Column('postal_code', sa.String(length=6), nullable=True),
    sa.Column('municipality', sa.String(length=256), nullable=True),
    sa.Column('manager_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('year_built', sa.SmallInteger(), nullable=True),
    sa.Column('year_commissioned', sa.SmallInteger(), nullable=True),
    sa.Column('floors', sa.SmallInteger(), nullable=True),
    sa.Column('entrances', sa.SmallInteger(), nullable=True),
    sa.Column('total_area', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('condition', sa.String(length=32), nullable=True),
    sa.Column('wear_percent', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('last_capital_repair_year', sa.SmallInteger(), nullable=True),
    sa.Column('capital_repair_fund', sa.String(length=20), nullable=True),
    sa.Column('council_chair', sa.Text(), nullable=True),
    sa.Column('council_members', sa.Text(), nullable=True),
    sa.Column('contract_number', sa.String(length=64), nullable=True),
    sa.Column('contract_signed_on', sa.Date(), nullable=True),
    sa.Column('contract_starts_on', sa.Date(), nullable=True),
    sa.Column('contract_ends_on', sa.Date(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint("capital_repair_fund IS NULL OR capital_repair_fund IN ('regional_operator','special_account')", name=op.f('ck_houses_capital_repair_fund')),
    sa.CheckConstraint("kind IN ('mkd','house')", name=op.f('ck_houses_kind')),
    sa.ForeignKeyConstraint(['manager_id'], ['organizations.id'], name=op.f('fk_houses_manager_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_houses')),
    sa.UniqueConstraint('house_guid', name=op.f('uq_houses_house_guid'))
    )
    with op.batch_alter_table('houses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_houses_manager_id'), ['manager_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('buttons', sa.JSON(), nullable=True),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('not_before', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('pending','sending','sent','failed','skipped')", name=op.f('ck_notifications_status')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('key', name=op.f('uq_notifications_key'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_due', ['status', 'not_before'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_user_id'), ['user_id'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.String(length=64), nullable=False),
    sa.Column('house_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('initiator', sa.Text(), nullable=True),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_meetings_period')),
    sa.ForeignKeyConstraint(['house_id'], ['houses.id'], name=op.f('fk_meetings_house_id_houses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_meetings_meeting_id'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_house_id'), ['house_id'], unique=False)

    op.create_table('outages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('house_id', sa.Integer(), nullable=False),
    sa.Column('resource', sa.String(length=16), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint("kind IN ('planned','emergency')", name=op.f('ck_outages_kind')),
    sa.CheckConstraint("resource IN ('hot_water','cold_water','electricity','heating','gas')", name=op.f('ck_outages_resource')),
    sa.CheckConstraint("status IN ('active','cancelled','ended')", name=op.f('ck_outages_status')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_outages_period')),
    sa.ForeignKeyConstraint(['house_id'], ['houses.id'], name=op.f('fk_outages_house_id_houses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outages')),
    sa.UniqueConstraint('house_id', 'resource', 'starts_at', name=op.f('uq_outages_house_id_resource_starts_at'))
    )
    with op.batch_alter_table('outages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outages_house_id'), ['house_id'], unique=False)

    op.create_table('premises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('house_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('total_area', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('living_area', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('residents', sa.SmallInteger(), nullable=True),
    sa.Column('cadastral_number', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint("kind IN ('residential','nonresidential')", name=op.f('ck_premises_kind')),
    sa.CheckConstraint('total_area > 0', name=op.f('ck_premises_total_area_positive')),
    sa.ForeignKeyConstraint(['house_id'], ['houses.id'], name=op.f('fk_premises_house_id_houses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_premises')),
    sa.UniqueConstraint('house_id', 'number', name=op.f('uq_premises_house_id_number'))
    )
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_number', sa.String(length=30), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('premises_id', sa.Integer(), nullable=False),
    sa.Column('els', sa.String(length=10), nullable=True),
    sa.Column('jku_id', sa.String(length=40), nullable=True),
    sa.Column('payer_name', sa.Text(), nullable=False),
    sa.Column('payer_phone', sa.String(length=16), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['premises_id'], ['premises.id'], name=op.f('fk_accounts_premises_id_premises')),
    sa.ForeignKeyConstraint(['provider_id'], ['organizations.id'], name=op.f('fk_accounts_provider_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('account_number', 'provider_id', name=op.f('uq_accounts_account_number_provider_id'))
    )
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accounts_account_number'), ['account_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_accounts_payer_phone'), ['payer_phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_accounts_premises_id'), ['premises_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_accounts_provider_id'), ['provider_id'], unique=False)

    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('majority', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint("majority IN ('simple','more_than_half_all','two_thirds_all','unanimous')", name=op.f('ck_agenda_items_majority')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_agenda_items_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items')),
    sa.UniqueConstraint('meeting_id', 'number', name=op.f('uq_agenda_items_meeting_id_number'))
    )
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
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeals_addressee_id'), ['addressee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appeals_house_id'), ['house_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appeals_user_id'), ['user_id'], unique=False)

    op.create_table('owners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('premises_id', sa.Integer(), nullable=False),
    sa.Column('owner_name', sa.Text(), nullable=False),
    sa.Column('share_num', sa.Integer(), nullable=False),
    sa.Column('share_den', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=16), nullable=True),
    sa.Column('egrn_record', sa.String(length=64), nullable=True),
    sa.Column('registered_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint('share_num > 0 AND share_den > 0 AND share_num <= share_den', name=op.f('ck_owners_share')),
    sa.ForeignKeyConstraint(['premises_id'], ['premises.id'], name=op.f('fk_owners_premises_id_premises'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_owners')),
    sa.UniqueConstraint('premises_id', 'owner_name', name=op.f('uq_owners_premises_id_owner_name'))
    )
    with op.batch_alter_table('owners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_owners_phone'), ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_owners_premises_id'), ['premises_id'], unique=False)

    op.create_table('account_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=12), nullable=False),
    sa.Column('proven_at', sa.DateTime(), nullable=False),
    sa.Column('approved_by', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("method IN ('phone','bill_total','staff')", name=op.f('ck_account_links_method')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_account_links_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_links')),
    sa.UniqueConstraint('user_id', 'account_id', name=op.f('uq_account_links_user_id_account_id'))
    )
    with op.batch_alter_table('account_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_links_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_links_user_id'), ['user_id'], unique=False)

    op.create_table('appeal_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.BigInteger(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_appeal_answers_appeal_id_appeals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal_answers'))
    )
    with op.batch_alter_table('appeal_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeal_answers_appeal_id'), ['appeal_id'], unique=False)

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
    with op.batch_alter_table('appeal_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeal_files_appeal_id'), ['appeal_id'], unique=False)

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
    with op.batch_alter_table('appeal_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeal_status_changes_appeal_id'), ['appeal_id'], unique=False)

    op.create_table('charges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('service', sa.String(length=128), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_charges_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charges')),
    sa.UniqueConstraint('account_id', 'period', 'service', name=op.f('uq_charges_account_id_period_service'))
    )
    op.create_table('link_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_link_attempts_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_link_attempts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_attempts')),
    sa.UniqueConstraint('account_id', 'user_id', 'day', name=op.f('uq_link_attempts_account_id_user_id_day'))
    )
    op.create_table('link_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decided_by', sa.BigInteger(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('staff_message_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint("status IN ('pending','approved','rejected')", name=op.f('ck_link_requests_status')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_link_requests_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_link_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_requests'))
    )
    with op.batch_alter_table('link_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_requests_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_link_requests_user_id'), ['user_id'], unique=False)

    op.create_table('meters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('serial_number', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('resource', sa.String(length=16), nullable=False),
    sa.Column('tariff_zones', sa.SmallInteger(), nullable=False),
    sa.Column('digits', sa.SmallInteger(), nullable=False),
    sa.Column('installed_on', sa.Date(), nullable=True),
    sa.Column('next_verification_on', sa.Date(), nullable=False),
    sa.Column('last_value', sa.Numeric(precision=15, scale=3), nullable=True),
    sa.Column('last_value_t2', sa.Numeric(precision=15, scale=3), nullable=True),
    sa.Column('last_value_t3', sa.Numeric(precision=15, scale=3), nullable=True),
    sa.Column('last_read_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint("resource IN ('cold_water','hot_water','electricity','gas','heat')", name=op.f('ck_meters_resource')),
    sa.CheckConstraint('digits BETWEEN 1 AND 12', name=op.f('ck_meters_digits')),
    sa.CheckConstraint('tariff_zones BETWEEN 1 AND 3', name=op.f('ck_meters_tariff_zones')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_meters_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meters')),
    sa.UniqueConstraint('serial_number', 'account_id', name=op.f('uq_meters_serial_number_account_id'))
    )
    with op.batch_alter_table('meters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meters_account_id'), ['account_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('channel', sa.String(length=128), nullable=True),
    sa.Column('user_id', sa.BigInteger(), nullable=True),
    sa.Column('method', sa.String(length=16), nullable=True),
    sa.Column('commission', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('telegram_charge_id', sa.String(length=128), nullable=True),
    sa.Column('provider_charge_id', sa.String(length=128), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint("source IN ('registry','bot')", name=op.f('ck_payments_source')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payments_amount_positive')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_payments_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_payments_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('external_id', name=op.f('uq_payments_external_id')),
    sa.UniqueConstraint('telegram_charge_id', name=op.f('uq_payments_telegram_charge_id'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_account_id'), ['account_id'], unique=False)

    op.create_table('votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('choice', sa.String(length=8), nullable=False),
    sa.Column('voted_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("choice IN ('for','against','abstain')", name=op.f('ck_votes_choice')),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_votes_agenda_item_id_agenda_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['owners.id'], name=op.f('fk_votes_owner_id_owners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_votes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes')),
    sa.UniqueConstraint('agenda_item_id', 'owner_id', name=op.f('uq_votes_agenda_item_id_owner_id'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_owner_id'), ['owner_id'], unique=False)

    op.create_table('readings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meter_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=15, scale=3), nullable=False),
    sa.Column('value_t2', sa.Numeric(precision=15, scale=3), nullable=True),
    sa.Column('value_t3', sa.Numeric(precision=15, scale=3), nullable=True),
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=True),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("source IN ('bot','registry','staff')", name=op.f('ck_readings_source')),
    sa.CheckConstraint('value >= 0', name=op.f('ck_readings_value_nonnegative')),
    sa.ForeignKeyConstraint(['meter_id'], ['meters.id'], name=op.f('fk_readings_meter_id_meters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['readings.id'], name=op.f('fk_readings_superseded_by_id_readings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_readings_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_readings'))
    )
    with op.batch_alter_table('readings', schema=None) as batch_op:
        batch_op.create_index('ix_readings_meter_period', ['meter_id', 'period'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('readings', schema=None) as batch_op:
        batch_op.drop_index('ix_readings_meter_period')

    op.drop_table('readings')
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_owner_id'))

    op.drop_table('votes')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_account_id'))

    op.drop_table('payments')
    with op.batch_alter_table('meters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meters_account_id'))

    op.drop_table('meters')
    with op.batch_alter_table('link_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_requests_user_id'))
        batch_op.drop_index(batch_op.f('ix_link_requests_account_id'))

    op.drop_table('link_requests')
    op.drop_table('link_attempts')
    op.drop_table('charges')
    with op.batch_alter_table('appeal_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeal_status_changes_appeal_id'))

    op.drop_table('appeal_status_changes')
    with op.batch_alter_table('appeal_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeal_files_appeal_id'))

    op.drop_table('appeal_files')
    with op.batch_alter_table('appeal_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeal_answers_appeal_id'))

    op.drop_table('appeal_answers')
    with op.batch_alter_table('account_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_links_user_id'))
        batch_op.drop_index(batch_op.f('ix_account_links_account_id'))

    op.drop_table('account_links')
    with op.batch_alter_table('owners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_owners_premises_id'))
        batch_op.drop_index(batch_op.f('ix_owners_phone'))

    op.drop_table('owners')
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeals_user_id'))
        batch_op.drop_index(batch_op.f('ix_appeals_house_id'))
        batch_op.drop_index(batch_op.f('ix_appeals_addressee_id'))

    op.drop_table('appeals')
    op.drop_table('agenda_items')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounts_provider_id'))
        batch_op.drop_index(batch_op.f('ix_accounts_premises_id'))
        batch_op.drop_index(batch_op.f('ix_accounts_payer_phone'))
        batch_op.drop_index(batch_op.f('ix_accounts_account_number'))

    op.drop_table('accounts')
    op.drop_table('premises')
    with op.batch_alter_table('outages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outages_house_id'))

    op.drop_table('outages')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_house_id'))

    op.drop_table('meetings')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_user_id'))
        batch_op.drop_index('ix_notifications_due')

    op.drop_table('notifications')
    with op.batch_alter_table('houses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_houses_manager_id'))

    op.drop_table('houses')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_phone'))

    op.drop_table('users')
    op.drop_table('organizations')
    op.drop_table('fsm_records')

