"""The e-mail path of appeals against a real SMTP server on a loopback port (aiosmtpd, started by the test): an
appeal to an addressee outside the bot (the text, the 59-ФЗ declaration, the applicant, the files as attachments,
a file over 20 MB named instead), the answer to the applicant, a redirect, and a server that does not answer."""

from __future__ import annotations

import datetime as dt
import email
import socket
from email import policy
from email.message import EmailMessage

import pytest
from aiogram.types import Document, Message, User
from aiosmtpd.controller import Controller
from pydantic import SecretStr
from sqlalchemy import select

from bot.fsm.staff_appeals import RedirectToCD
from bot.handlers import appeal_delivery as delivery
from bot.services import staff_cards as cards
from bot.services.appeals import drafts
from bot.services.appeals.drafts import Fields, FileRef
from bot.services.appeals.mail import parse_url
from storage.models import Appeal
from storage.vocab import AppealRoute
from tests.factories import link, world

USER = 111
BIG = 25 * 1024 * 1024


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    ctl = Controller(inbox, hostname="127.0.0.1", port=free_port())
    ctl.start()
    yield inbox, ctl.port
    ctl.stop()


@pytest.fixture
def settings(settings, smtp):
    """The suite's settings with SMTP_URL at the test's server (the Dispatcher is built with these too)."""
    _inbox, port = smtp
    return settings.model_copy(update={"smtp_url": SecretStr(f"smtp://127.0.0.1:{port}"),
                                       "smtp_from": "bot@uk.example.ru"})


def fields(w, **kw) -> Fields:
    f = Fields(surname="Хабибуллин", first_name="Ринат", patronymic="Ильдарович", phone="+79161234567",
               email="rinat@example.ru", house_id=w.house.id, premises_id=w.flat.id, topic_code="8",
               addressee_id=w.gzhi.id, text="УК не отвечает на обращения о протечке кровли три месяца.",
               files=[FileRef("PH1", "u1", "photo", None, "image/jpeg", 9),
                      FileRef("DOC1", "u2", "document", "акт.pdf", "application/pdf", 8),
                      FileRef("HUGE", "u3", "document", "видео-протечки.pdf", "application/pdf", BIG)])
    for k, v in kw.items():
        setattr(f, k, v)
    return f


def attachments(msg: EmailMessage) -> dict[str, bytes]:
    return {p.get_filename(): p.get_content() for p in msg.iter_attachments()}


def calls(bot, name: str, chat_id=None) -> list:
    return [r for r in bot.session.requests if r.__api_method__ == name
            and (chat_id is None or getattr(r, "chat_id", None) == chat_id)]


def test_smtp_url_parsing():
    cfg = parse_url("smtps://bot%40uk.ru:p%40ss@mail.uk.ru")
    assert (cfg.host, cfg.port, cfg.username, cfg.password, cfg.use_tls, cfg.sender) == (
        "mail.uk.ru", 465, "bot@uk.ru", "p@ss", True, "bot@uk.ru")
    assert parse_url("smtp://u:p@h", "bot@uk.ru").port == 587
    for bad in ("http://h", "smtp://u:p@h"):
        with pytest.raises(ValueError):
            parse_url(bad)


async def test_appeal_to_the_gzhi_is_emailed_with_files(sessions, clock, bot, settings, smtp):
    inbox, _port = smtp
    w = await world(sessions)
    await link(sessions, USER, w.account)
    bot.session.files.update({"PH1": b"\xff\xd8JPEG", "DOC1": b"%PDF-1.4 act"})
    sent = await drafts.submit(sessions, USER, fields(w), clock, settings.email_enabled)
    assert sent.route is AppealRoute.email
    d = await delivery.deliver(bot, settings, sessions, clock, sent.id, sent.route)
    assert d.emailed and d.pdf_sent and not d.staff_posted
    ((rcpt, msg),) = inbox.messages
    assert rcpt == ["gzhi@example.ru"]
    assert msg["Subject"] == "Обращение № 2026-000001: Нарушения со стороны УК, ТСЖ, ЖСК, ЖК или иного СПК"
    assert msg["From"] == "bot@uk.example.ru" and "rinat@example.ru" in msg["Reply-To"]
    body = msg.get_body(("plain",)).get_content()
    for expected in ("ИНФОРМАЦИЯ О ЗАЯВИТЕЛЕ", "Фамилия: Хабибуллин", "Номер телефона: +7 916 123-45-67",
                     "Прошу считать данное обращение (информационное сообщение) официальным обращением",
                     "ч. 4 ст. 10 Закона № 59-ФЗ", "rinat@example.ru", "Номер обращения: 2026-000001",
                     "ул. Бауманская", "кв. 12", "УК не отвечает на обращения",
                     "Файл «видео-протечки.pdf» (25,0 МБ) не вложен в письмо: он больше 20 МБ"):
        assert expected in body, expected
    assert attachments(msg) == {"photo-1.jpg": b"\xff\xd8JPEG", "акт.pdf": b"%PDF-1.4 act"}
    # the big file was never asked for (the cloud Bot API would refuse it); the staff chat got nothing
    assert [r.file_id for r in calls(bot, "getFile")] == ["PH1", "DOC1"]
    assert [r for r in bot.session.requests if getattr(r, "chat_id", None) == settings.staff_chat_id] == []
    (told,) = calls(bot, "sendMessage", USER)
    assert "Мы отправили его на gzhi@example.ru" in told.text
    assert calls(bot, "sendDocument", USER)[0].document.filename == "appeal-2026-000001.pdf"


