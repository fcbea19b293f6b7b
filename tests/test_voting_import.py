"""The registry's voting columns (FORMAT.md): meetings.csv administrator, agenda.csv question_type (a majority
weaker than the type needs is rejected with the reason), houses.csv evoting_decision."""

from __future__ import annotations

from sqlalchemy import select

from bot.services.registry import import_registry
from storage.models import AgendaItem, House, Meeting
from tests.test_registry_import import TZ, demo_copy, read_lines, row_counts, write_csv


def add_column(lines: list[str], name: str, values: list[str]) -> list[str]:
    values = values + [""] * (len(lines) - 1 - len(values))
    return [lines[0] + ";" + name] + [f"{line};{v}" for line, v in zip(lines[1:], values, strict=False)]


async def test_voting_columns_import(sessions, tmp_path):
    folder = demo_copy(tmp_path)
    meetings = read_lines(folder, "meetings")
    write_csv(folder, "meetings", add_column(meetings, "administrator", ["ООО «Администратор»"] * len(meetings)))
    agenda = read_lines(folder, "agenda")
    write_csv(folder, "agenda", add_column(agenda, "question_type", ["council", "other"] + [""] * len(agenda)))
    houses = read_lines(folder, "houses")
    write_csv(folder, "houses", add_column(houses, "evoting_decision", ["протокол № 3 от 12.03.2026"]))
    report = await import_registry(sessions, folder, TZ)
    assert report.ok, report.errors
    async with sessions() as s:
        m = (await s.execute(select(Meeting))).scalars().first()
        assert m.administrator == "ООО «Администратор»"
        types = (await s.execute(select(AgendaItem.number, AgendaItem.question_type)
                                 .where(AgendaItem.meeting_id == m.id).order_by(AgendaItem.number))).all()
        assert types[0] == (1, "council") and types[1] == (2, "other") and all(t == "other" for _, t in types[2:])
        decisions = (await s.execute(select(House.evoting_decision).order_by(House.id))).scalars().all()
        assert decisions[0] == "протокол № 3 от 12.03.2026" and set(decisions[1:]) <= {None}


async def test_majority_weaker_than_the_question_type_is_rejected(sessions, tmp_path):
    folder = demo_copy(tmp_path)
    agenda = read_lines(folder, "agenda")
    assert agenda[1].endswith(";simple")
    write_csv(folder, "agenda", add_column(agenda, "question_type", ["common_property", "manager_choice"]))
    report = await import_registry(sessions, folder, TZ)
    assert not report.ok
    assert report.errors == [
        "agenda.csv:2: majority: вопрос типа common_property требует большинства не слабее two_thirds_all "
        "(ЖК РФ ст. 46 ч. 1), а указано simple",
    ]  # row 3 (manager_choice with more_than_half_all) is strong enough
    assert set((await row_counts(sessions)).values()) == {0}


async def test_import_cannot_change_the_agenda_once_voting_started(sessions, tmp_path):
    import datetime as dt

    from bot.services.clock import FixedClock

    before = FixedClock(TZ, dt.datetime(2026, 11, 1, 12, 0))  # the demo meeting starts 16.11.2026
    during = FixedClock(TZ, dt.datetime(2026, 11, 19, 12, 0))
    folder = demo_copy(tmp_path)
    assert (await import_registry(sessions, folder, TZ, clock=before)).ok
    assert (await import_registry(sessions, folder, TZ, clock=during)).ok  # the same agenda: fine
    agenda = read_lines(folder, "agenda")
    agenda[1] = agenda[1].replace("Избрать председателем", "Избрать председателем и секретарём")
    agenda.append(agenda[-1].split(";")[0] + ";99;Новый вопрос;simple")
    write_csv(folder, "agenda", agenda)
    report = await import_registry(sessions, folder, TZ, clock=during)
    assert not report.ok
    assert [e.split(": ", 2)[:2] for e in report.errors] == [["agenda.csv:2", "question"],
                                                            [f"agenda.csv:{len(agenda)}", "question"]]
    assert "повестку нельзя менять после начала голосования" in report.errors[0]
    assert (await import_registry(sessions, folder, TZ, clock=before)).ok  # before the start it may change


async def test_a_meeting_outside_7_to_60_days_is_refused_as_in_the_staff_chat(sessions, tmp_path):
    folder = demo_copy(tmp_path, "organizations", "houses")
    guid = read_lines(folder, "houses")[1].split(";")[0].lstrip("\ufeff")
    write_csv(folder, "meetings", [
        "meeting_id;house_guid;title;starts_at;ends_at",
        f"M1;{guid};Однодневное;10.12.2026 10:00;10.12.2026 11:00",
        f"M2;{guid};Неделя;10.12.2026 00:00;17.12.2026 00:00",  # 10–16 December: 7 days
        f"M3;{guid};Полгода;10.12.2026 10:00;10.06.2027 10:00",
    ])
    report = await import_registry(sessions, folder, TZ)
    assert report.errors == [
        "meetings.csv:2: ends_at: голосование длится 1 день, а по ЖК РФ ст. 47.1 — от 7 до 60 дней",
        "meetings.csv:4: ends_at: голосование длится 183 дня, а по ЖК РФ ст. 47.1 — от 7 до 60 дней",
    ]
