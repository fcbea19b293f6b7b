"""The staff chat is usable: /help there lists the staff commands (and the command menu of the staff chat and of
each admin shows them), a registry file sent there is imported with the CLI's rules and report, what staff address
to the bot is answered, and at start the bot says in one line when it cannot work in STAFF_CHAT_ID."""

from __future__ import annotations

from pathlib import Path

from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import GetChat, SendDocument
from aiogram.types import BotCommandScopeChat, ChatMemberAdministrator, ChatMemberLeft, User
from sqlalchemy import select

from bot.app import check_staff_chat, set_commands
from bot.texts import accounts as ta
from bot.texts import common as t
from storage.models import Notification
from tests.conftest import ADMIN_ID, STAFF_CHAT_ID
from tests.factories import link
from tests.test_import_pushes import _accounts_of

DEMO = Path(__file__).resolve().parent.parent / "demo" / "registry"
HOUSE_1 = "5d2b7a3e-1c44-4f0e-9a61-3b8f2c7d9e01"


async def test_help_in_the_staff_chat_lists_the_staff_commands(staff):
    (reply,) = await staff.send("/help")
    assert reply.chat_id == STAFF_CHAT_ID
    for command, _ in t.STAFF_COMMANDS:
        assert f"/{command}" in reply.text, command
    assert "отклонить: причина" in reply.text
    (reply,) = await staff.send("/help@gis_zhkh_bot")
    assert "/outage" in reply.text


async def test_help_of_an_admin_in_private_has_both(make_client):
    admin = make_client(user_id=ADMIN_ID, first_name="Ольга")
    (reply,) = await admin.send("/help")
    assert t.BTN_READINGS in reply.text and "/outages" in reply.text and "/import" in reply.text


async def test_nothing_staff_address_to_the_bot_goes_unanswered(staff, bot):
    (reply,) = await staff.send("/frobnicate")
    assert "Не знаю команды /frobnicate" in reply.text and "/help" in reply.text
    assert await staff.send("/stats@other_bot") == []  # a command for another bot in the group
    (reply,) = await staff.send("/cancel")
    assert reply.text == t.STAFF_NOTHING_TO_CANCEL
    (reply,) = await staff.send("/import")
    assert reply.text == ta.IMPORT_ASK_FILE
    (reply,) = await staff.send("/start")
    assert "/outage" in reply.text
    # a reply to a message of the bot that is no card
    from tests.test_accounts import staff_reply

    (reply,) = await staff_reply(staff, 12345, "а что это?")
    assert reply.text == t.STAFF_REPLY_UNKNOWN
    # colleagues talking among themselves are left alone
    assert await staff.send("коллеги, привет") == []


async def test_a_csv_sent_to_the_staff_chat_is_imported_and_its_pushes_queued(staff, sessions, clock, settings):
    from bot.services.registry import import_and_publish

    report, _ = await import_and_publish(sessions, str(DEMO), clock, settings.quiet_hours)
    assert report.ok
    accounts = await _accounts_of(sessions, HOUSE_1)
    await link(sessions, 701, accounts[0])

    csv = ("\ufeffhouse_guid;resource;starts_at;ends_at;kind;reason\n"
           f"{HOUSE_1};cold_water;01.12.2026 10:00;01.12.2026 18:00;emergency;давление < 2 атм & ремонт\n")
    replies = await staff.send_document("outages.csv", csv.encode(), mime="text/csv")
    assert ta.IMPORT_STARTED.format(name="outages.csv") in replies[0].text
    summary = replies[-1].text
    assert summary.startswith("<pre>Реестр загружен.") and "outages" in summary
    assert "Уведомлений жителям поставлено в очередь: 1" in summary
    async with sessions() as s:
        (push,) = (await s.execute(select(Notification).where(Notification.kind.like("outage%")))).scalars()
    assert push.user_id == 701

    # with the /import caption, and a file with problems: every problem as «file:row: column: reason»
    bad = "\ufeffhouse_guid;resource;starts_at;ends_at;kind;reason\n" f"{HOUSE_1};пар;вчера;;emergency;x\n"
    replies = await staff.send_document("outages.csv", bad.encode(), mime="text/csv", caption="/import")
    report = replies[-1].text
    assert "outages.csv:2: resource:" in report and "Реестр не загружен, ничего не записано" in report


async def test_a_long_report_comes_as_a_file(staff):
    header = "house_guid;resource;starts_at;ends_at;kind;reason\n"
    rows = "".join(f"00000000-0000-0000-0000-{n:012d};пар;вчера;;emergency;x\n" for n in range(300))
    replies = await staff.send_document("outages.csv", (header + rows).encode(), mime="text/csv")
    sent = replies[-1]
    assert sent.method == "sendDocument" and "Реестр из «outages.csv» не загружен" in sent.text
    assert "Ошибок: 1200" in sent.text  # all of them, not only the 1 000 the file lists
    assert isinstance(sent.raw, SendDocument) and sent.raw.document.filename == ta.IMPORT_REPORT_FILE
    body = sent.raw.document.data.decode()
    assert body.count("outages.csv:") == 1000 and "… и ещё 200 проблем" in body  # the first 1 000, then a count


