"""Delivery of a sent appeal and of what the staff do with it, the Telegram side.

- ``deliver``: route ``staff`` → one card in the staff chat (``staff_cards`` kind ``appeal``) with the files re-sent
  by ``file_id`` as an album replying to it (nothing downloaded); a text longer than the card follows as a .txt.
  Routes ``email`` / ``pdf`` never reach the staff chat: the addressee is e-mailed (``SMTP_URL``, its registry
  e-mail) and the resident gets the appeal as a PDF with the addressee's contacts to file it in ГИС ЖКХ.
- ``refresh_card``: the card re-rendered with the current status (withdrawn, returned to work, rated, answered),
  a note posted under it.
- the resident's pushes of the staff's changes («На рассмотрении», «Ответ получен» with the answer's files,
  «Перенаправлено» with the PDF), sent at once; a resident who blocked the bot is logged, the change stands.
- files are downloaded only for an e-mail: up to 20 MB from the cloud Bot API, larger ones only through a local
  Bot API server (``TELEGRAM_API_URL``); otherwise the letter names the file and says where it can be seen.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import (
    BufferedInputFile,
    InputMediaDocument,
    InputMediaPhoto,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.handlers import staff_cards as adapter
from bot.keyboards import staff_appeals as kb
from bot.services import staff_cards as cards
from bot.services.appeals import drafts, mail, pdf, views
from bot.services.appeals import staff as svc
from bot.services.appeals.drafts import FileRef, OrgItem
from bot.services.clock import Clock
from bot.texts import staff_appeals as t
from bot.texts.render import Html, fmt
from storage.vocab import AppealRoute, AppealStatus

log = logging.getLogger(__name__)

Sessions = async_sessionmaker[AsyncSession]
CLOUD_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # the cloud Bot API serves files up to 20 MB (core.telegram.org/bots/api#getfile)
CARD_TEXT_PREVIEW = 1800  # characters of the appeal's text on the card; the card stays under Telegram's 4096
CARD_EVENTS = 10  # the newest lines of what happened, under the card
ANSWER_IN_PUSH = 3000  # characters of the answer in the «Ответ получен» push (its header stays under 4096)
ANSWER_PART = 4000  # characters of each further message of a long answer


@dataclass(frozen=True)
class Delivery:
    route: AppealRoute
    staff_posted: bool = False  # the card reached the staff chat
    emailed: bool = False  # the addressee was e-mailed
    pdf_sent: bool = False  # the resident got the PDF to file in ГИС ЖКХ


# --------------------------------------------------------------------------------------------- rendering


def _when(clock: Clock, x: dt.datetime) -> str:
    return clock.to_local(x).strftime("%d.%m.%Y %H:%M")


def _events(v: views.AppealView, clock: Clock) -> list[Html]:
    """What happened to the appeal after it was sent, oldest first."""
    timed: list[tuple[dt.datetime, int, Html]] = []
    for i, c in enumerate(v.history):
        comment = fmt(t.COMMENT, comment=c.comment) if c.comment else ""
        by_resident = c.changed_by == v.user_id
        if c.status is AppealStatus.in_work:
            line = (fmt(t.REOPENED, when=_when(clock, c.changed_at), comment=comment) if by_resident
                    else fmt(t.TAKEN, who=c.changed_by_name or "—", when=_when(clock, c.changed_at)))
        elif c.status is AppealStatus.redirected:
            line = fmt(t.REDIRECTED, org=c.comment or "—", who=c.changed_by_name or "—",
                       when=_when(clock, c.changed_at))
        elif c.status is AppealStatus.withdrawn:
            line = fmt(t.WITHDRAWN, when=_when(clock, c.changed_at), comment=comment)
        else:
            continue
        timed.append((c.changed_at, i, line))
    for i, a in enumerate(v.answers):
        timed.append((a.created_at, 10_000 + i, fmt(t.ANSWERED, who=a.author_name or "—",
                                                    when=_when(clock, a.created_at))))
    timed.sort(key=lambda x: (x[0], x[1]))
    out = [x[2] for x in timed][-CARD_EVENTS:]
    if v.rating is not None:
        out.append(fmt(t.RATED, rating=t.RATING.get(v.rating, v.rating.value)))
    return out


def _split(text: str, limit: int) -> tuple[str, str]:
    """The first ``limit`` characters of ``text`` (cut at a line or a space when there is one) and the rest."""
    if len(text) <= limit:
        return text, ""
    cut = max(text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
    cut = cut if cut > limit // 2 else limit
    return text[:cut].rstrip(), text[cut:].lstrip()


def card_text(v: views.AppealView, clock: Clock, note: str | None = None) -> tuple[Html, bool]:
    """The card and whether the text was cut (the full text then follows as a .txt)."""
    cut = len(v.text) > CARD_TEXT_PREVIEW
    preview = v.text[:CARD_TEXT_PREVIEW].rstrip() + ("…" if cut else "")
    sent_local = clock.to_local(v.sent_at) if v.sent_at else None
    return t.card(v, clock.today(), sent_local, preview, cut, _events(v, clock), note), cut


# --------------------------------------------------------------------------------------------- files


async def send_files(bot: Bot, chat_id: int, files: list[FileRef], reply_to: int | None = None) -> int:
    """Files by ``file_id``: photos together, documents together (Telegram groups them apart), one by one when
    alone; replying to ``reply_to``. How many reached the chat."""
    sent = 0
    photos = [f for f in files if f.kind == "photo"]
    docs = [f for f in files if f.kind != "photo"]
    reply = {"reply_to_message_id": reply_to, "allow_sending_without_reply": True} if reply_to else {}
    for group in (photos, docs):
        if not group:
            continue
        try:
            if len(group) == 1:
                f = group[0]
                if f.kind == "photo":
                    await bot.send_photo(chat_id, f.file_id, **reply)
                else:
                    await bot.send_document(chat_id, f.file_id, **reply)
            else:
                media = [InputMediaPhoto(media=f.file_id) if f.kind == "photo" else InputMediaDocument(media=f.file_id)
                         for f in group[:10]]
                await bot.send_media_group(chat_id, media, **reply)
            sent += len(group)
        except TelegramAPIError as exc:
            log.warning("files did not reach chat %s: %s", chat_id, exc)
    return sent


async def download(bot: Bot, settings: Settings, files: list[FileRef]) -> tuple[list[mail.Attachment],
                                                                                  list[mail.Skipped]]:
    """The files for an e-mail: (attached, named instead). Above 20 MB only through a local Bot API server."""
    got: list[mail.Attachment] = []
    skipped: list[mail.Skipped] = []
    for i, f in enumerate(files, 1):
        if (f.size or 0) > CLOUD_DOWNLOAD_LIMIT and not settings.telegram_api_url:
            skipped.append(mail.Skipped(f, mail.Skip.big))
            continue
        buf = io.BytesIO()
        try:
            await bot.download(f.file_id, destination=buf)
        except Exception as exc:  # any failure: the letter names the file instead
            log.warning("could not download %s for an e-mail: %s", f.file_name or f.file_id, exc)
            skipped.append(mail.Skipped(f, mail.Skip.failed))
            continue
        got.append(mail.attachment_of(f, i, buf.getvalue()))
    return got, skipped


# --------------------------------------------------------------------------------------------- the card


async def _post_card(bot: Bot, settings: Settings, sessions: Sessions, clock: Clock, v: views.AppealView,
                     with_files: bool, reply_to: int | None = None) -> int | None:
    """The card (a new one, or re-posted at the bottom of the chat); its message id, or None."""
    chat_id = settings.staff_chat_id
    if chat_id is None:
        return None
    card = await svc.open_card(sessions, v.id, clock.utcnow())
    text, cut = card_text(v, clock)
    try:
        sent = await bot.send_message(chat_id, text, reply_markup=kb.card(v.id, v.status),
                                      reply_to_message_id=reply_to, allow_sending_without_reply=True)
    except TelegramAPIError:
        log.exception("the card of appeal %s did not reach the staff chat %s", v.id, chat_id)
        if card.message_id is None:
            await svc.forget_card(sessions, card.id)  # the digest re-posts it
        return None
    await cards.posted(sessions, card.id, chat_id, sent.message_id)
    if with_files:
        if cut:
            doc = BufferedInputFile(v.text.encode("utf-8"), filename=f"appeal-{v.number}.txt")
            try:
                await bot.send_document(chat_id, doc, caption=fmt(t.FULL_TEXT_CAPTION, number=v.number),
                                        reply_to_message_id=sent.message_id, allow_sending_without_reply=True)
            except TelegramAPIError as exc:
                log.warning("the full text of appeal %s did not reach the staff chat: %s", v.id, exc)
        await send_files(bot, chat_id, v.files, reply_to=sent.message_id)
    return sent.message_id


async def repost_card(bot: Bot, settings: Settings, sessions: Sessions, clock: Clock, appeal_id: int) -> bool:
    """A number pressed in the digest: the card again at the bottom of the chat (replying to the old one, so it
    is one tap away), its buttons as the status allows; a card that never reached the chat is posted with files."""
    v = await views.get_view(sessions, appeal_id)
    if v is None or v.route is not AppealRoute.staff:
        return False
    old = await svc.card_of(sessions, appeal_id)
    first = old is None or old.message_id is None
    posted = await _post_card(bot, settings, sessions, clock, v, with_files=first,
                              reply_to=None if first else old.message_id)
    if posted is not None and not first and old.chat_id is not None:
        try:  # the buttons live on the new card only (the old one keeps its text and is replied to)
            await bot.edit_message_reply_markup(chat_id=old.chat_id, message_id=old.message_id, reply_markup=None)
        except TelegramAPIError as exc:
            log.info("the old card of appeal %s keeps its buttons: %s", appeal_id, exc)
    return posted is not None


async def refresh_card(bot: Bot, settings: Settings, sessions: Sessions, clock: Clock,
                       appeal_id: int, note: str | None = None) -> bool:
    """Re-render the appeal's staff card with its current status (withdrawn, returned to work, rated), ``note``
    posted under it; False when the appeal has no card."""
    card = await svc.card_of(sessions, appeal_id)
    if card is None or card.message_id is None or card.chat_id is None:
        return False
    v = await views.get_view(sessions, appeal_id)
    if v is None:
        return False
    text, _cut = card_text(v, clock)
    ok = await adapter.edit(bot, card.chat_id, card.message_id, text, kb.card(v.id, v.status))
    if note:
        try:
            await bot.send_message(card.chat_id, fmt("💬 {number}: {note}", number=f"№ {v.number}", note=note),
                                   reply_to_message_id=card.message_id, allow_sending_without_reply=True)
        except TelegramAPIError as exc:
            log.warning("a note under the card of appeal %s failed: %s", appeal_id, exc)
    return ok


# --------------------------------------------------------------------------------------------- external


async def _send_pdf(bot: Bot, v: views.AppealView, sent_on: dt.date | None, addressee: OrgItem | None) -> bool:
    data = pdf.render(v, sent_on, addressee)
    try:
        await bot.send_document(v.user_id, BufferedInputFile(data, filename=pdf.file_name(v.number)))
    except TelegramAPIError as exc:
        log.warning("the PDF of appeal %s did not reach user %s: %s", v.id, v.user_id, exc)
        return False
    return True


async def email_appeal(bot: Bot, settings: Settings, v: views.AppealView, sent_on: dt.date | None,
                       addressee: OrgItem, redirected_by: str | None = None) -> bool:
    """The appeal to the addressee's registry e-mail, with the files; False when there is no SMTP_URL, no
    address, or the server refused."""
    cfg = settings.smtp
    if cfg is None or not addressee.email:
        return False
    files, skipped = await download(bot, settings, v.files)
    try:
        await mail.send_or_without_files(
            cfg, lambda got, named: mail.appeal_message(v, sent_on, addressee, cfg.sender, got, named, redirected_by),
            files, skipped)
    except mail.MailError as exc:
        log.warning("appeal %s was not e-mailed to %s: %s", v.id, addressee.email, exc)
        return False
    return True


async def email_withdrawal(settings: Settings, sessions: Sessions, clock: Clock, appeal_id: int,
                           reason: str) -> bool:
    """A withdrawn appeal that was e-mailed: the same addressee gets a letter about the withdrawal. False when
    there is no SMTP_URL, no address, or the server refused (the resident is then asked to tell them)."""
    cfg = settings.smtp
    v = await views.get_view(sessions, appeal_id)
    if cfg is None or v is None or v.addressee is None or not v.addressee.email:
        return False
    msg = mail.withdrawal_message(v, _sent_on(clock, v), v.addressee, reason, clock.now(), cfg.sender)
    try:
        await mail.send(cfg, msg)
    except mail.MailError as exc:
        log.warning("the withdrawal of appeal %s was not e-mailed to %s: %s", appeal_id, v.addressee.email, exc)
        return False
    return True


def _sent_on(clock: Clock, v: views.AppealView) -> dt.date | None:
    return clock.to_local(v.sent_at).date() if v.sent_at else None


async def _external(bot: Bot, settings: Settings, sessions: Sessions, clock: Clock, v: views.AppealView,
                    route: AppealRoute) -> Delivery:
    org = v.addressee
    sent_on = _sent_on(clock, v)
    emailed = False
    if route is AppealRoute.email and org is not None:
        emailed = await email_appeal(bot, settings, v, sent_on, org)
        if not emailed:
            await drafts.set_route(sessions, v.id, AppealRoute.pdf)
            route = AppealRoute.pdf
    mailed = fmt(t.TOLD_MAILED, email=org.email) if emailed and org else Html(t.TOLD_NOT_MAILED)
    await adapter.tell(bot, v.user_id, fmt(t.TOLD_EXTERNAL, number=v.number, org=org.name if org else "—",
                                    contacts=t.contacts(org) if org else "", mailed=mailed,
                                    due=v.due_on.strftime("%d.%m.%Y") if v.due_on else "—"),
                kb.resident(v.id))
    pdf_sent = await _send_pdf(bot, v, sent_on, org)
    return Delivery(route=route, emailed=emailed, pdf_sent=pdf_sent)


async def deliver(bot: Bot, settings: Settings, sessions: Sessions, clock: Clock,
                  appeal_id: int, route: AppealRoute) -> Delivery:
    """A just-sent appeal to where its route says. The staff route without a staff chat (STAFF_CHAT_ID empty)
    falls back to the resident's PDF, so the appeal is never lost in silence."""
    v = await views.get_view(sessions, appeal_id)
    if v is None or v.number is None:
        return Delivery(route=route)
    if route is AppealRoute.staff:
        if settings.staff_chat_id is not None:
            posted = await _post_card(bot, settings, sessions, clock, v, with_files=True)
            return Delivery(route=route, staff_posted=posted is not None)
        log.warning("appeal %s is for the staff chat, but STAFF_CHAT_ID is empty: the resident gets the PDF", v.id)
        await drafts.set_route(sessions, v.id, AppealRoute.pdf)
        route = AppealRoute.pdf
    return await _external(bot, settings, sessions, clock, v, route)


