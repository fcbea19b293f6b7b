"""E-mail of appeals (aiosmtplib, ``SMTP_URL``): an appeal to an addressee that does not use the bot (the text,
the 59-ФЗ declaration with the applicant's e-mail, the applicant, the files as attachments), and an answer to the
applicant. Built from the same ``AppealView`` the card and the PDF use; files are given as bytes by the caller (it
downloads them from Telegram), a file that could not be downloaded is named in the letter instead.

``SMTP_URL``: ``smtp://user:password@host:587`` (STARTTLS when the server offers it), ``smtps://…:465`` (TLS from
the start); ``SMTP_FROM`` the sender address (the URL's user when it is an address)."""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from enum import StrEnum
from urllib.parse import unquote, urlsplit

from bot.services.appeals.drafts import FileRef, OrgItem
from bot.services.appeals.views import AnswerView, AppealView
from bot.texts import staff_appeals as t


class MailError(Exception):
    """The letter was not sent (the server refused, did not answer, or the settings are wrong). ``too_big``: the
    server refused its size (552) — it may go again without attachments."""

    def __init__(self, message: str, too_big: bool = False) -> None:
        super().__init__(message)
        self.too_big = too_big


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool  # smtps: TLS from the first byte
    sender: str


def parse_url(url: str, sender: str | None = None) -> SmtpConfig:
    """``smtp[s]://[user[:password]@]host[:port]`` → the connection; ValueError with the reason."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("нужен адрес вида smtp://user:password@host:587 или smtps://user:password@host:465")
    if not parts.hostname:
        raise ValueError("в адресе нет сервера: smtp://user:password@host:587")
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 587)
    except ValueError:
        raise ValueError("порт SMTP — число от 1 до 65535") from None
    user = unquote(parts.username) if parts.username else None
    frm = (sender or "").strip() or (user if user and "@" in user else "")
    if not frm or "@" not in frm:
        raise ValueError("нужен адрес отправителя: задайте SMTP_FROM (например, bot@uk.example.ru)")
    return SmtpConfig(parts.hostname, port, user, unquote(parts.password) if parts.password else None,
                      parts.scheme == "smtps", frm)


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes
    mime: str
    ref: FileRef | None = None


class Skip(StrEnum):
    """Why a file is named in the letter instead of attached."""

    big = "big"  # over the cloud Bot API's 20 MB and no local Bot API server
    total = "total"  # the server refused the letter with it as too big
    failed = "failed"  # Telegram did not give it


@dataclass(frozen=True)
class Skipped:
    ref: FileRef
    why: Skip



def attachment_of(ref: FileRef, index: int, content: bytes) -> Attachment:
    name = ref.file_name or (f"photo-{index}.jpg" if ref.kind == "photo" else f"file-{index}")
    mime = ref.mime_type or mimetypes.guess_type(name)[0] or (
        "image/jpeg" if ref.kind == "photo" else "application/octet-stream")
    return Attachment(name, content, mime, ref)


def _attach(msg: EmailMessage, files: list[Attachment]) -> None:
    for a in files:
        main, _, sub = a.mime.partition("/")
        msg.add_attachment(a.content, maintype=main or "application", subtype=sub or "octet-stream",
                           filename=a.name)


def _skipped(items: list[Skipped], where: str) -> list[str]:
    return [t.MAIL_SKIPPED.format(name=x.ref.file_name or t.LABEL["photo"], size=t.size(x.ref.size),
                                  why=t.MAIL_SKIP_WHY[x.why.value], where=where) for x in items]


def appeal_body(v: AppealView, sent_on: dt.date | None, addressee: OrgItem, skipped: list[Skipped],
                redirected_by: str | None = None) -> str:
    lines = [t.LABEL["title"].format(number=v.number), ""]
    if redirected_by:
        lines += [t.MAIL_REDIRECT_NOTE.format(org=redirected_by), ""]
    lines += [t.LABEL["applicant"]] + [f"{k}: {val}" for k, val in t.applicant_rows(v)]
    lines += ["", t.DECLARATION, v.email or t.LABEL["none"], ""]
    lines += [t.LABEL["appeal"]] + [f"{k}: {val}" for k, val in t.appeal_rows(v, sent_on, addressee)]
    lines += ["", f"{t.LABEL['text']}:", v.text, ""]
    names = t.file_names(v.files)
    lines += [f"{t.LABEL['files']}: " + ("; ".join(names) if names else t.LABEL["no_files"])]
    notes = _skipped(skipped, t.MAIL_WHERE_APPEAL.format(contact=v.email or v.phone or ""))
    if notes:
        lines += [""] + notes
    lines += ["", "—", t.MAIL_FOOTER]
    return "\n".join(lines)


def appeal_message(v: AppealView, sent_on: dt.date | None, addressee: OrgItem, sender: str,
                   files: list[Attachment], skipped: list[Skipped], redirected_by: str | None = None) -> EmailMessage:
    """The appeal to ``addressee`` (its registry e-mail); replies go to the applicant."""
    msg = EmailMessage()
    msg["Subject"] = t.MAIL_SUBJECT.format(number=v.number, topic=" ".join((v.topic or "").split()))
    msg["From"] = sender
    msg["To"] = addressee.email or ""
    if v.email:
        msg["Reply-To"] = formataddr((v.full_name, v.email))
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(appeal_body(v, sent_on, addressee, skipped, redirected_by))
    _attach(msg, files)
    return msg


def answer_message(v: AppealView, ans: AnswerView, sent_on: dt.date | None, answered: dt.datetime, org_name: str,
                   sender: str, files: list[Attachment], skipped: list[Skipped]) -> EmailMessage:
    """The answer to the applicant's e-mail («ответ … прошу направить … по адресу электронной почты»)."""
    msg = EmailMessage()
    msg["Subject"] = t.MAIL_ANSWER_SUBJECT.format(number=v.number)
    msg["From"] = formataddr((org_name, sender))
    msg["To"] = v.email or ""
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    body = t.MAIL_ANSWER.format(name=" ".join(p for p in (v.first_name, v.patronymic) if p) or v.full_name,
                                number=v.number, sent=sent_on.strftime("%d.%m.%Y") if sent_on else "—",
                                topic=v.topic or "", org=org_name, when=answered.strftime("%d.%m.%Y %H:%M"),
                                text=ans.text or "")
    notes = _skipped(skipped, t.MAIL_WHERE_ANSWER)
    if files or skipped:
        body += "\n\n" + f"{t.LABEL['files']}: " + "; ".join(t.file_names(ans.files))
    if notes:
        body += "\n\n" + "\n".join(notes)
    msg.set_content(body + "\n\n—\n" + t.MAIL_FOOTER)
    _attach(msg, files)
    return msg


