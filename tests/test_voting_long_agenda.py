"""A meeting with a long agenda: every screen of it — the staff preview, the resident's card, each ballot step
«Вопрос N из M», the review before sending — reaches the user within Telegram's 4096 characters (one message, or
several with the buttons on the last); a question or a title over the limit is refused with the limit, not cut."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.local_session import TEXT_LIMIT, parse_html
from bot.services.voting import staff as plan
from bot.texts import common as ct
from bot.texts import voting as t
from storage.models import AgendaItem, Meeting, Vote
from tests.factories import PAYER_PHONE, link, world
from tests.test_voting_flow import set_phone


def long_text(head: str, n: int) -> str:
    """``n`` characters of words, with characters HTML must escape."""
    body = (head + " " + "утвердить смету работ <по фасаду> & кровле, " * (n // 40 + 1))[:n - 1]
    return body[:-1] + "ы." if body.endswith(" ") else body + "."


def plain(r) -> str:
    return parse_html(r.text)


def assert_fits(replies) -> None:
    """Nothing refused by the session (it fails as Telegram does), every text within the limit, no error apology."""
    for r in replies:
        assert r.refused is None, r.refused
        if r.method.startswith(("send", "edit")) and r.text:
            assert len(plain(r).encode("utf-16-le")) // 2 <= TEXT_LIMIT
            assert ct.ERROR not in r.text


def squash(text: str) -> str:
    return "".join(text.split())


async def test_staff_long_agenda_preview_fits_and_publishes_whole(staff, client, sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await set_phone(sessions, 111, PAYER_PHONE)
    title = long_text("Годовое собрание", plan.MAX_TITLE)
    q1 = long_text("Первый вопрос:", plan.MAX_QUESTION)
    q2 = long_text("Второй вопрос:", 2000)
    q3 = long_text("Третий вопрос:", 2000)
    replies = await staff.send("/meeting")
    replies = await staff.send("Бауманская 44")
    await staff.click(replies[-1].buttons[0])
    replies = await staff.send(title + "!")  # one character too many
    assert f"не больше {t.chars(plan.MAX_TITLE)}" in replies[-1].text
    replies = await staff.send(title)
    assert "Шаг 3" in replies[-1].text
    await staff.send("-")
    replies = await staff.send("20.11.2026 — 30.11.2026")
    assert "вопрос 1" in replies[-1].text
    replies = await staff.send(q1 + " И ещё.")
    assert f"не больше {t.chars(plan.MAX_QUESTION)}" in replies[-1].text and "вопрос 1 пока не добавлен" in replies[-1].text
    replies = await staff.send(q1)  # the dialog stayed on the step: the same question, shortened, is taken
    assert "Какой это вопрос" in replies[-1].text
    for q in (q2, q3):
        await staff.click("прочие вопросы")
        await staff.send(q)
    await staff.click("прочие вопросы")
    replies = await staff.click(t.BTN_DONE)
    assert_fits(replies)
    preview = [r for r in replies if r.method == "sendMessage"]
    assert len(preview) >= 2 and "Проверьте собрание" in preview[0].text
    assert t.BTN_PUBLISH in preview[-1].buttons and all(not r.buttons for r in preview[:-1])
    for q in (q1, q2, q3):  # each question whole, on one page
        assert any(q in plain(r) for r in preview)
    replies = await staff.click(t.BTN_PUBLISH)
    assert_fits(replies)
    assert "Собрание опубликовано" in replies[-1].text and "Собственников с записью в ЕГРН (они голосуют): 1, из них в боте (поделились номером телефона): 1" in replies[-1].text
    async with sessions() as s:
        m = (await s.execute(select(Meeting))).scalars().one()
        questions = (await s.execute(select(AgendaItem.question).where(AgendaItem.meeting_id == m.id)
                                     .order_by(AgendaItem.number))).scalars().all()
    assert m.title == title and questions == [q1, q2, q3]  # nothing cut

    # the resident votes on it once it opens: the card, each step with its whole question, the review
    clock.set(dt.datetime(2026, 11, 21, 12, 0))
    replies = await client.send("/vote")
    assert_fits(replies)
    replies = await client.click(client.last.buttons[0])
    assert_fits(replies)
    assert t.BTN_VOTE in replies[-1].buttons
    replies = await client.click(t.BTN_VOTE)
    for n, q in enumerate((q1, q2, q3), 1):
        assert_fits(replies)
        step = [r for r in replies if r.method in ("sendMessage", "editMessageText")]
        assert len(step) == 1, "a question of the allowed length fits its step in one message"
        assert f"Вопрос {n} из 3" in step[0].text and q in plain(step[0]) and "За" in step[0].buttons
        replies = await client.click("За")
    assert_fits(replies)
    assert "Проверьте ваше решение" in replies[-1].text and t.BTN_SEND in replies[-1].buttons
    replies = await client.click(t.BTN_SEND)
    assert_fits(replies)
    assert "Решение отправлено" in replies[-1].text


async def registry_meeting(sessions, house_id: int, n_items: int, question_chars: int, title_chars: int) -> int:
    """As meetings.csv / agenda.csv load it: the import takes any length of title and question."""
    async with sessions.begin() as s:
        m = Meeting(meeting_id="M-LONG", house_id=house_id, title=long_text("Собрание", title_chars),
                    initiator=long_text("Инициатор", 500), administrator="ООО «УК Тестовая»",
                    starts_at=dt.datetime(2026, 11, 10, 7, 0), ends_at=dt.datetime(2026, 11, 30, 17, 0))
        s.add(m)
        await s.flush()
        s.add_all([AgendaItem(meeting_id=m.id, number=i, question=long_text(f"Вопрос {i}:", question_chars),
                              majority="simple") for i in range(1, n_items + 1)])
        return m.id


async def test_resident_votes_on_a_registry_meeting_longer_than_any_message(client, sessions):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await set_phone(sessions, 111, PAYER_PHONE)
    n_items = 12
    mid = await registry_meeting(sessions, w.house.id, n_items, question_chars=6000, title_chars=1000)
    async with sessions() as s:
        questions = (await s.execute(select(AgendaItem.question).where(AgendaItem.meeting_id == mid)
                                     .order_by(AgendaItem.number))).scalars().all()
    replies = await client.send(ct.BTN_VOTING)
    assert_fits(replies)
    replies = await client.click(client.last.buttons[0])
    assert_fits(replies)
    card = [r for r in replies if r.method in ("sendMessage", "editMessageText")]
    assert len(card) >= 2 and t.BTN_VOTE in card[-1].buttons
    text = "\n".join(plain(r) for r in card)
    assert "Вопрос 12:" in text and "…" in text  # every question listed, cut: the ballot shows them whole
    assert "Голосование: 10.11.2026 в 10:00 — 30.11.2026 в 20:00" in text  # the registry's end as it is
    replies = await client.click(t.BTN_VOTE)
    for n, q in enumerate(questions, 1):
        assert_fits(replies)
        step = [r for r in replies if r.method in ("sendMessage", "editMessageText")]
        assert len(step) >= 2 and f"Вопрос {n} из {n_items}" in step[0].text
        assert squash(q) in squash("".join(plain(r) for r in step))  # the whole question, over the pages
        assert "Против" in step[-1].buttons and all(not r.buttons for r in step[:-1])
        replies = await client.click("Против" if n % 2 else "За")
    assert_fits(replies)
    review = [r for r in replies if r.method in ("sendMessage", "editMessageText")]
    assert "Проверьте ваше решение" in review[0].text and t.BTN_SEND in review[-1].buttons
    assert "12. Вопрос 12:" in "\n".join(plain(r) for r in review)
    replies = await client.click(t.BTN_SEND)
    assert_fits(replies)
    assert "Решение отправлено" in replies[-1].text
    async with sessions() as s:
        assert len((await s.execute(select(Vote))).all()) == n_items
    replies = await client.click(t.BTN_CARD)
    assert_fits(replies)
    assert "решение уже принято" in "\n".join(plain(r) for r in replies if r.text)


def test_pages_keep_tags_and_entities_whole():
    from bot.texts.render import TEXT_LIMIT as PAGE
    from bot.texts.render import fmt, pages

    text = fmt("<b>{a}</b>\n\n<i>{b}</i>", a="x & y " * 900, b="<тег> " * 900)
    parts = pages(text)
    assert len(parts) >= 2
    for p in parts:
        assert len(parse_html(p)) <= PAGE  # parses: tags closed and reopened, no entity cut
    assert squash("".join(parse_html(p) for p in parts)) == squash(parse_html(text))
    assert pages("короткий текст") == ["короткий текст"]
