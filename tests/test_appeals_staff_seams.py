"""The seams of the staff appeal loop, through the real Dispatcher: a redirect step's button (or typed name, or
/cancel) that outlived its dialog says what became of the appeal — from the database — and changes nothing; the
organization itself is not a place to redirect to; a staff answer's files follow the residents' list of types and
a refused one writes and sends nothing."""

from __future__ import annotations

from aiogram.types import Document
from sqlalchemy import func, select

from bot.fsm.staff_appeals import CardAction, RedirectToCD, StaffAppealCD, StaffRedirect
from bot.handlers import appeal_delivery as delivery
from bot.services.appeals import drafts
from bot.services.appeals import staff as svc
from bot.services.appeals.drafts import FileRef
from bot.services.appeals.validate import ALLOWED_EXTENSIONS, FileProblem
from storage.models import Appeal, AppealAnswer, AppealFile, AppealStatusChange
from storage.vocab import AppealRoute, AppealStatus
from tests.conftest import ADMIN_ID, STAFF_CHAT_ID
from tests.factories import UK_INN, world
from tests.test_appeals_staff import (
    USER,
    calls,
    card_message,
    fields,
    photo,
    reply,
    sent_appeal,
    status_of,
)

REDIRECTED_TO = "уже перенаправлено в АО «Энергосбыт»"


def alerts(out) -> list:
    return [o for o in out if o.method == "answerCallbackQuery"]


async def open_card(sessions, bot, staff, appeal_id: int) -> int:
    mid = await card_message(sessions, appeal_id)
    staff.inline[mid] = [m for m in calls(bot, "sendMessage", STAFF_CHAT_ID) if m.reply_markup][0].reply_markup
    return mid


async def redirected_changes(sessions, appeal_id: int) -> int:
    async with sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(AppealStatusChange).where(
            AppealStatusChange.appeal_id == appeal_id, AppealStatusChange.status == "redirected")))


def doc(name: str, mime: str | None, fid: str = "D1", size: int = 1000) -> Document:
    return Document(file_id=fid, file_unique_id=fid + "u", file_name=name, mime_type=mime, file_size=size)


# --------------------------------------------------------------------------------------------- stale redirect steps


async def test_old_cancel_and_a_second_pick_after_the_redirect(sessions, clock, bot, settings, staff):
    w = await world(sessions)
    appeal_id, _ = await sent_appeal(sessions, clock, bot, settings, w)
    mid = await open_card(sessions, bot, staff, appeal_id)
    await staff.click("Перенаправить", mid)
    (bad,) = await staff.send("1234567890")
    assert "В ИНН ошибка" in bad.text and bad.buttons == ["« Не перенаправлять"]
    (pick,) = await staff.send("Энергосбыт")
    first_pick = pick.inline.inline_keyboard[0][0].callback_data
    await staff.click(pick.buttons[0], pick.message_id)
    assert await status_of(sessions, appeal_id) is AppealStatus.redirected
    assert await staff.dp.fsm.get_context(staff.bot, STAFF_CHAT_ID, ADMIN_ID).get_state() is None
    told = len(calls(bot, "sendMessage", USER))
    pdfs = len(calls(bot, "sendDocument", USER))

    # the old «« Не перенаправлять» under «В ИНН ошибка»: what happened, not what the button meant
    out = await staff.click("« Не перенаправлять", bad.message_id)
    (alert,) = alerts(out)
    assert REDIRECTED_TO in alert.text and "не перенаправлено" not in alert.text, alert.text
    assert "Ольга Диспетчер, 19.11.2026 12:00" in alert.text and alert.raw.show_alert
    assert bad.message_id not in staff.inline  # the stale button is gone

    # the same organization picked again (another clerk, a double tap): not redirected twice
    out = await staff.click_data(first_pick, pick.message_id)
    assert REDIRECTED_TO in alerts(out)[0].text
    # another organization from an old list: refused as well, the appeal stays where it went
    out = await staff.click_data(RedirectToCD(appeal_id=appeal_id, org_id=w.gzhi.id).pack(), pick.message_id)
    assert REDIRECTED_TO in alerts(out)[0].text
    # the card's «Перенаправить» (an old copy of the card) says the same, no dialog starts
    out = await staff.click_data(StaffAppealCD(action=CardAction.redirect, appeal_id=appeal_id).pack(), mid)
    assert REDIRECTED_TO in alerts(out)[0].text
    assert await staff.dp.fsm.get_context(staff.bot, STAFF_CHAT_ID, ADMIN_ID).get_state() is None

    assert await redirected_changes(sessions, appeal_id) == 1
    assert (len(calls(bot, "sendMessage", USER)), len(calls(bot, "sendDocument", USER))) == (told, pdfs)
    assert len([m for m in calls(bot, "sendMessage", STAFF_CHAT_ID) if "перенаправлено: АО" in m.text]) == 1


