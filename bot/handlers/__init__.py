"""Router factories, one per flow; ``setup_routers`` assembles them in a fixed order."""

from __future__ import annotations

from aiogram import F, Router

from bot.config import Settings
from bot.filters import IsStaff
from bot.handlers import (
    accounts,
    appeals,
    common,
    house,
    meters,
    my_appeals,
    payments,
    readings,
    staff_appeals,
    staff_broadcast,
    staff_cards,
    staff_help,
    staff_links,
    staff_meetings,
    staff_outages,
    staff_readings,
    voting,
)
from bot.handlers import notify as push_buttons
from bot.handlers import settings as notify_settings
from bot.texts import common as ct


def setup_routers(settings: Settings) -> Router:
    root = Router(name="root")

    # the УК's staff: commands in the staff chat (any member) or from ADMIN_IDS; their buttons
    staff = Router(name="staff")
    staff.message.filter(IsStaff())
    staff.callback_query.filter(IsStaff())
    staff.include_router(staff_cards.router())  # a reply to a card (before the dialogs take it as text)
    staff.include_router(staff_links.router())
    staff.include_router(staff_appeals.router())
    staff.include_router(staff_outages.router())
    staff.include_router(staff_broadcast.router())
    staff.include_router(staff_readings.router())
    staff.include_router(payments.staff_router())
    staff.include_router(staff_meetings.router())
    staff.include_router(staff_help.router())  # /help, a registry file, unknown commands: after every staff flow

    # residents, in private chats
    residents = Router(name="residents")
    residents.message.filter(F.chat.type == "private")
    residents.callback_query.filter(F.message.chat.type == "private")
    residents.include_router(payments.events_router())  # money arrived: before any dialog's step
    residents.include_router(readings.cancel_router())  # before common's /cancel: names what was saved
    residents.include_router(appeals.cancel_router())  # before common's /cancel: names a draft kept
    residents.include_router(common.router())
    residents.include_router(accounts.router())
    residents.include_router(house.router())
    residents.include_router(readings.router())
    residents.include_router(meters.router())
    residents.include_router(payments.router())
    residents.include_router(notify_settings.router())
    residents.include_router(voting.router())  # before push_buttons: it answers «Проголосовать» itself
    residents.include_router(my_appeals.router())
    residents.include_router(push_buttons.router())
    residents.include_router(appeals.router())  # after the flows: its step hints answer only what they left

    root.include_routers(staff, residents)
    # the catch-all goes last, explicitly
    root.include_router(common.fallback_router({
        ct.BTN_ACCOUNTS: accounts.accounts_section, ct.BTN_READINGS: readings.open_readings,
        ct.BTN_PAY: payments.pay_start, ct.BTN_APPEALS: appeals.open_menu, ct.BTN_VOTING: voting.voting_section,
        ct.BTN_HOUSE: house.house_section, ct.BTN_SETTINGS: notify_settings.open_settings,
    }))
    return root
