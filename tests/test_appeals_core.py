"""The appeal core without Telegram: the topic catalogue, due dates on the production calendar (computed by hand
here), the checks of what a resident types, drafts and sending (numbers, routes, never editing a sent appeal)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.services.appeals import deadlines, drafts, topics, validate, views
from bot.services.appeals.drafts import Fields, FileRef, Missing, SendError, SendProblem
from storage.vocab import AppealRoute, AppealStatus
from tests.factories import link, world

USER, OTHER = 111, 222


# --------------------------------------------------------------------------------------------- catalogue


def test_seed_topics_verbatim():
    names = {t.code: t.title for t in topics.ROOTS}
    assert list(names) == ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
    assert names["4"] == "Другая тема" and topics.get("4").typed
    assert names["6"] == "Оказание услуг по содержанию и ремонту"
    assert [t.title for t in topics.children("6")] == [
        "Качество оказания услуг по содержанию и ремонту",
        "Сроки оказания услуг по содержанию и ремонту",
        "Цены (тарифы) на предоставляемые услуги по содержанию и ремонту",
        "Размер оплаты за предоставляемые услуги по содержанию и ремонту",
        "Объем и перечень предоставляемых услуг по содержанию и ремонту",
    ]
    assert names["8"] == "Нарушения со стороны УК, ТСЖ, ЖСК, ЖК или иного СПК"
    assert topics.get("8").addressee is topics.AddresseeKind.gzhi
    emergencies = {t.code for t in topics.CATALOGUE if t.emergency}
    assert {"2.1", "5.8", "5.9"} <= emergencies and topics.get("5.9").gas
    for t in topics.CATALOGUE:  # every sub-topic's parent exists, codes are unique
        assert t.parent is None or topics.get(t.parent) is not None
    assert len({t.code for t in topics.CATALOGUE}) == len(topics.CATALOGUE)


# --------------------------------------------------------------------------------------------- due dates


def test_ten_working_days_over_the_new_year():
    # Fri 25.12.2026 → 28, 29, 30 (31 Dec is the day off moved from 4 Jan), 1–8 Jan holidays, 9–10 weekend,
    # 11, 12, 13, 14, 15, 18, 19 Jan → the 10th working day is Tue 19.01.2027
    assert deadlines.due_date(dt.date(2026, 12, 25), False, None) == dt.date(2027, 1, 19)


def test_ten_working_days_over_the_may_holidays():
    # Tue 28.04.2026 → 29, 30 Apr, (1 May holiday, 2–3 weekend) 4, 5, 6, 7, 8 May, (9–10 weekend, 11 May the
    # Victory Day moved from Saturday) 12, 13, 14 May → Thu 14.05.2026
    assert deadlines.due_date(dt.date(2026, 4, 28), False, None) == dt.date(2026, 5, 14)


def test_a_working_saturday_counts():
    # 20.02.2027 is a working Saturday (its day off moved to 22 Feb); 23 Feb is a holiday
    assert deadlines.is_working_day(dt.date(2027, 2, 20))
    assert not deadlines.is_working_day(dt.date(2027, 2, 22))
    # Thu 18.02.2027 + 3: Fri 19, Sat 20 (working), Wed 24 (22 off, 23 holiday)
    assert deadlines.due_date(dt.date(2027, 2, 18), False, topics.get("5.1")) == dt.date(2027, 2, 24)


def test_state_body_thirty_days_after_registration():
    # 25.12.2026 + 3 days to register + 30 days = 27.01.2027 (a Wednesday, a working day)
    assert deadlines.due_date(dt.date(2026, 12, 25), True, None) == dt.date(2027, 1, 27)
    # 05.12.2026 + 33 = 07.01.2027 (Christmas) → the next working day, Mon 11.01.2027
    assert deadlines.due_date(dt.date(2026, 12, 5), True, None) == dt.date(2027, 1, 11)


def test_emergency_and_communal_deadlines():
    assert deadlines.due_date(dt.date(2026, 11, 20), False, topics.get("2.1")) == dt.date(2026, 11, 23)  # Fri → Mon
    assert deadlines.due_date(dt.date(2026, 11, 19), False, topics.get("3.1")) == dt.date(2026, 11, 24)


def test_working_days_left():
    assert deadlines.working_days_left(dt.date(2026, 11, 19), dt.date(2026, 11, 23)) == 2
    assert deadlines.working_days_left(dt.date(2026, 11, 23), dt.date(2026, 11, 23)) == 0
    assert deadlines.working_days_left(dt.date(2026, 11, 24), dt.date(2026, 11, 20)) == -2


# --------------------------------------------------------------------------------------------- checks


@pytest.mark.parametrize("text, expected", [
    ("7707083893", ("inn", "7707083893")),
    ("500100732259", ("inn", "500100732259")),
    ("1027700132195", ("ogrn", "1027700132195")),
    ("304500116000157", ("ogrn", "304500116000157")),
    ("Тестовая", ("name", "Тестовая")),
])
def test_org_query(text, expected):
    q = validate.parse_org_query(text)
    assert (q.kind.value, q.value) == expected


@pytest.mark.parametrize("text, problem", [
    ("7707083894", "inn_checksum"), ("1027700132196", "ogrn_checksum"), ("304500116000158", "ogrnip_checksum"),
    ("12345", "inn_length"), ("УК", "short_name"),
])
def test_org_query_refused(text, problem):
    assert validate.parse_org_query(text) == problem


def test_files():
    assert validate.check_file("virus.exe", "application/x-msdownload", 100, 0) is validate.FileProblem.type
    assert validate.check_file("archive.zip", "application/zip", 100, 0) is validate.FileProblem.type
    assert validate.check_file("акт.PDF", None, 60 * 1024 * 1024, 0) is validate.FileProblem.size
    assert validate.check_file("акт.pdf", None, 50 * 1024 * 1024, 0) is None
    assert validate.check_file("скан.tif", None, 1, 9) is None
    assert validate.check_file("скан.tif", None, 1, 10) is validate.FileProblem.count
    assert validate.check_file(None, None, 1000, 0, photo=True) is None


def test_names_and_email():
    assert validate.from_profile("Ринат Ильдарович", "Хабибуллин") == validate.Applicant(
        "Хабибуллин", "Ринат", "Ильдарович")
    assert validate.from_profile("🐱 котик", None) == validate.Applicant(None, None, "Котик")
    assert validate.parse_full_name("хабибуллин ринат") == validate.Applicant("Хабибуллин", "Ринат", None)
    assert validate.parse_full_name("Ринат") is validate.NameProblem.too_few
    assert validate.parse_full_name("<b>x</b> y") is validate.NameProblem.not_a_name
    assert validate.normalize_email(" R.Kh@Mail.Ru ") == "R.Kh@mail.ru"
    assert validate.normalize_email("rinat@") is None and validate.normalize_email("a@b") is None
    assert validate.check_text("коротко") is validate.TextProblem.too_short
    assert validate.check_text("x" * 10_001) is validate.TextProblem.too_long


# --------------------------------------------------------------------------------------------- drafts and sending


def _complete(w, **kw) -> Fields:
    f = Fields(surname="Хабибуллин", first_name="Ринат", patronymic="Ильдарович", phone="+79161234567",
               email="rinat@example.ru", house_id=w.house.id, premises_id=w.flat.id, topic_code="2.1",
               addressee_id=w.uk.id, text="Протекает крыша над кухней после дождя.",
               files=[FileRef("PHOTO1", "u1", "photo", None, "image/jpeg", 1000),
                      FileRef("DOC1", "u2", "document", "акт.pdf", "application/pdf", 2000)])
    for k, v in kw.items():
        setattr(f, k, v)
    return f


async def test_defaults_and_places(sessions):
    w = await world(sessions)
    await link(sessions, USER, w.account)
    f = await drafts.defaults(sessions, USER)
    assert (f.first_name, f.house_id, f.premises_id) == ("Ринат", w.house.id, w.flat.id)
    places = await drafts.my_places(sessions, USER)
    assert [(p.house_id, [x.label for x in p.premises]) for p in places] == [(w.house.id, ["кв. 12"])]
    choices = await drafts.addressees(sessions, w.house.id)
    assert [c.id for c in choices] == [w.uk.id, w.gzhi.id, w.rso.id]
    assert [c.uses_bot for c in choices] == [True, False, False]
    assert drafts.default_addressee(choices, topics.get("8.1")).id == w.gzhi.id
    assert drafts.default_addressee(choices, topics.get("5.5")).id == w.rso.id
    found = await drafts.search_orgs(sessions, validate.parse_org_query("тестов"))
    assert [o.id for o in found] == [w.uk.id, w.rso.id]


async def test_draft_roundtrip_and_delete(sessions, clock):
    w = await world(sessions)
    await link(sessions, USER, w.account)
    f = _complete(w, text="")
    draft_id = await drafts.save_draft(sessions, USER, f, clock.utcnow())
    back = await drafts.load_draft(sessions, USER, draft_id)
    assert back == f
    assert await drafts.load_draft(sessions, OTHER, draft_id) is None
    assert await drafts.delete_draft(sessions, OTHER, draft_id) is False
    f.text = "Теперь с текстом обращения."
    assert await drafts.save_draft(sessions, USER, f, clock.utcnow(), draft_id) == draft_id
    assert (await drafts.load_draft(sessions, USER, draft_id)).text == f.text
    assert await drafts.delete_draft(sessions, USER, draft_id) is True
    assert await drafts.load_draft(sessions, USER, draft_id) is None


async def test_submit_numbers_due_date_route(sessions, clock):
    w = await world(sessions)
    await link(sessions, USER, w.account)
    with pytest.raises(SendError) as err:
        await drafts.submit(sessions, USER, _complete(w, email=None, text="ой"), clock, False)
    assert err.value.problem is SendProblem.incomplete and err.value.missing == [Missing.email, Missing.text]
    draft_id = await drafts.save_draft(sessions, USER, _complete(w), clock.utcnow())
    sent = await drafts.submit(sessions, USER, _complete(w), clock, False, draft_id)
    assert (sent.id, sent.number, sent.route, sent.urgent) == (draft_id, "2026-000001", AppealRoute.staff, True)
    assert sent.due_on == dt.date(2026, 11, 20)  # an emergency: one working day after Thu 19.11
    second = await drafts.submit(sessions, USER, _complete(w, topic_code="6.1", addressee_id=w.gzhi.id), clock,
                                 True)
    assert second.number == "2026-000002" and second.route is AppealRoute.email and not second.urgent
    assert second.due_on == dt.date(2026, 12, 22)  # 19.11 + 33 days = Tue 22.12
    third = await drafts.submit(sessions, USER, _complete(w, addressee_id=w.rso.id), clock, True)
    assert third.route is AppealRoute.pdf  # the РСО has no e-mail in the registry
    # a sent appeal is never a draft again: neither saved over nor sent twice
    assert await drafts.save_draft(sessions, USER, _complete(w), clock.utcnow(), draft_id) is None
    with pytest.raises(SendError) as err:
        await drafts.submit(sessions, USER, _complete(w), clock, False, draft_id)
    assert err.value.problem is SendProblem.gone
    view = await views.own_view(sessions, USER, draft_id)
    assert view.status is AppealStatus.sent and view.municipality == "Москва" and view.premises == "кв. 12"
    assert [f.file_id for f in view.files] == ["PHOTO1", "DOC1"]
    assert [c.status for c in view.history] == [AppealStatus.sent]
    assert view.topic == "Протечка кровли" and view.addressee.id == w.uk.id
    assert await views.own_view(sessions, OTHER, draft_id) is None
    assert not view.overdue(dt.date(2026, 11, 20)) and view.overdue(dt.date(2026, 11, 23))


async def test_another_users_draft_cannot_be_sent(sessions, clock):
    w = await world(sessions)
    await link(sessions, USER, w.account)
    await link(sessions, OTHER, w.other_account)
    draft_id = await drafts.save_draft(sessions, USER, _complete(w), clock.utcnow())
    with pytest.raises(SendError) as err:
        await drafts.submit(sessions, OTHER, _complete(w), clock, False, draft_id)
    assert err.value.problem is SendProblem.gone


async def test_typed_topic(sessions, clock):
    w = await world(sessions)
    await link(sessions, USER, w.account)
    f = _complete(w, topic_code="4", custom_topic=None)
    assert Missing.topic in drafts.missing(f)
    f.custom_topic = "Шум от ремонта у соседей"
    sent = await drafts.submit(sessions, USER, f, clock, False)
    assert (await views.get_view(sessions, sent.id)).topic == "Шум от ремонта у соседей"


async def test_followup_to_the_gzhi(sessions, clock):
    from storage.models import AppealAnswer, AppealFile

    w = await world(sessions)
    await link(sessions, USER, w.account)
    sent = await drafts.submit(sessions, USER, _complete(w), clock, False)
    async with sessions.begin() as s:
        ans = AppealAnswer(appeal_id=sent.id, author_id=5, author_name="Ольга", text="Кровлю починим весной.",
                           created_at=clock.utcnow())
        s.add(ans)
        await s.flush()
        s.add(AppealFile(appeal_id=sent.id, answer_id=ans.id, kind="document", file_id="ANS1", file_unique_id="a1"))
    assert await drafts.followup(sessions, OTHER, sent.id, clock) is None
    f, info = await drafts.followup(sessions, USER, sent.id, clock)
    assert (f.addressee_id, f.parent_id, f.topic_code, f.premises_id) == (w.gzhi.id, sent.id, "2.1", w.flat.id)
    assert [x.file_id for x in f.files] == ["PHOTO1", "DOC1", "ANS1"]
    assert (info.parent_number, info.answer_text, info.parent_sent_on) == (
        "2026-000001", "Кровлю починим весной.", dt.date(2026, 11, 19))
    followup = await drafts.submit(sessions, USER, f, clock, False)
    assert followup.route is AppealRoute.pdf
    assert (await views.get_view(sessions, followup.id)).parent_number == "2026-000001"
