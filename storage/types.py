"""Exact decimals on every engine.

PostgreSQL's NUMERIC is exact. SQLite has no decimal type: a NUMERIC column keeps 1689.96 as a binary float.
``ExactDecimal(p, s)`` is NUMERIC(p, s) on PostgreSQL and, on SQLite, an integer of the smallest unit (kopecks
for money, thousandths for meter values) in a column still declared NUMERIC(p, s) — so sums in SQL are exact
integer sums, and Python always sees ``Decimal`` with ``s`` places.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import BigInteger, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.types import TypeDecorator, TypeEngine


class ScaledInteger(BigInteger):
    """SQLite's storage of an ExactDecimal: an integer, declared NUMERIC(p, s) (integer values keep INTEGER
    storage under NUMERIC affinity; the declaration documents the meaning and matches the first schema)."""

    def __init__(self, precision: int, scale: int) -> None:
        super().__init__()
        self.precision, self.scale = precision, scale


@compiles(ScaledInteger, "sqlite")
def _compile_scaled(type_: ScaledInteger, compiler: Any, **kw: Any) -> str:
    return f"NUMERIC({type_.precision}, {type_.scale})"


class ExactDecimal(TypeDecorator[Decimal]):
    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        super().__init__(precision, scale)
        self.precision, self.scale = precision, scale
        self._quantum = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(ScaledInteger(self.precision, self.scale))
        return dialect.type_descriptor(Numeric(self.precision, self.scale))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        d = value if isinstance(value, Decimal) else Decimal(str(value))
        return int(d.quantize(self._quantum, rounding=ROUND_HALF_UP).scaleb(self.scale))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name != "sqlite":
            return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(self._quantum)
        return Decimal(int(value)).scaleb(-self.scale)
