"""exact decimals on SQLite

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

SQLite kept money, areas and meter values as binary floats in their NUMERIC columns. From now on (see
``storage/types.py``) it keeps them as integers of the smallest unit: kopecks, hundredths of m² and of a percent,
thousandths of a meter unit. This revision converts the stored values; PostgreSQL's NUMERIC is exact already and
is left alone. The declared column types do not change.
"""

from __future__ import annotations

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# table → (column, decimal places)
COLUMNS = {
    "houses": (("total_area", 2), ("wear_percent", 2)),
    "premises": (("total_area", 2), ("living_area", 2)),
    "meters": (("last_value", 3), ("last_value_t2", 3), ("last_value_t3", 3)),
    "charges": (("amount", 2),),
    "payments": (("amount", 2), ("commission", 2)),
    "readings": (("value", 3), ("value_t2", 3), ("value_t3", 3)),
}


def _convert(scale_up: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, columns in COLUMNS.items():
        sets = ", ".join(
            f"{c} = CAST(ROUND({c} * {10 ** s}) AS INTEGER)" if scale_up else f"{c} = ROUND({c} / {10 ** s}.0, {s})"
            for c, s in columns)
        op.execute(f"UPDATE {table} SET {sets}")  # NULL stays NULL


def upgrade() -> None:
    _convert(scale_up=True)


def downgrade() -> None:
    _convert(scale_up=False)
