"""After the end: the meeting is closed once at ends_at, its results stored, and the protocol PDF — opened back with
pypdf — says the hand-computed numbers."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from pypdf import PdfReader
from sqlalchemy import select

from bot.fsm.voting import ProtocolCD
from bot.services import protocol_pdf
from bot.services.voting import service as svc
from bot.services.voting.tally import Choice
from bot.texts import common as ct
from bot.texts import voting as t
from storage.models import AgendaItem, House, Meeting, Owner, Premises, User
from tests.factories import world
from tests.test_voting_flow import alerts

START = dt.datetime(2026, 11, 10, 7, 0)
END = dt.datetime(2026, 11, 30, 18, 0)


async def small_house(sessions, w, evoting: str | None = "протокол № 3 от 12.03.2026"):
    """No total_area: flat 1 of 60 m² owned in thirds, flat 2 of 40 m², a shop of 100 m² → 200 votes."""
    async with sessions.begin() as s:
        h = House(house_guid="5ad6e1a8-0c5c-4f2a-9b3e-00000000000a", region="Москва", city="Москва",
                  street="ул. Малая", building="1", manager_id=w.uk.id, evoting_decision=evoting, search_text="")
        s.add(h)
        await s.flush()
        f1 = Premises(house_id=h.id, number="1", total_area=Decimal("60.00"))
        f2 = Premises(house_id=h.id, number="2", total_area=Decimal("40.00"))
        shop = Premises(house_id=h.id, number="1Н", kind="nonresidential", total_area=Decimal("100.00"))
        s.add_all([f1, f2, shop])
        await s.flush()
        owners = [(f1, "Иванов И. И.", 1, 3, 1001), (f1, "Иванова А. И.", 1, 3, 1002), (f1, "Иванов П. И.", 1, 3, 1003),
                  (f2, "Петров П. П.", 1, 1, 1004), (shop, "ООО «Магазин»", 1, 1, 1005)]
        for p, name, num, den, uid in owners:
            phone = f"+7999000{uid:04d}"
            s.add(Owner(premises_id=p.id, owner_name=name, share_num=num, share_den=den, phone=phone,
                        egrn_record=f"77-{uid}"))
            s.add(User(id=uid, first_name=name, phone=phone))
        m = Meeting(meeting_id="2026/7", house_id=h.id, title="Годовое собрание", initiator="Иванов И. И.",
                    administrator="ООО «УК Тестовая»", starts_at=START, ends_at=END)
        s.add(m)
        await s.flush()
        items = [AgendaItem(meeting_id=m.id, number=1, question="Утвердить план работ", majority="simple"),
                 AgendaItem(meeting_id=m.id, number=2, question="Выбрать совет дома", majority="more_than_half_all"),
                 AgendaItem(meeting_id=m.id, number=3, question="Передать крышу в аренду", majority="two_thirds_all",
                            question_type="common_property")]
        s.add_all(items)
        await s.flush()
        return h.id, m.id, [i.id for i in items]


async def vote_all(sessions, mid, items, clock, shop_votes: bool = True):
    Y, N, A = Choice.yes, Choice.no, Choice.abstain
    plan = {1001: (Y, Y, Y), 1002: (Y, Y, Y), 1003: (Y, N, Y), 1004: (N, N, N)}
    if shop_votes:
        plan[1005] = (A, Y, Y)
    for uid, choices in plan.items():
        sent = await svc.submit(sessions, uid, mid, dict(zip(items, choices, strict=True)), clock.utcnow())
        assert sent.refusal is None


async def test_close_stores_results_once_and_protocol_says_the_hand_computed_numbers(sessions, clock):
    w = await world(sessions)
    hid, mid, items = await small_house(sessions, w)
    await vote_all(sessions, mid, items, clock)
    assert await svc.close_due(sessions, clock.utcnow()) == []  # not over yet
    clock.set(dt.datetime(2026, 11, 30, 21, 0))  # Moscow; 18:00 UTC — the end
    assert await svc.close_due(sessions, clock.utcnow()) == [mid]
    assert await svc.close_due(sessions, clock.utcnow()) == []  # once
    async with sessions() as s:
        m = await s.get(Meeting, mid)
        assert (m.total_votes, m.participated_votes, m.voters, m.quorum) == (Decimal("200.00"),
                                                                             Decimal("200.00"), 5, True)
        rows = (await s.execute(select(AgendaItem).where(AgendaItem.meeting_id == mid)
                                .order_by(AgendaItem.number))).scalars().all()
    # item 1 (simple): for 20+20+20 = 60 of 200 who took part → not adopted
    # item 2 (more than half of all): for 20+20+100 = 140 > 100 → adopted; against 20+40 = 60
    # item 3 (2/3 of all): for 60+100 = 160 ≥ 133.33 → adopted; against 40
    assert [(r.votes_for, r.votes_against, r.votes_abstain, r.outcome) for r in rows] == [
        (Decimal("60.00"), Decimal("40.00"), Decimal("100.00"), "rejected"),
        (Decimal("140.00"), Decimal("60.00"), Decimal("0.00"), "adopted"),
        (Decimal("160.00"), Decimal("40.00"), Decimal("0.00"), "adopted"),
    ]
    data = await svc.protocol_data(sessions, mid)
    pdf = protocol_pdf.render(data, clock.to_local)
    assert sum(len(p.images) for p in PdfReader(io.BytesIO(pdf)).pages) == 3  # a results picture per item
    text = pdf_text(pdf)
    assert "ПРОТОКОЛ ОБЩЕГО СОБРАНИЯ СОБСТВЕННИКОВ" in text and "№ 2026/7 от 30.11.2026" in text
    assert "протокол № 3 от 12.03.2026" in text
    assert "Инициатор собрания: Иванов И. И." in text and "Администратор собрания: ООО «УК Тестовая»" in text
    assert "с 10.11.2026 10:00 по 30.11.2026 21:00" in text
    assert "200,00 м² (100 %)" in text
    assert "обладающие 200,00 м² — 100,00 % голосов (5 чел.)" in text
    assert "Кворум имеется" in text
    assert answers(text) == [
        ("За", "60,00", "30,00"), ("Против", "40,00", "20,00"), ("Воздержались", "100,00", "50,00"),
        ("За", "140,00", "70,00"), ("Против", "60,00", "30,00"), ("Воздержались", "0,00", "0,00"),
        ("За", "160,00", "80,00"), ("Против", "40,00", "20,00"), ("Воздержались", "0,00", "0,00"),
    ]
    assert text.count("Решение принято") == 2 and text.count("Решение не принято") == 1
    assert "Приложение № 1" in text and "реестр собственников" in text
    register = text.split("Приложение № 1 к протоколу", 1)[1]
    assert register.count("1/3") == 3 and register.count("20,00") == 3 and "ООО «Магазин»" in register
    assert "100,00" in register


def pdf_text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(p.extract_text() for p in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))  # lines wrap where the page ends them


def answers(text: str) -> list[tuple[str, str, str]]:
    return re.findall(r"(За|Против|Воздержались): ([\d ]+,\d\d) м² — ([\d]+,\d\d) %", text)


async def test_exactly_half_is_no_quorum_in_the_protocol_and_survey_says_so(sessions, clock):
    w = await world(sessions)
    hid, mid, items = await small_house(sessions, w, evoting=None)
    await vote_all(sessions, mid, items, clock, shop_votes=False)  # 100 of 200: exactly a half
    clock.set(dt.datetime(2026, 12, 1, 9, 0))
    assert await svc.close_due(sessions, clock.utcnow()) == [mid]
    data = await svc.protocol_data(sessions, mid)
    assert data.participated == Decimal("100.00") and not data.quorum
    text = pdf_text(protocol_pdf.render(data, clock.to_local))
    assert "ПРОТОКОЛ ОПРОСА СОБСТВЕННИКОВ" in text and "не являются решением общего собрания" in text
    assert "Кворума нет" in text and text.count("Кворума нет — решение не принято") == 3


async def test_resident_gets_protocol_from_the_card(make_client, sessions, clock):
    w = await world(sessions)
    hid, mid, items = await small_house(sessions, w)
    await vote_all(sessions, mid, items, clock)
    owner = make_client(user_id=1004, first_name="Пётр")
    replies = await owner.click_data(ProtocolCD(id=mid).pack())
    assert alerts(replies) == [t.NO_PDF]
    clock.set(dt.datetime(2026, 12, 1, 9, 0))
    await svc.close_due(sessions, clock.utcnow())
    await owner.send(ct.BTN_VOTING)
    replies = await owner.click("⚪️ Годовое собрание")
    card = replies[-1].text
    assert "за 60,00\u00a0м² · против 40,00\u00a0м² · возд. 100,00\u00a0м² — Решение не принято" in card
    assert "Голосование завершено" in card and t.BTN_VOTE not in replies[-1].buttons
    replies = await owner.click(t.BTN_PROTOCOL)
    (doc,) = [r for r in replies if r.method == "sendDocument"]
    assert doc.raw.document.filename == "protocol-2026_7.pdf"
    assert answers(pdf_text(doc.raw.document.data))[0] == ("За", "60,00", "30,00")
    # someone of another house cannot get it
    stranger = make_client(user_id=4242)
    replies = await stranger.click_data(ProtocolCD(id=mid).pack())
    assert len(alerts(replies)) == 1 and not [r for r in replies if r.method == "sendDocument"]


def test_cli_export_protocol_writes_the_same_pdf(tmp_path, monkeypatch, capsys):
    import asyncio

    from bot.__main__ import main
    from storage.db import create_engine, session_factory
    from tests.test_registry_import import DEMO

    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BOT_TOKEN", "")
    monkeypatch.setenv("REDIS_URL", "")
    assert main(["import", str(DEMO), "-q"]) == 0
    assert main(["export", "protocol", "ОСС-2026-11", "-o", str(tmp_path / "p.pdf")]) == 2  # still voting
    assert "не записан" in capsys.readouterr().err

    async def close() -> list[int]:
        engine = create_engine(url)
        try:
            return await svc.close_due(session_factory(engine), dt.datetime(2026, 12, 21, 0, 0))
        finally:
            await engine.dispose()

    assert len(asyncio.run(close())) == 1
    assert main(["export", "protocol", "ОСС-2026-11", "-o", str(tmp_path / "p.pdf")]) == 0
    text = pdf_text((tmp_path / "p.pdf").read_bytes())
    assert "№ ОСС-2026-11 от 20.12.2026" in text and "Кворума нет" in text  # nobody voted in the demo
    assert main(["export", "protocol"]) == 2
    assert main(["export", "readings"]) == 2  # no period: told, as before
