"""One paginator for every long list (meters, houses found, outages, appeals, meetings …)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton

from bot.texts import common as ct

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    page: int  # 0-based, clamped into range
    pages: int  # at least 1
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 0

    @property
    def has_next(self) -> bool:
        return self.page + 1 < self.pages


def paginate(items: Sequence[T], page: int, size: int) -> Page[T]:
    """The items of page ``page`` (clamped: a stale or forged page number shows the nearest real page)."""
    pages = max(1, -(-len(items) // size))
    page = min(max(page, 0), pages - 1)
    return Page(items[page * size:(page + 1) * size], page, pages, len(items))


def nav_row(page: Page[T] | tuple[int, int], callback: Callable[[int], CallbackData]) -> list[InlineKeyboardButton]:
    """«« Назад» / «Далее »» between pages (empty when everything fits on one). ``page``: a ``Page`` or
    (page, pages); ``callback(n)`` builds the button's data for page ``n``."""
    current, pages = (page.page, page.pages) if isinstance(page, Page) else page
    row = []
    if current > 0:
        row.append(InlineKeyboardButton(text=ct.BTN_BACK, callback_data=callback(current - 1).pack()))
    if current + 1 < pages:
        row.append(InlineKeyboardButton(text=ct.BTN_NEXT, callback_data=callback(current + 1).pack()))
    return row
