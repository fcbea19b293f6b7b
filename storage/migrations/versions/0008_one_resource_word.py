"""one resource vocabulary: an outage of heating is stored as ``heat``, as a heat meter is

Revision ID: 0008_one_resource_word
Revises: 0007_cards
Create Date: 2026-12-01

The outages table said ``heating`` where meters say ``heat``; the registry's outages file keeps its word
(``heating``) and the parser maps it. The registry key of an outage (house, resource, registry start) is
rewritten with the value, so a re-import finds its rows.
"""

from __future__ import annotations

from alembic import op

revision = '0008_one_resource_word'
down_revision = '0007_cards'
branch_labels = None
depends_on = None

NEW = "resource IN ('cold_water','hot_water','electricity','gas','heat')"
OLD = "resource IN ('hot_water','cold_water','electricity','heating','gas')"


def _swap(check: str, src: str, dst: str) -> None:
    with op.batch_alter_table('outages', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outages_resource'), type_='check')
    op.execute(f"UPDATE outages SET resource = '{dst}' WHERE resource = '{src}'")
    with op.batch_alter_table('outages', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_outages_resource'), check)


def upgrade() -> None:
    _swap(NEW, 'heating', 'heat')


def downgrade() -> None:
    _swap(OLD, 'heat', 'heating')