async def test_the_answer_is_emailed_to_the_applicant(sessions, clock, bot, settings, smtp, staff):
    inbox, _port = smtp
    w = await world(sessions)
    await link(sessions, USER, w.account)
    sent = await drafts.submit(sessions, USER, fields(w, addressee_id=w.uk.id, topic_code="2.1", files=[]), clock,
                               settings.email_enabled)
    assert sent.route is AppealRoute.staff
    await delivery.deliver(bot, settings, sessions, clock, sent.id, sent.route)
    assert inbox.messages == []  # the УК's own appeal goes to its staff chat, not by e-mail
    card = await cards.get(sessions, cards.CardKind.appeal, sent.id)
    bot.session.files["ANSDOC"] = b"%PDF-1.4 answer"
    replied = Message(message_id=card.message_id, date=dt.datetime(2026, 11, 19, 9, 0, tzinfo=dt.UTC),
                      chat=staff.chat, from_user=User(id=bot.id, is_bot=True, first_name="bot"), text="…")
    doc = Document(file_id="ANSDOC", file_unique_id="uans", file_name="ответ.pdf", mime_type="application/pdf",
                   file_size=15)
    await staff.feed(message=staff._message(document=doc, caption="Ответ во вложении.", reply_to_message=replied))
    ((rcpt, msg),) = inbox.messages
    assert rcpt == ["rinat@example.ru"]
    assert msg["Subject"] == "Ответ на обращение № 2026-000001"
    body = msg.get_body(("plain",)).get_content()
    assert "Ринат Ильдарович" in body and "Ответ во вложении." in body and "ООО «УК Тестовая»" in body
    assert attachments(msg) == {"ответ.pdf": b"%PDF-1.4 answer"}
    assert calls(bot, "sendDocument", USER)[-1].document == "ANSDOC"  # the resident: by file_id


async def test_redirect_emails_the_new_addressee(sessions, clock, bot, settings, smtp, staff):
    inbox, _port = smtp
    w = await world(sessions)
    await link(sessions, USER, w.account)
    sent = await drafts.submit(sessions, USER, fields(w, addressee_id=w.uk.id, topic_code="6.1", files=[]), clock,
                               settings.email_enabled)
    await delivery.deliver(bot, settings, sessions, clock, sent.id, sent.route)
    out = await staff.click_data(RedirectToCD(appeal_id=sent.id, org_id=w.gzhi.id).pack())
    assert any("письмо отправлено на gzhi@example.ru" in o.text for o in out)
    ((rcpt, msg),) = inbox.messages
    body = msg.get_body(("plain",)).get_content()
    assert rcpt == ["gzhi@example.ru"] and "перенаправлено по компетенции" in body and "ч. 3 ст. 8" in body
    assert "Статус обращения: Перенаправлено" in body


async def test_a_server_that_does_not_answer_leaves_the_pdf(sessions, clock, bot, settings):
    settings = settings.model_copy(update={"smtp_url": SecretStr(f"smtp://127.0.0.1:{free_port()}"),
                                           "smtp_from": "bot@uk.example.ru"})
    w = await world(sessions)
    await link(sessions, USER, w.account)
    sent = await drafts.submit(sessions, USER, fields(w, files=[]), clock, settings.email_enabled)
    d = await delivery.deliver(bot, settings, sessions, clock, sent.id, sent.route)
    assert (d.route, d.emailed, d.pdf_sent) == (AppealRoute.pdf, False, True)
    async with sessions() as s:
        assert (await s.execute(select(Appeal.route))).scalar_one() == "pdf"
    (told,) = calls(bot, "sendMessage", USER)
    assert "отправили" not in told.text and "dom.gosuslugi.ru" in told.text