# --------------------------------------------------------------------------------------------- the resident


async def tell_taken(bot: Bot, clock: Clock, v: views.AppealView) -> bool:
    return await adapter.tell(bot, v.user_id, fmt(t.TOLD_TAKEN, number=v.number,
                                           org=v.addressee.name if v.addressee else "—",
                                           due=v.due_on.strftime("%d.%m.%Y") if v.due_on else "—"),
                       kb.resident(v.id))


async def tell_answer(bot: Bot, settings: Settings, clock: Clock, v: views.AppealView, answer_id: int,
                      files: list[FileRef], first_part: bool = True) -> bool:
    """The answer to the resident at once, its files by ``file_id`` after it; when SMTP_URL is set, also to
    the applicant's e-mail. ``first_part`` False: a later message of the same album — only its files."""
    ans = next((a for a in v.answers if a.id == answer_id), None)
    if ans is None:
        return False
    org = v.addressee.name if v.addressee else ""
    if first_part:
        head, rest = _split(ans.text or "—", ANSWER_IN_PUSH)
        extra = (t.TOLD_ANSWER_MORE if rest else "") + (t.TOLD_ANSWER_FILES if files else "")
        told = await adapter.tell(bot, v.user_id, fmt(t.TOLD_ANSWER, number=v.number, topic=v.topic or "", org=org,
                                               when=_when(clock, ans.created_at), text=head, files=Html(extra)),
                           kb.resident(v.id) if not rest else None)
        while told and rest:  # a long answer: the rest follows, the button under the last part
            part, rest = _split(rest, ANSWER_PART)
            told = await adapter.tell(bot, v.user_id, fmt("{text}", text=part), kb.resident(v.id) if not rest else None)
    else:
        told = True
    if files and told:
        await send_files(bot, v.user_id, files)
    cfg = settings.smtp
    if first_part and cfg is not None and v.email:
        got, skipped = await download(bot, settings, files)
        try:
            await mail.send_or_without_files(
                cfg, lambda a, n: mail.answer_message(v, ans, _sent_on(clock, v), clock.to_local(ans.created_at),
                                                      org or cfg.sender, cfg.sender, a, n), got, skipped)
        except mail.MailError as exc:
            log.warning("the answer to appeal %s was not e-mailed to %s: %s", v.id, v.email, exc)
    return told


