"""Routing without the walk past every handler that cannot match.

aiogram offers an update to the routers in order and, in each, to its handlers in order, until one's filters all
pass. Each router visited and each handler checked copies the update's whole context (some twenty values) a few
times over, so a reading's step went past ten routers and some twenty handlers — a quarter of the update's time —
before reaching its own.

Most of our handlers are tied to a dialog's state (``SubmitReading.value``, ``StateFilter(…)``) or to the prefix
of their callback data (``MeterCD.filter()``): filters that a handler needs together with all its others. Both are
known at start-up, and both are read off the update in a few nanoseconds. ``gate_routers`` works out, for every
handler, the states and the prefix it can accept (or that it accepts any), and swaps each router and observer of
the tree to a class that passes over — without calling any of its filters — a handler that cannot accept this
update, and a router none of whose handlers can. The filters themselves are untouched and still run, in their
order, on every handler that can accept the update: which handler answers an update is exactly what it was (the
filters are pure: they only look at the update and the context; ``tests/test_routing.py`` checks the gates
against the filters themselves).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from inspect import isclass
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.bases import UNHANDLED, SkipHandler
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.dispatcher.event.telegram import TelegramEventObserver
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.filters.state import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery
from aiogram.utils.magic_filter import MagicFilter
from magic_filter.operations import ComparatorOperation, FunctionOperation, GetAttributeOperation
from magic_filter.util import in_op

ANY = None  # a gate that lets everything through
GATED = ("message", "callback_query")  # the kinds of update whose handlers are gated


@dataclass(frozen=True, slots=True)
class Gate:
    """What a handler can accept: the dialog states (``None`` among them: no dialog), and the callback data's
    prefix; ``ANY`` for either when the handler's filters do not restrict it."""

    states: frozenset[str | None] | None = ANY
    prefix: tuple[str, str] | None = ANY  # (prefix, separator)
    texts: frozenset[str] | None = ANY  # the message's text is one of these (``F.text == …``, ``F.text.in_(…)``)
    command: str | None = ANY  # the text (or caption) starts with one of these characters (``Command(…)``)
    present: str | None = ANY  # this field of the update is set (``F.successful_payment``, ``F.contact``)

    def admits(self, event: Any, raw_state: str | None) -> bool:
        if self.states is not ANY and raw_state not in self.states:
            return False
        if self.texts is not ANY and getattr(event, "text", None) not in self.texts:
            return False
        if self.present is not ANY and not getattr(event, self.present, None):
            return False
        if self.command is not ANY:
            text = (getattr(event, "text", None) or getattr(event, "caption", None) or "").lstrip()
            if not text or text[0] not in self.command:
                return False
        if self.prefix is not ANY:
            data = event.data if isinstance(event, CallbackQuery) else None
            if not data:
                return False
            prefix, sep = self.prefix
            if data.split(sep, 1)[0] != prefix:
                return False
        return True


def _states(callback: Any) -> frozenset[str | None] | None:
    """The states a state filter accepts; ``ANY`` for «any state» or for a filter that is not one."""
    if callback is None or isinstance(callback, str):  # inside a StateFilter: None is «no dialog»
        return ANY if callback == "*" else frozenset({callback})
    if isinstance(callback, State):
        return ANY if callback.state == "*" else frozenset({callback.state})
    if isinstance(callback, StatesGroup) or (isclass(callback) and issubclass(callback, StatesGroup)):
        return frozenset(callback.__all_states_names__)
    if isinstance(callback, StateFilter):
        names: set[str | None] = set()
        for s in callback.states:
            part = _states(s)
            if part is ANY:
                return ANY
            names |= part
        return frozenset(names)
    return ANY


def _present(magic: Any) -> str | None:
    """The field that ``F.<field>`` alone asks to be set; ``ANY`` for any other magic filter."""
    if type(magic) is not MagicFilter or len(magic._operations) != 1:
        return ANY
    (attr,) = magic._operations
    if type(attr) is not GetAttributeOperation or attr.important:
        return ANY
    return attr.name