async def test_a_file_that_is_no_registry_is_refused(staff, sessions):
    (reply,) = await staff.send_document("акт <1> & ко.pdf")
    assert reply.text == ta.IMPORT_WRONG_TYPE.format(name="акт &lt;1&gt; &amp; ко.pdf")


async def test_command_menus_per_chat(bot, settings):
    settings.admin_ids = [ADMIN_ID, 901]
    bot.session.add_result("setMyCommands", True)  # the residents'
    bot.session.add_result("setMyCommands", True)  # the staff chat's
    bot.session.add_result("setMyCommands", TelegramBadRequest(method=GetChat(chat_id=ADMIN_ID),
                                                               message="Bad Request: chat not found"))
    await set_commands(bot, settings)
    calls = [r for r in bot.session.requests if r.__api_method__ == "setMyCommands"]
    assert calls[0].scope is None and {c.command for c in calls[0].commands} == {c for c, _ in t.COMMANDS}
    assert calls[1].scope == BotCommandScopeChat(chat_id=STAFF_CHAT_ID)
    assert {c.command for c in calls[1].commands} == {c for c, _ in t.STAFF_COMMANDS}
    # an admin the bot cannot reach is skipped; the next one still gets both menus
    assert [c.scope.chat_id for c in calls[2:]] == [ADMIN_ID, 901]
    assert {"start", "outage", "import"} <= {c.command for c in calls[3].commands}


async def test_start_check_of_the_staff_chat(bot, settings):
    me = User(id=bot.id, is_bot=True, first_name="ЖКХ", username="gis_zhkh_bot", can_read_all_group_messages=False)
    admin = ChatMemberAdministrator(user=me, can_be_edited=False, is_anonymous=False, can_manage_chat=True,
                                    can_delete_messages=True, can_manage_video_chats=False,
                                    can_restrict_members=False, can_promote_members=False, can_change_info=False,
                                    can_invite_users=True, can_post_stories=False, can_edit_stories=False,
                                    can_delete_stories=False, can_send_welcome_messages=False)
    bot.session.add_result("getMe", me)
    bot.session.add_result("getChatMember", admin)
    assert await check_staff_chat(bot, settings) is None  # an admin sees everything

    # a plain member with privacy mode on sees only commands and replies: said in one line
    problem = await check_staff_chat(bot, settings)
    assert "privacy mode" in problem and str(STAFF_CHAT_ID) in problem and "\n" not in problem

    bot.session.add_result("getChatMember", ChatMemberLeft(user=me))
    assert "not a member" in await check_staff_chat(bot, settings)
    bot.session.add_result("getChat", TelegramBadRequest(method=GetChat(chat_id=STAFF_CHAT_ID),
                                                         message="Bad Request: chat not found"))
    assert "cannot open this chat (Bad Request: chat not found)" in await check_staff_chat(bot, settings)
    settings.staff_chat_id = None
    assert "STAFF_CHAT_ID is not set" in await check_staff_chat(bot, settings)


async def test_an_xlsx_sent_to_the_staff_chat_is_imported(staff, sessions):
    """The demo registry as one workbook (every cell a string: the types are the registry engineer's tests)."""
    import csv
    import io

    from openpyxl import Workbook

    from storage.models import House

    wb = Workbook()
    wb.remove(wb.active)
    for f in sorted(DEMO.glob("*.csv")):
        rows = list(csv.reader(f.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
        ws = wb.create_sheet(f.stem)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    replies = await staff.send_document(
        "Реестр за ноябрь.xlsx", buf.getvalue(),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", caption="/import")
    assert replies[-1].text.startswith("<pre>Реестр загружен."), replies[-1].text
    async with sessions() as s:
        assert len((await s.execute(select(House))).scalars().all()) >= 2


async def test_a_registry_file_sent_inside_a_staff_dialog_is_not_dropped_in_silence(staff, sessions, dp, bot):
    await staff.send("/outage")
    replies = await staff.send_document("accounts.csv", b"account_number;provider_ogrn\r\n", "text/csv")
    assert [r.text for r in replies] == [
        "Файл «accounts.csv» не загружен: сейчас открыт диалог «Новое отключение». Закончите его или нажмите "
        "/cancel — и пришлите файл ещё раз."]
    state = await dp.fsm.get_context(bot, staff.chat.id, staff.user.id).get_state()
    assert state == "StaffOutage:house"  # the dialog goes on


def test_a_browser_copy_name_keeps_its_brackets_for_the_importer():
    from bot.handlers.staff_help import _safe_name

    assert _safe_name("accounts (1).csv") == "accounts (1).csv"
    assert _safe_name("../../etc/passwd") == "passwd"
    assert _safe_name("C:\\Users\\УК\\Реестр УК (ноябрь).xlsx") == "Реестр УК (ноябрь).xlsx"
    assert _safe_name("a;b|c.csv") == "a_b_c.csv"
    assert _safe_name(" .hidden.csv") == "hidden.csv"