async def test_redirect_steps_after_the_appeal_was_answered(sessions, clock, bot, settings, staff, make_client):
    w = await world(sessions)
    appeal_id, _ = await sent_appeal(sessions, clock, bot, settings, w)
    mid = await open_card(sessions, bot, staff, appeal_id)
    await staff.click("Перенаправить", mid)
    (bad,) = await staff.send("1234567890")
    (pick,) = await staff.send("Энергосбыт")
    # meanwhile another clerk answers the appeal
    other = make_client(user_id=ADMIN_ID + 1, first_name="Иван", last_name="Мастер", chat_id=STAFF_CHAT_ID)
    clock.advance(minutes=5)
    await reply(other, mid, text="Крышу починили сегодня.")
    assert await status_of(sessions, appeal_id) is AppealStatus.answered

    out = await staff.click(pick.buttons[0], pick.message_id)
    (alert,) = alerts(out)
    assert "уже дан ответ — Иван Мастер, 19.11.2026 12:05" in alert.text and "перенаправить его нельзя" in alert.text
    assert await status_of(sessions, appeal_id) is AppealStatus.answered
    assert await redirected_changes(sessions, appeal_id) == 0
    assert not [m for m in calls(bot, "sendMessage", USER) if "Перенаправлено" in m.text]
    # the dialog is over: a typed name is not a redirect step any more
    assert await staff.dp.fsm.get_context(staff.bot, STAFF_CHAT_ID, ADMIN_ID).get_state() is None
    out = await staff.click("« Не перенаправлять", bad.message_id)
    assert "уже дан ответ" in alerts(out)[0].text


async def test_typed_name_and_cancel_after_a_withdrawal(sessions, clock, bot, settings, staff):
    w = await world(sessions)
    appeal_id, _ = await sent_appeal(sessions, clock, bot, settings, w)
    mid = await open_card(sessions, bot, staff, appeal_id)
    await staff.click("Перенаправить", mid)
    async with sessions.begin() as s:  # what «Отозвать обращение» writes
        (await s.get(Appeal, appeal_id)).status = AppealStatus.withdrawn.value
        s.add(AppealStatusChange(appeal_id=appeal_id, status="withdrawn", changed_by=USER, comment="Сами",
                                 changed_at=clock.utcnow()))
    (out,) = await staff.send("Энергосбыт")
    assert "отозвано заявителем 19.11.2026 12:00 — перенаправить его нельзя" in out.text
    assert await staff.dp.fsm.get_context(staff.bot, STAFF_CHAT_ID, ADMIN_ID).get_state() is None
    # /cancel in a dialog about it (a restart, another device) says the same
    await staff.dp.fsm.get_context(staff.bot, STAFF_CHAT_ID, ADMIN_ID).set_state(StaffRedirect.org)
    await staff.dp.fsm.get_context(staff.bot, STAFF_CHAT_ID, ADMIN_ID).set_data({"appeal_id": appeal_id})
    (out,) = await staff.send("/cancel")
    assert "отозвано заявителем" in out.text