async def test_a_letter_too_big_for_the_server_goes_without_attachments(sessions, clock, bot, settings):
    inbox = Inbox()
    ctl = Controller(inbox, hostname="127.0.0.1", port=free_port(), data_size_limit=20_000)
    ctl.start()
    try:
        settings = settings.model_copy(update={"smtp_url": SecretStr(f"smtp://127.0.0.1:{ctl.port}")})
        w = await world(sessions)
        await link(sessions, USER, w.account)
        bot.session.files.update({"PH1": b"\xff\xd8" + b"J" * 30_000, "DOC1": b"%PDF-1.4 act"})
        sent = await drafts.submit(sessions, USER, fields(w), clock, settings.email_enabled)
        d = await delivery.deliver(bot, settings, sessions, clock, sent.id, sent.route)
    finally:
        ctl.stop()
    assert d.emailed
    ((_rcpt, msg),) = inbox.messages
    assert attachments(msg) == {}
    body = msg.get_body(("plain",)).get_content()
    assert "Файл «акт.pdf» (1 КБ) не вложен в письмо: почтовый сервер не принял письмо такого размера" in body
    assert "Файл «фото» " in body and "«видео-протечки.pdf» (25,0 МБ) не вложен в письмо: он больше 20 МБ" in body


async def test_withdrawing_an_emailed_appeal_emails_the_addressee(sessions, clock, bot, settings, smtp, client):
    from bot.fsm.my_appeals import MyAppealCD
    from bot.texts import my_appeals as tm

    inbox, _port = smtp
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    sent = await drafts.submit(sessions, client.user.id, fields(w, files=[]), clock, settings.email_enabled)
    await delivery.deliver(bot, settings, sessions, clock, sent.id, sent.route)
    assert len(inbox.messages) == 1  # the appeal itself
    await client.click_data(MyAppealCD(id=sent.id).pack())
    replies = await client.click(tm.BTN_WITHDRAW)
    assert any("письмо об отзыве с вашей причиной на gzhi@example.ru" in r.text for r in replies)
    (done,) = await client.send("Крышу починили, <спасибо> & всё")
    assert done.text == ("Обращение № 2026-000001 отозвано. Адресату — Мосжилинспекция — бот отправил письмо об "
                         "отзыве на gzhi@example.ru. Если вы подавали PDF обращения в ГИС ЖКХ или относили его "
                         "адресату, отзовите обращение и там.")
    (rcpt, msg) = inbox.messages[1]
    assert rcpt == ["gzhi@example.ru"]
    assert msg["Subject"] == "Отзыв обращения № 2026-000001"
    assert "rinat@example.ru" in msg["Reply-To"] and msg["From"] == "bot@uk.example.ru"
    body = msg.get_body(("plain",)).get_content()
    for expected in ("Заявитель Хабибуллин Ринат Ильдарович отзывает обращение № 2026-000001 от 19.11.2026",
                     "Причина отзыва: Крышу починили, <спасибо> & всё",  # plain text: as typed
                     "Номер телефона: +7 916 123-45-67"):
        assert expected in body, expected
    async with sessions() as s:
        assert (await s.execute(select(Appeal.status))).scalar_one() == "withdrawn"


async def test_withdrawing_when_the_server_does_not_answer_asks_the_resident_to_tell(sessions, clock, bot, settings,
                                                                                     smtp, client):
    from bot.fsm.my_appeals import MyAppealCD
    from bot.texts import my_appeals as tm

    _inbox, port = smtp
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    sent = await drafts.submit(sessions, client.user.id, fields(w, files=[]), clock, settings.email_enabled)
    await delivery.deliver(bot, settings, sessions, clock, sent.id, sent.route)
    settings.smtp_url = SecretStr(f"smtp://127.0.0.1:{free_port()}")  # the server went away meanwhile
    await client.click_data(MyAppealCD(id=sent.id).pack())
    await client.click(tm.BTN_WITHDRAW)
    (done,) = await client.send("Вопрос решён")
    assert "письмо об отзыве на gzhi@example.ru отправить не удалось" in done.text
    async with sessions() as s:
        assert (await s.execute(select(Appeal.status))).scalar_one() == "withdrawn"
