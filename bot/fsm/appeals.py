"""The compose dialog of an appeal («Направить обращение или жалобу»): its states and buttons."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from bot.fsm.base import FlowData
from bot.fsm.ids import Id, Token
from bot.services.appeals.drafts import Fields


class AppealNewCD(CallbackData, prefix="apn"):
    """«Написать обращение» from anywhere: a new appeal with the topic and the house filled in (0 / "" = not
    given), or a complaint to the ГЖИ prefilled from the resident's appeal ``parent``."""

    topic: Token = ""
    house: Id = 0
    parent: Id = 0


class AppealsMenuCD(CallbackData, prefix="apm"):
    """The «Обращения» menu: ``new`` — «Направить обращение или жалобу» (the compose dialog), ``mine`` —
    «Собственные обращения» (the list)."""

    action: Token


class AppealDraftCD(CallbackData, prefix="apd"):
    """A saved draft («Не отправлено») from the list of the resident's appeals: ``edit`` opens it in the compose
    dialog, ``delete`` asks «Удалить черновик?»; ``delete_yes`` / ``delete_no`` answer that question. The id is
    re-checked (only the resident's own draft opens)."""

    id: Id
    action: Token


class ComposeAppeal(StatesGroup):
    """«Направить обращение или жалобу», one step per message."""

    name = State()  # the applicant: «Фамилия Имя Отчество» from the profile, «Верно» or typed
    phone = State()  # a shared contact, typed, or «Пропустить»
    email = State()  # the e-mail for the answer
    house = State()  # the linked houses as buttons, or a typed address (search)
    premises = State()  # the resident's premises, a typed number, or «Пропустить»
    topic = State()  # the catalogue, two levels
    custom_topic = State()  # «Другая тема»: the typed name
    addressee = State()  # the УК / ГЖИ / РСО of the house, or «Расширенный поиск»
    org_search = State()  # «Расширенный поиск»: a name, ИНН or ОГРН typed
    text = State()  # the text, in one or several messages, «Готово»
    files = State()  # documents and photos, «Готово» / «Без файлов»
    review = State()  # the card with every field: «Отправить» / «Сохранить» / «Изменить» / «Отменить»
    change = State()  # «Изменить»: which field
    confirm = State()  # the seed's confirmation, «Да» / «Нет»


class AppealData(FlowData):
    """The dialog's data: the appeal's fields (``drafts.Fields.as_dict()``), the saved draft it edits, the attempt
    mark its buttons carry, where a step returns to, and what the last screen offered."""

    fields: dict[str, Any] = {}
    draft_id: int | None = None
    # the draft was made by the dialog itself once the text was typed (not by «Сохранить»): kept when the resident
    # leaves by a menu button, deleted by «Отменить»
    autosaved: bool = False
    token: str = ""
    back_to_review: bool = False  # a field changed from the review card goes back to it
    topic_parent: str | None = None  # the level-2 list shown
    houses: list[int] = []  # the houses found by the last search
    orgs: list[int] = []  # the organizations found by the last «Расширенный поиск»
    parent_number: str | None = None  # a complaint to the ГЖИ about this appeal's answer
    premises_label: str | None = None  # the premises as the registry writes it, when not among the resident's own
    premises_typed: str | None = None  # a typed number not in the house's list, waiting for «Указать» or another

    def f(self) -> Fields:
        return Fields.from_dict(self.fields)

    def put(self, f: Fields) -> None:
        self.fields = f.as_dict()


class Act(StrEnum):
    """What a button of the compose dialog does."""

    ok = "ok"  # «Верно»: keep the value shown
    skip = "sk"  # «Пропустить»
    back = "bk"  # «« Назад»
    save = "sv"  # «Сохранить»
    cancel = "cx"  # «Отменить»
    house = "h"  # a house picked (id)
    search = "hs"  # «Найти другой дом»
    premises = "p"  # the resident's premises, or one of the house's list in the registry (id)
    premises_confirm = "pc"  # a typed number not in the house's list: «Указать — нет в реестре»
    premises_page = "pp"  # a page of the house's list of premises (id: the page)
    group = "tg"  # a topic with sub-topics (code)
    topic = "t"  # a topic picked (code)
    topics = "tr"  # back to the first level
    org = "o"  # an addressee picked (id)
    org_search = "os"  # «Расширенный поиск»
    done = "d"  # «Готово» (text, files)
    clear = "cl"  # «Очистить текст» / «Удалить файлы»
    no_files = "nf"  # «Без файлов»
    send = "s"  # «Отправить»
    change = "ch"  # «Изменить»
    field = "f"  # the field to change (code)
    review = "rv"  # back to the card
    yes = "y"  # «Да»
    no = "n"  # «Нет»


class AppealCD(CallbackData, prefix="apc"):
    """A button of the compose dialog: ``token`` is the dialog attempt's mark (a button of an earlier or finished
    dialog does nothing), ``id`` a row id, ``code`` a topic code or a field."""

    act: Act
    token: Token
    id: Id = 0
    code: Token = ""