async def tell_redirected(bot: Bot, settings: Settings, clock: Clock, v: views.AppealView, org: OrgItem,
                          by: str | None) -> bool:
    """«Перенаправлено»: the resident told where, with the organization's contacts and the PDF addressed to it;
    the organization e-mailed when it can be. True when it was e-mailed."""
    sent_on = _sent_on(clock, v)
    emailed = await email_appeal(bot, settings, v, sent_on, org, redirected_by=by)
    mailed = fmt(t.TOLD_MAILED, email=org.email) if emailed else Html(t.TOLD_NOT_MAILED)
    await adapter.tell(bot, v.user_id, fmt(t.TOLD_REDIRECTED, number=v.number, org=org.name, contacts=t.contacts(org),
                                    mailed=mailed), kb.resident(v.id))
    await _send_pdf(bot, v, sent_on, org)
    return emailed


# --------------------------------------------------------------------------------------------- the digest


async def post_digest(bot: Bot, settings: Settings, sessions: Sessions, clock: Clock) -> svc.Digest | None:
    """The morning digest in the staff chat; None when there is no staff chat or it refused the message."""
    if settings.staff_chat_id is None:
        return None
    d = await svc.digest(sessions, clock.today())
    more = max(0, len(d.items) - kb.DIGEST_BUTTONS)
    try:
        await bot.send_message(settings.staff_chat_id, t.digest(d.today, d.new, d.in_work, d.due_today, d.overdue,
                                                                more), reply_markup=kb.digest(d.items))
    except TelegramAPIError:
        log.exception("the appeals digest did not reach the staff chat")
        return None
    return d