def _texts(magic: Any) -> frozenset[str] | None:
    """The texts ``F.text == "…"`` or ``F.text.in_({…})`` accepts; ``ANY`` for any other magic filter."""
    if type(magic) is not MagicFilter or len(magic._operations) != 2:
        return ANY
    attr, test = magic._operations
    if type(attr) is not GetAttributeOperation or attr.name != "text" or attr.important or test.important:
        return ANY
    if type(test) is ComparatorOperation and test.comparator is operator.eq and isinstance(test.right, str):
        return frozenset({test.right})
    if (type(test) is FunctionOperation and test.function is in_op and not test.kwargs and len(test.args) == 1
            and isinstance(test.args[0], (set, frozenset, tuple, list))
            and all(isinstance(x, str) for x in test.args[0])):
        return frozenset(test.args[0])
    return ANY


def handler_gate(handler: HandlerObject) -> Gate:
    """The handler's gate, from its top-level filters (all of which must pass)."""
    states: frozenset[str | None] | None = ANY
    prefix: tuple[str, str] | None = ANY
    texts: frozenset[str] | None = ANY
    command: str | None = ANY
    present: str | None = ANY
    for f in handler.filters or ():
        cb = f.callback
        if f.magic is not None:
            if texts is ANY:
                texts = _texts(f.magic)
            if present is ANY:
                present = _present(f.magic)
            continue
        if states is ANY and not (cb is None or isinstance(cb, str)):
            states = _states(cb)
        if prefix is ANY and isinstance(cb, CallbackQueryFilter):
            cd = cb.callback_data
            prefix = (cd.__prefix__, cd.__separator__)
        if command is ANY and isinstance(cb, Command) and isinstance(cb.prefix, str) and cb.prefix:
            command = cb.prefix
    return Gate(states, prefix, texts, command, present)


class GatedObserver(TelegramEventObserver):
    """An observer that checks a handler's filters only when its gate admits the update."""

    _gates: list[Gate]

    def admits(self, event: Any, raw_state: str | None) -> bool:
        """Some handler may accept the update (or one was registered after start-up and has no gate)."""
        if len(self._gates) != len(self.handlers):
            return True
        return any(g.admits(event, raw_state) for g in self._gates)

    async def trigger(self, event: Any, **kwargs: Any) -> Any:
        gates = self._gates
        if len(gates) != len(self.handlers):  # a handler registered after start-up: the plain walk
            return await super().trigger(event, **kwargs)
        raw_state = kwargs.get("raw_state")
        # aiogram's own loop (TelegramEventObserver.trigger), with the gate before each handler's filters
        for handler, gate in zip(self.handlers, gates, strict=True):
            if not gate.admits(event, raw_state):
                continue
            kwargs["handler"] = handler
            result, data = await handler.check(event, **kwargs)
            if result:
                kwargs.update(data)
                try:
                    wrapped_inner = self.outer_middleware.wrap_middlewares(self._resolve_middlewares(), handler.call)
                    return await wrapped_inner(event, kwargs)
                except SkipHandler:
                    continue
        return UNHANDLED


class GatedRouter(Router):
    """A router passed over when it has no middleware of its own for the update's kind, no sub-router, and no
    handler whose gate admits the update."""

    async def propagate_event(self, update_type: str, event: Any, **kwargs: Any) -> Any:
        observer = self.observers.get(update_type)
        if (type(observer) is GatedObserver and not self.sub_routers and not observer.outer_middleware
                and not observer.admits(event, kwargs.get("raw_state"))):
            return UNHANDLED
        return await super().propagate_event(update_type, event, **kwargs)


def gate_routers(routers: Iterable[Router]) -> None:
    """Swap every router given (with its sub-routers) and its observers of messages and callbacks to the gated
    classes; the handlers and filters are kept as they are."""
    for root in routers:
        for router in root.chain_tail:
            if type(router) is Router:
                router.__class__ = GatedRouter
            for name in GATED:
                observer = router.observers[name]
                if type(observer) is TelegramEventObserver:
                    observer.__class__ = GatedObserver
                    observer._gates = [handler_gate(h) for h in observer.handlers]