async def test_an_old_cancel_of_another_appeal_keeps_the_current_dialog(sessions, clock, bot, settings, staff):
    w = await world(sessions)
    first, _ = await sent_appeal(sessions, clock, bot, settings, w)
    second = (await drafts.submit(sessions, USER, fields(w, text="Не горит свет в подъезде второй день."), clock,
                                  False)).id
    await delivery.deliver(bot, settings, sessions, clock, second, AppealRoute.staff)
    await staff.click_data(StaffAppealCD(action=CardAction.redirect, appeal_id=first).pack())
    (bad,) = await staff.send("1234567890")
    await staff.send("/cancel")
    await staff.click_data(StaffAppealCD(action=CardAction.redirect, appeal_id=second).pack())
    out = await staff.click("« Не перенаправлять", bad.message_id)  # of the first appeal, still redirectable
    assert "Обращение № 2026-000001 не перенаправлено." in alerts(out)[0].text
    (pick,) = await staff.send("Энергосбыт")  # the second appeal's dialog goes on
    assert "обращение № 2026-000002" in pick.text and pick.buttons[0].startswith("АО «Энергосбыт»")
    await staff.click(pick.buttons[0], pick.message_id)
    assert (await status_of(sessions, first), await status_of(sessions, second)) == (
        AppealStatus.sent, AppealStatus.redirected)


async def test_hostile_org_name_in_the_state_alert_and_message(sessions, clock, bot, settings, staff):
    w = await world(sessions)
    async with sessions.begin() as s:
        (await s.get(type(w.rso), w.rso.id)).short_name = "АО <b>Свет</b> & Ко"
    appeal_id, _ = await sent_appeal(sessions, clock, bot, settings, w)
    await staff.click_data(RedirectToCD(appeal_id=appeal_id, org_id=w.rso.id).pack())
    out = await staff.click_data(RedirectToCD(appeal_id=appeal_id, org_id=w.rso.id).pack())
    assert "уже перенаправлено в АО <b>Свет</b> & Ко" in alerts(out)[0].text  # an alert is plain text
    await staff.dp.fsm.get_context(staff.bot, STAFF_CHAT_ID, ADMIN_ID).set_state(StaffRedirect.org)
    await staff.dp.fsm.get_context(staff.bot, STAFF_CHAT_ID, ADMIN_ID).set_data({"appeal_id": appeal_id})
    (msg,) = await staff.send("Энергосбыт")
    assert "АО &lt;b&gt;Свет&lt;/b&gt; &amp; Ко" in msg.text and msg.refused is None


# --------------------------------------------------------------------------------------------- the organization itself


async def test_redirect_search_names_the_organization_itself(sessions, clock, bot, settings, staff):
    w = await world(sessions)
    appeal_id, _ = await sent_appeal(sessions, clock, bot, settings, w)
    mid = await open_card(sessions, bot, staff, appeal_id)
    await staff.click("Перенаправить", mid)
    for query in (UK_INN, "Тестовая", w.uk.ogrn):
        (out,) = await staff.send(query)
        assert "это ваша организация" in out.text and "только в другую организацию" in out.text, query
        assert "не найдена" not in out.text and "ООО «УК Тестовая» (ИНН 7707083893)" in out.text
        assert out.buttons == ["« Не перенаправлять"]
    # the step stays: another organization is found and picked
    (pick,) = await staff.send("Энергосбыт")
    await staff.click(pick.buttons[0], pick.message_id)
    assert await status_of(sessions, appeal_id) is AppealStatus.redirected


# --------------------------------------------------------------------------------------------- answer files


