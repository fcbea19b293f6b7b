"""The base of every flow's data: a small typed model kept in the FSM storage, read and written in one place."""

from __future__ import annotations

from typing import Self

from aiogram.fsm.context import FSMContext
from pydantic import BaseModel


class FlowData(BaseModel):
    """``data = await LinkData.load(state)`` … ``await data.save(state)``. JSON-safe values only (ids, strings of
    Decimals, ISO dates), so SQL and Redis storage keep it alike."""

    @classmethod
    async def load(cls, state: FSMContext) -> Self:
        return cls.model_validate(await state.get_data())

    async def save(self, state: FSMContext) -> None:
        await state.set_data(self.model_dump(mode="json"))
