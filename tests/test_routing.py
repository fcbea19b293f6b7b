"""The gates of ``bot.routing``: a handler is passed over only when one of its own filters would refuse the update —
so the first handler whose filters all pass, the one aiogram calls, is the same with the gates as without them.
Checked on the bot's real routers, for every handler, over the dialog states of every flow and a spread of messages
and button presses (the whole suite then runs through the gated routers)."""

from __future__ import annotations

import datetime as dt
import itertools

from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.state import StatesGroup
from aiogram.types import CallbackQuery, Chat, Message, User

from bot.app import build_dispatcher
from bot.handlers import setup_routers
from bot.routing import ANY, GatedObserver, GatedRouter, _present, _states, _texts, gate_routers, handler_gate
from bot.texts import common as ct
from bot.texts import readings as rt

NOW = dt.datetime(2026, 11, 19, 12, 0)


def _all_states(root) -> list[str | None]:
    groups: set[type[StatesGroup]] = set()

    def collect(cb):
        if isinstance(cb, type) and issubclass(cb, StatesGroup):
            groups.add(cb)
        for s in getattr(cb, "states", ()) or ():  # StateFilter
            collect(s)
        group = getattr(cb, "group", None)  # a State
        if isinstance(group, type) and issubclass(group, StatesGroup):
            groups.add(group)

    for router in root.chain_tail:
        for observer in router.observers.values():
            for h in observer.handlers:
                for f in h.filters or ():
                    collect(f.callback)
    names = {name for g in groups for name in g.__all_states_names__}
    return [None, "Nowhere:state", *sorted(names)]


def _events(bot) -> tuple[list[Message], Message, User]:
    chat = Chat(id=5, type="private")
    user = User(id=5, is_bot=False, first_name="Ж")
    texts = ["/start", "/menu", "/cancel", " /help x", "привет", "110,5", "", rt.TITLE, ct.BTN_ACCOUNTS,
             *[b for row in ct.MAIN_MENU for b in row]]
    events: list[Message] = []
    for i, text in enumerate(texts):
        events.append(Message(message_id=i, date=NOW, chat=chat, from_user=user, text=text or None).as_(bot))
    events.append(Message(message_id=99, date=NOW, chat=chat, from_user=user, caption="/menu").as_(bot))
    msg = Message(message_id=100, date=NOW, chat=chat, from_user=User(id=1, is_bot=True, first_name="b"), text="…")
    return events, msg, user


def _gated_filters(handler):
    """The handler's filters that a gate is drawn from, with the gate each gives alone."""
    for f in handler.filters or ():
        cb = f.callback
        if f.magic is not None:
            if _texts(f.magic) is not ANY or _present(f.magic) is not ANY:
                yield f
        elif _states(cb) is not ANY and not (cb is None or isinstance(cb, str)):
            yield f
        elif isinstance(cb, (CallbackQueryFilter, Command)):
            yield f


async def test_a_handler_is_passed_over_only_when_one_of_its_filters_refuses(settings, bot):
    root = setup_routers(settings)
    states = _all_states(root)
    assert len(states) > 40  # every flow's states are there
    messages, bot_msg, user = _events(bot)
    prefixes: set[str] = set()
    for router in root.chain_tail:
        for h in router.observers["callback_query"].handlers:
            g = handler_gate(h)
            if g.prefix is not ANY:
                prefixes.add(g.prefix[0])
    assert len(prefixes) > 20
    callbacks = [CallbackQuery(id=str(i), from_user=user, chat_instance="c", message=bot_msg, data=data).as_(bot)
                 for i, data in enumerate([f"{p}:1:2" for p in sorted(prefixes)] + ["x", "rdm", "rd:m"])]
    checked = refused = 0
    for router in root.chain_tail:
        for kind, events in (("message", messages), ("callback_query", callbacks)):
            for h in router.observers[kind].handlers:
                gate = handler_gate(h)
                filters = list(_gated_filters(h))
                for event, raw_state in itertools.product(events, states):
                    if gate.admits(event, raw_state):
                        continue
                    results = [await f.call(event, raw_state=raw_state, bot=bot) for f in filters]
                    assert not all(results), (router.name, h.callback.__name__, raw_state, event)
                    refused += 1
                checked += 1
    assert checked > 150 and refused > 0.8 * checked * len(states) * 20  # the gates do pass over most handlers for most updates


def test_every_router_and_observer_of_the_dispatcher_is_gated(settings, sessions, dp):
    routers = [r for r in dp.chain_tail if r is not dp]
    assert routers and all(type(r) is GatedRouter for r in routers)
    for r in routers:
        assert type(r.observers["message"]) is GatedObserver
        assert type(r.observers["callback_query"]) is GatedObserver
        assert len(r.observers["message"]._gates) == len(r.observers["message"].handlers)


async def test_a_handler_registered_after_start_up_is_offered_every_update(settings, sessions, fsm_storage, clock,
                                                                         bot):
    dispatcher, _ = build_dispatcher(settings, sessions, fsm_storage, clock)
    readings = next(r for r in dispatcher.chain_tail if r.name == "readings")
    seen = []

    async def late(message: Message) -> None:
        seen.append(message.text)

    readings.message.register(late)  # no gate for it: the router and the observer walk as aiogram does
    obs = readings.observers["message"]
    assert len(obs._gates) != len(obs.handlers)
    event = Message(message_id=1, date=NOW, chat=Chat(id=7, type="private"),
                    from_user=User(id=7, is_bot=False, first_name="Ж"), text="что-то").as_(bot)
    assert obs.admits(event, "Nowhere:state")
    assert await obs.trigger(event, raw_state="Nowhere:state", bot=bot) is None
    assert seen == ["что-то"]


def test_gating_twice_changes_nothing(settings):
    root = setup_routers(settings)
    gate_routers([root])
    before = [list(r.observers["message"]._gates) for r in root.chain_tail]
    gate_routers([root])
    assert [list(r.observers["message"]._gates) for r in root.chain_tail] == before