async def test_an_answer_with_a_file_of_another_type_is_refused_whole(sessions, clock, bot, settings, staff):
    w = await world(sessions)
    appeal_id, _ = await sent_appeal(sessions, clock, bot, settings, w)
    mid = await card_message(sessions, appeal_id)
    staff.skip_unread()
    out = await reply(staff, mid, document=doc("setup.exe", "application/x-msdownload", "EXE"),
                      caption="Программа для показаний")
    (refused,) = out
    assert "«setup.exe» не принят" in refused.text and "не отправлено заявителю" in refused.text
    for ext in ALLOWED_EXTENSIONS:
        assert ext.upper() in refused.text
    assert await status_of(sessions, appeal_id) is AppealStatus.sent
    async with sessions() as s:
        assert (await s.execute(select(AppealAnswer))).scalars().all() == []
        assert (await s.execute(select(AppealFile).where(AppealFile.answer_id.is_not(None)))).scalars().all() == []
    assert calls(bot, "sendMessage", USER) == [] and calls(bot, "sendDocument", USER) == []
    # no extension: judged by the MIME type, as for residents; an allowed one goes through
    (out,) = await reply(staff, mid, document=doc("скрипт", "application/x-sh", "SH"))
    assert "не принят" in out.text
    await reply(staff, mid, document=doc("Акт.PDF", "application/pdf", "PDF1"), caption="Акт осмотра")
    assert await status_of(sessions, appeal_id) is AppealStatus.answered
    assert [d.document for d in calls(bot, "sendDocument", USER)] == ["PDF1"]


async def test_an_album_part_of_another_type_is_left_out(sessions, clock, bot, settings, staff):
    w = await world(sessions)
    appeal_id, _ = await sent_appeal(sessions, clock, bot, settings, w)
    mid = await card_message(sessions, appeal_id)
    staff.skip_unread()
    await reply(staff, mid, document=doc("акт.pdf", "application/pdf", "AL_PDF"), caption="Акт и смета",
                media_group_id="G7")
    (out,) = await reply(staff, mid, document=doc("смета.zip", "application/zip", "AL_ZIP"),
                         caption="и архив", media_group_id="G7")
    assert "«смета.zip» не принят" in out.text
    await reply(staff, mid, photo=photo("AL_PH"), media_group_id="G7")
    async with sessions() as s:
        (ans,) = (await s.execute(select(AppealAnswer))).scalars().all()
        files = (await s.execute(select(AppealFile.file_id).where(AppealFile.answer_id == ans.id)
                                 .order_by(AppealFile.position))).scalars().all()
    assert files == ["AL_PDF", "AL_PH"] and ans.text == "Акт и смета"
    assert [d.document for d in calls(bot, "sendDocument", USER)] == ["AL_PDF"]
    assert [p.photo for p in calls(bot, "sendPhoto", USER)] == ["AL_PH"]
    assert "AL_ZIP" not in str(calls(bot, "sendMediaGroup", USER))


async def test_answer_service_checks_files_before_writing(sessions, clock, bot, settings):
    w = await world(sessions)
    appeal_id, _ = await sent_appeal(sessions, clock, bot, settings, w)
    ok = FileRef("OK", "ok", "document", "скан.tiff", "image/tiff", 10)
    exe = FileRef("EXE", "exe", "document", "a.exe", None, 10)
    big = FileRef("BIG", "big", "document", "b.pdf", "application/pdf", 60 * 1024 * 1024)
    for bad, problem in ((exe, FileProblem.type), (big, FileProblem.size)):
        res = await svc.answer(sessions, appeal_id, ADMIN_ID, "Ольга", "Текст", [ok, bad], clock.utcnow())
        assert (res.outcome, res.file, res.problem) == (svc.Outcome.bad_file, bad, problem)
    res = await svc.answer(sessions, appeal_id, ADMIN_ID, "Ольга", "Текст", [ok] * 11, clock.utcnow())
    assert res.problem is FileProblem.count
    async with sessions() as s:
        assert (await s.execute(select(AppealAnswer))).scalars().all() == []
        assert (await s.get(Appeal, appeal_id)).answered_at is None
    res = await svc.answer(sessions, appeal_id, ADMIN_ID, "Ольга", "Текст", [ok], clock.utcnow())
    assert res.outcome is svc.Outcome.done
    more = await svc.add_to_answer(sessions, appeal_id, res.answer_id, "ещё", [exe])
    assert more.outcome is svc.Outcome.bad_file
    v = more.view
    assert [f.file_id for f in v.answers[0].files] == ["OK"] and v.answers[0].text == "Текст"
