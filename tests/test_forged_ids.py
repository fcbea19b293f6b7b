"""Item 10 of the seams: forged callback data never crashes. Every CallbackData of every flow is tried with an id
that no database column can hold (20 digits), one just past an INTEGER id column (2³¹) and a negative one, from a resident's private chat and from the
staff chat: each press is answered like a stale button (an alert), never with the apology."""

from __future__ import annotations

import enum
import importlib
import pkgutil
import typing

import pytest
from aiogram.filters.callback_data import CallbackData

import bot.fsm
from bot.fsm.ids import BIGINT_MAX, ROW_ID_MAX
from bot.texts import common as ct

HUGE = "9" * 20


def _callback_classes() -> list[type[CallbackData]]:
    found: dict[str, type[CallbackData]] = {}
    for mod in pkgutil.iter_modules(bot.fsm.__path__):
        module = importlib.import_module(f"bot.fsm.{mod.name}")
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, CallbackData) and obj is not CallbackData:
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[k] for k in sorted(found)]


def _id_fields(cls: type[CallbackData]) -> list[str]:
    return [name for name, f in cls.model_fields.items()
            if f.annotation is int or any(getattr(m, "le", None) is not None for m in f.metadata)
            and typing.get_origin(f.annotation) is None and f.annotation is int]


def _value(annotation: typing.Any) -> str:
    args = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    kind = args[0]
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return str(next(iter(kind)).value)
    if kind is bool:
        return "1"
    if kind is int:
        return "1"
    return ""


def forged(cls: type[CallbackData], field: str, value: str) -> str:
    parts = [cls.__prefix__]
    for name, f in cls.model_fields.items():
        parts.append(value if name == field else _value(f.annotation))
    return cls.__separator__.join(parts)


CASES = [(cls, field) for cls in _callback_classes() for field in _id_fields(cls)]


def test_every_id_field_is_bounded():
    """No CallbackData field is a bare ``int``: each is ``Id`` or ``Page`` (bot/fsm/ids.py)."""
    assert CASES, "no callback data with id fields found"
    for cls, field in CASES:
        meta = cls.model_fields[field].metadata
        assert any(getattr(m, "le", None) is not None and m.le <= BIGINT_MAX for m in meta), \
            f"{cls.__name__}.{field} is unbounded"


@pytest.mark.parametrize(("cls", "field"), CASES, ids=[f"{c.__prefix__}.{f}" for c, f in CASES])
@pytest.mark.parametrize("value", [HUGE, str(ROW_ID_MAX + 1), "-1"])  # 2³¹: past an INTEGER column
async def test_forged_id_is_a_stale_button(client, staff, cls, field, value):
    await client.send("/start")
    for who in (client, staff):
        who.skip_unread()
        replies = await who.click_data(forged(cls, field, value))
        assert replies, f"{cls.__name__}: no answer"
        assert all(r.text != ct.ERROR for r in replies), f"{cls.__name__}.{field}={value}: the apology"
        assert replies[0].method == "answerCallbackQuery"