def withdrawal_message(v: AppealView, sent_on: dt.date | None, addressee: OrgItem, reason: str,
                       withdrawn: dt.datetime, sender: str) -> EmailMessage:
    """«Отзыв обращения»: to the addressee the appeal was e-mailed to, with the applicant's reason and contacts;
    replies go to the applicant."""
    msg = EmailMessage()
    msg["Subject"] = t.MAIL_WITHDRAW_SUBJECT.format(number=v.number)
    msg["From"] = sender
    msg["To"] = addressee.email or ""
    if v.email:
        msg["Reply-To"] = formataddr((v.full_name, v.email))
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    lines = [t.MAIL_WITHDRAW.format(name=v.full_name, number=v.number,
                                    sent=sent_on.strftime("%d.%m.%Y") if sent_on else "—",
                                    topic=" ".join((v.topic or "").split()), reason=reason,
                                    when=withdrawn.strftime("%d.%m.%Y %H:%M")), ""]
    lines += [t.LABEL["applicant"]] + [f"{k}: {val}" for k, val in t.applicant_rows(v)]
    lines += ["", "—", t.MAIL_FOOTER]
    msg.set_content("\n".join(lines))
    return msg


async def send(cfg: SmtpConfig, msg: EmailMessage, timeout: float = 30) -> None:
    import aiosmtplib

    try:
        await aiosmtplib.send(msg, hostname=cfg.host, port=cfg.port, username=cfg.username, password=cfg.password,
                              use_tls=cfg.use_tls, start_tls=None if not cfg.use_tls else False, timeout=timeout)
    except aiosmtplib.SMTPResponseException as exc:
        raise MailError(str(exc), too_big=exc.code == 552) from exc
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        raise MailError(str(exc)) from exc


async def send_or_without_files(cfg: SmtpConfig, build: Callable[[list[Attachment], list[Skipped]], EmailMessage],
                                files: list[Attachment], skipped: list[Skipped]) -> None:
    """Send the letter; when the server refuses its size, once more with the files named instead of attached."""
    try:
        await send(cfg, build(files, skipped))
        return
    except MailError as exc:
        if not exc.too_big or not files:
            raise
    named = [Skipped(a.ref, Skip.total) for a in files if a.ref is not None]
    await send(cfg, build([], skipped + named))
