"""Bounded field types for callback data. Callback data comes from the user and can be forged: an id that no
database column can hold (``acc:o:99999999999999999999``) or a negative page fails validation when the button is
unpacked, so its filter does not match and the press is answered like any other stale button — never an
``OverflowError`` deep in a query."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

BIGINT_MAX = 2**63 - 1  # PostgreSQL BIGINT, SQLite INTEGER
ROW_ID_MAX = 2**31 - 1  # the tables' ids are INTEGER: PostgreSQL refuses a bigger one in a query

Id = Annotated[int, Field(ge=0, le=ROW_ID_MAX)]  # a row id; 0 where the field means «none»
Page = Annotated[int, Field(ge=0, le=100_000)]  # a page of a list
Token = Annotated[str, Field(max_length=16)]  # a dialog attempt's mark
