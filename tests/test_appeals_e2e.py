"""Appeals end to end, as the issue is checked: a resident composes a complaint about a leaking roof with a photo
and a PDF in the dialog, sends it to the УК; the staff chat gets one card and both files; a staff member replies to
the card with a photo; the resident receives the answer with the photo and the appeal reads «Ответ получен»; a
withdrawal is then refused. A complaint to the ГЖИ, composed the same way, never reaches the staff chat."""

from __future__ import annotations

from sqlalchemy import select

from bot.services import staff_cards as cards
from bot.texts import appeals as t
from bot.texts import my_appeals as tm
from storage.models import Appeal
from tests.conftest import STAFF_CHAT_ID
from tests.test_appeals_compose import answer, doc, photo, resident
from tests.test_appeals_staff import photo as staff_photo
from tests.test_appeals_staff import reply

MB = 1024 * 1024


def api_calls(bot, method: str, chat_id: int) -> list:
    return [r for r in bot.session.requests if r.__api_method__ == method and getattr(r, "chat_id", None) == chat_id]


async def compose(client, topic: tuple[str, str], addressee: str, files: bool) -> list:
    await client.send("/appeal")
    for step in ("name", "phone", "email", "house", "premises"):
        await answer(client, step)
    await client.click(topic[0])
    await client.click(topic[1])
    await client.click(addressee)
    await client.send("Протекает кровля над квартирой 12, в кухне мокрый потолок после каждого дождя.")
    await client.click(t.BTN_DONE)
    if files:
        await photo(client)
        (refused,) = await doc(client, "setup.exe", 1000, "application/x-msdownload")
        assert "setup.exe" in refused.text
        (refused,) = await doc(client, "видео.pdf", 60 * MB)
        assert "видео.pdf" in refused.text
        await doc(client, "акт.pdf", 300_000)
        await client.click(t.BTN_DONE)
    else:
        await client.click(t.BTN_NO_FILES)
    (confirm,) = [r for r in await client.click(t.BTN_SEND) if r.method == "sendMessage"]
    assert t.CONFIRM in confirm.text
    return await client.click("Да")


async def test_leaking_roof_to_the_uk_answered_from_the_staff_chat(client, staff, sessions, bot, clock):
    await resident(client, sessions)
    done = await compose(client, ("2. Проблемы, относящиеся к внутридомовой территории.", "2.1. Протечка кровли"),
                         "✓ ООО «УК Тестовая»", files=True)
    assert any("№ 2026-000001" in r.text and "Отправлено" in r.text for r in done)
    async with sessions() as s:
        a = (await s.execute(select(Appeal))).scalar_one()
    assert a.number == "2026-000001" and a.due_on is not None and a.urgent
    # one card in the staff chat, and both files re-sent by file_id
    card = await cards.get(sessions, cards.CardKind.appeal, a.id)
    card_msgs = [r for r in api_calls(bot, "sendMessage", STAFF_CHAT_ID) if "2026-000001" in r.text]
    assert len(card_msgs) == 1 and "Протекает кровля" in card_msgs[0].text
    sent_files = [m for r in api_calls(bot, "sendMediaGroup", STAFF_CHAT_ID) for m in r.media]
    sent_files += [r for r in api_calls(bot, "sendPhoto", STAFF_CHAT_ID)]
    sent_files += [r for r in api_calls(bot, "sendDocument", STAFF_CHAT_ID)]
    ids = {getattr(m, "media", None) or getattr(m, "photo", None) or getattr(m, "document", None) for m in sent_files}
    assert {f.file_id for f in (await _files(sessions, a.id))} <= ids

    # the staff reply to the card with a photo reaches the resident with the photo
    await reply(staff, card.message_id, photo=staff_photo("ROOF_FIXED"), caption="Кровлю залатали, фото прилагаем.")
    assert any("Кровлю залатали" in r.text for r in api_calls(bot, "sendMessage", client.user.id))
    assert any(r.photo == "ROOF_FIXED" for r in api_calls(bot, "sendPhoto", client.user.id))
    async with sessions() as s:
        assert (await s.get(Appeal, a.id)).status == "answered"

    # the resident's view reads «Ответ получен», and it cannot be withdrawn any more
    await client.send("/appeals")
    (view,) = [r for r in await client.click("№ 2026-000001 · Протечка кровли") if r.text]
    assert "Статус обращения: <b>Ответ получен</b>" in view.text and "Кровлю залатали" in view.text
    assert tm.BTN_WITHDRAW not in view.buttons
    # the push's own button opens the same view
    (pushed,) = [r for r in await client.click("Открыть обращение") if r.text]
    assert "№ 2026-000001" in pushed.text and "Ответ получен" in pushed.text


async def _files(sessions, appeal_id):
    from storage.models import AppealFile

    async with sessions() as s:
        return (await s.execute(select(AppealFile).where(AppealFile.appeal_id == appeal_id,
                                                         AppealFile.answer_id.is_(None)))).scalars().all()


async def test_a_complaint_to_the_gzhi_never_reaches_the_staff_chat(client, sessions, bot):
    await resident(client, sessions)
    done = await compose(client, ("8. Нарушения со стороны УК, ТСЖ, ЖСК, ЖК или иного СПК",
                                  "8.1. Неисполнение договора управления"), "✓ Мосжилинспекция", files=False)
    assert any("№ 2026-000001" in (r.text or "") for r in done)
    assert not [r for r in bot.session.requests if getattr(r, "chat_id", None) == STAFF_CHAT_ID]
    pdfs = api_calls(bot, "sendDocument", client.user.id)
    assert pdfs, "the resident gets the PDF to file it in ГИС ЖКХ"
