"""bot.services.readings called directly, with hand-computed expectations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from bot.services import readings as svc
from bot.texts import readings as t
from storage.models import Meter, Reading
from tests.factories import link, world

D = Decimal
W = svc.Window(20, 25)
TODAY = dt.date(2026, 11, 19)
NOW = dt.datetime(2026, 11, 19, 9, 0)
USER = 111


# --------------------------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(("text", "digits", "expected"), [
    ("105,5", 5, D("105.500")),
    ("105.5", 5, D("105.500")),
    (" 00105,250 ", 5, D("105.250")),  # the dial's leading zeros
    ("99999,999", 5, D("99999.999")),
    ("0", 5, D("0.000")),
    ("123456", 6, D("123456.000")),
    # the whole part grouped by three, as bills and banking apps print it
    ("1 240", 5, D("1240.000")),
    ("1 240,5", 5, D("1240.500")),
    ("1\u00a0240,5", 5, D("1240.500")),  # no-break space
    ("1\u202f240.25", 5, D("1240.250")),  # narrow no-break space
    ("12 345,678", 5, D("12345.678")),
    ("1 000 000", 7, D("1000000.000")),
])
def test_parse_value_ok(text, digits, expected):
    assert svc.parse_value(text, digits) == expected


@pytest.mark.parametrize(("text", "problem"), [
    ("", svc.ValueProblem.empty),
    (None, svc.ValueProblem.empty),
    ("-5", svc.ValueProblem.negative),
    ("−5", svc.ValueProblem.negative),
    ("abc", svc.ValueProblem.letters),
    ("1e9", svc.ValueProblem.letters),
    ("12,3,4", svc.ValueProblem.format),
    ("12.", svc.ValueProblem.format),
    (",5", svc.ValueProblem.format),
    ("12 3,4", svc.ValueProblem.format),  # spaces not grouping by three: what was meant?
    ("1 2", svc.ValueProblem.format),
    ("1 2345", svc.ValueProblem.format),
    ("1 240, 5", svc.ValueProblem.format),
    ("1,240 5", svc.ValueProblem.format),
    ("-1 240", svc.ValueProblem.negative),
    ("1 240 кВт", svc.ValueProblem.letters),
    ("123 456", svc.ValueProblem.too_many_digits),
    ("1 240,1234", svc.ValueProblem.too_many_decimals),
    ("+5", svc.ValueProblem.format),
    ("123456", svc.ValueProblem.too_many_digits),
    ("1,2345", svc.ValueProblem.too_many_decimals),
])
def test_parse_value_refused(text, problem):
    with pytest.raises(svc.BadValue) as exc:
        svc.parse_value(text, 5)
    assert exc.value.problem is problem
    assert problem.value in t.BAD_VALUE


def test_printed_values_can_be_typed_back():
    for value in (D("12345.678"), D("1200.000"), D("0.500")):
        assert svc.parse_value(t.num(value), 5) == value


def test_parse_date():
    assert svc.parse_date("18.11.2026") == dt.date(2026, 11, 18)
    assert svc.parse_date("1.2.2026") == dt.date(2026, 2, 1)
    assert svc.parse_date("31.02.2026") is None
    assert svc.parse_date("2026-11-18") is None
    assert svc.parse_date("вчера") is None


# --------------------------------------------------------------------------------------------- window


@pytest.mark.parametrize(("day", "window", "period", "inside"), [
    (dt.date(2026, 11, 19), W, "2026-11", False),
    (dt.date(2026, 11, 20), W, "2026-11", True),
    (dt.date(2026, 11, 25), W, "2026-11", True),
    (dt.date(2026, 11, 26), W, "2026-12", False),
    (dt.date(2026, 12, 28), W, "2027-01", False),
    (dt.date(2026, 2, 28), svc.Window(25, 31), "2026-02", True),  # 31 means the month's last day
    (dt.date(2026, 11, 1), svc.Window(1, 31), "2026-11", True),
])
def test_period_for(day, window, period, inside):
    p = svc.period_for(day, window)
    assert (p.period, p.in_window) == (period, inside)


# --------------------------------------------------------------------------------------------- averages


def pt(day: str, *values: str, period: str | None = "x") -> svc.Point:
    return svc.Point(tuple(D(v) for v in values), dt.date.fromisoformat(day), 1 if period else None, period)


def test_average_monthly_hand_computed():
    # 20.08 → 20.09: 10 m³ in 31 days; 20.09 → 20.10: 12 m³ in 30 days → 22 / 61 a day
    points = [pt("2026-08-20", "100", period=None), pt("2026-09-20", "110"), pt("2026-10-20", "122")]
    assert svc.average_daily(points) == D(22) / D(61)
    # 22 / 61 × 30.4375 = 10.977459… → 10.977
    assert svc.average_monthly(points) == D("10.977")


def test_average_skips_drops_and_same_day_and_needs_two_points():
    assert svc.average_monthly([pt("2026-10-20", "100")]) is None
    points = [pt("2026-08-20", "100"), pt("2026-08-20", "105"), pt("2026-09-20", "5"), pt("2026-10-20", "20.5")]
    # only 20.09 → 20.10 counts: 15.5 in 30 days
    assert svc.average_daily(points) == D("15.5") / 30


def test_average_two_zones_uses_the_sum():
    points = [pt("2026-09-20", "1000", "400"), pt("2026-10-20", "1100", "430")]
    assert svc.average_daily(points) == D(130) / 30


def test_consumption_by_period():
    points = [pt("2026-08-20", "100", period=None), pt("2026-09-20", "110", period="2026-09"),
              pt("2026-10-20", "122.5", period="2026-10")]
    assert svc.consumption_by_period(points, W) == {"2026-09": (D(10),), "2026-10": (D("12.5"),)}


def test_consumption_over_several_months_is_spread_over_them():
    """A reading four periods after the registry's value: 40 m³ are 10 m³ in each of those periods, not 40 in
    November."""
    points = [pt("2026-07-20", "100", period=None), pt("2026-11-19", "140", period="2026-11")]
    assert svc.consumption_by_period(points, W) == {p: (D(10),) for p in ("2026-08", "2026-09", "2026-10", "2026-11")}
    uneven = [pt("2026-08-22", "0", period=None), pt("2026-11-19", "10", period="2026-11")]  # 3 periods
    spread = svc.consumption_by_period(uneven, W)
    assert spread == {"2026-09": (D("3.333"),), "2026-10": (D("3.333"),), "2026-11": (D("3.334"),)}


def test_consumption_by_period_keeps_the_zones():
    points = [pt("2026-09-20", "1000", "400", period=None), pt("2026-10-20", "1100", "430", period="2026-10")]
    assert svc.consumption_by_period(points, W, zones=2) == {"2026-10": (D(100), D(30))}


def test_times_wording():
    assert t.times(D("4.94")) == "4,9 раза"
    assert t.times(D("5.01")) == "5 раз"
    assert t.times(D("3.04")) == "3 раза"
    assert t.times(D("12.2")) == "12 раз"
    assert t.times(D("22.4")) == "22 раза"


# --------------------------------------------------------------------------------------------- with a database


@pytest.fixture
async def w(sessions):
    w = await world(sessions)
    await link(sessions, USER, w.account, w.power_account)
    return w


async def test_meters_of_linked_accounts_only(sessions, w):
    ml = await svc.list_meters(sessions, USER, TODAY, W)
    assert ml.has_accounts and [m.serial for m in ml.meters] == ["ХВ-001", "ГВ-001", "Э-777"]
    cold = ml.meters[0]
    assert cold.last == svc.Point((D("100.000"),), dt.date(2026, 10, 20))
    assert cold.base == cold.last and cold.current is None and not cold.overdue
    assert cold.address == "г. Москва, ул. Бауманская, д. 44" and cold.premises == "кв. 12"
    assert (await svc.list_meters(sessions, 999, TODAY, W)) == svc.MeterList(False, [])
    assert await svc.get_meter(sessions, 999, w.cold.id, TODAY, W) is None


async def test_save_cold_consumption_hand_computed(sessions, w):
    saved = await svc.save_reading(sessions, USER, w.cold.id, (D("107.125"),), dt.date(2026, 11, 18), TODAY, NOW, W)
    a = saved.assessment
    assert a.consumption == (D("7.125"),) and a.total == D("7.125") and a.days == 29
    assert a.average_monthly is None and a.ratio is None and not a.spike  # no history
    assert (saved.period.period, saved.period.in_window) == ("2026-11", False)
    async with sessions() as s:
        r = await s.get(Reading, saved.reading_id)
        meter = await s.get(Meter, w.cold.id)
    assert (r.value, r.period, r.submitted_at, r.user_id) == (D("107.125"), "2026-11", NOW, USER)
    assert meter.last_value == D("100.000")  # the registry's value is left alone
    info = await svc.get_meter(sessions, USER, w.cold.id, TODAY, W)
    assert info.last.values == (D("107.125"),) and info.current.reading_id == saved.reading_id
    assert info.base.values == (D("100.000"),)  # a correction this period compares with October


async def test_two_zones_consumption(sessions, w):
    saved = await svc.save_reading(sessions, USER, w.power.id, (D("1312.4"), D("533.05")), dt.date(2026, 11, 19),
                                   TODAY, NOW, W)
    assert saved.assessment.consumption == (D("112.4"), D("33.05")) and saved.assessment.total == D("145.45")
    async with sessions() as s:
        r = await s.get(Reading, saved.reading_id)
    assert (r.value, r.value_t2, r.value_t3) == (D("1312.400"), D("533.050"), None)


async def test_supersede_in_same_period_and_not_across_periods(sessions, w):
    first = await svc.save_reading(sessions, USER, w.cold.id, (D(150),), dt.date(2026, 11, 18), TODAY, NOW, W)
    second = await svc.save_reading(sessions, USER, w.cold.id, (D(104),), dt.date(2026, 11, 19), TODAY, NOW, W)
    assert second.assessment.replaces.reading_id == first.reading_id
    assert second.assessment.total == D(4)  # against October's 100, not the replaced 150
    # next period (after the 25th): a new reading compares with the one that counted in November
    dec = dt.date(2026, 11, 27)
    third = await svc.save_reading(sessions, USER, w.cold.id, (D(110),), dec, dec, NOW, W)
    assert third.period.period == "2026-12" and third.assessment.total == D(6)
    assert third.assessment.replaces is None
    async with sessions() as s:
        rows = {r.id: r.superseded_by_id for r in (await s.execute(select(Reading))).scalars()}
    assert rows == {first.reading_id: second.reading_id, second.reading_id: None, third.reading_id: None}
    info, items = await svc.history(sessions, USER, w.cold.id, TODAY, W)
    assert [(i.values[0], i.superseded) for i in items] == [(D(110), False), (D(104), False), (D(150), True)]


async def test_every_check_in_the_service(sessions, w):
    async def save(values, taken_on, meter=w.cold.id, user=USER):
        return await svc.save_reading(sessions, user, meter, values, taken_on, TODAY, NOW, W)

    cases = [
        (save((D(99),), TODAY), svc.Refusal.lower),
        (save((D(101),), dt.date(2026, 11, 20)), svc.Refusal.future),
        (save((D(101),), dt.date(2026, 10, 19)), svc.Refusal.before_last),
        (save((D(101),), TODAY, user=999), svc.Refusal.not_yours),
        (save((D(1300), D(499)), TODAY, meter=w.power.id), svc.Refusal.lower),
        (save((D(1300),), TODAY, meter=w.power.id), svc.Refusal.zones),
    ]
    for coro, reason in cases:
        with pytest.raises(svc.ReadingRefused) as exc:
            await coro
        assert exc.value.reason is reason
    async with sessions.begin() as s:
        await s.execute(update(Meter).where(Meter.id == w.hot.id).values(next_verification_on=dt.date(2026, 11, 18)))
    with pytest.raises(svc.ReadingRefused) as exc:
        await save((D(51),), TODAY, meter=w.hot.id)
    assert exc.value.reason is svc.Refusal.overdue and exc.value.date == dt.date(2026, 11, 18)
    async with sessions() as s:
        assert (await s.execute(select(Reading))).first() is None


async def test_spike_ratio_hand_computed(sessions, w):
    # history: registry 20.08 = 80; bot 20.09 = 90, 20.10 = 100 → 20 m³ in 61 days
    async with sessions.begin() as s:
        await s.execute(update(Meter).where(Meter.id == w.cold.id).values(last_value=D(80),
                                                                         last_read_on=dt.date(2026, 8, 20)))
        for day, v, p in ((dt.date(2026, 9, 20), 90, "2026-09"), (dt.date(2026, 10, 20), 100, "2026-10")):
            s.add(Reading(meter_id=w.cold.id, value=D(v), taken_on=day, period=p, user_id=USER))
    # 28 m³ in 30 days (< a month, so a month counts): 28 × 61 / (20 × 30.4375) = 2.80575 → no question
    a = await svc.evaluate(sessions, USER, w.cold.id, (D(128),), TODAY, TODAY, W)
    assert a.average_monthly == D("9.980") and not a.spike
    assert a.ratio.quantize(D("0.0001")) == D("2.8057")
    # 31 m³: 31 × 61 / 608.75 = 3.10637 → ask
    a = await svc.evaluate(sessions, USER, w.cold.id, (D(131),), TODAY, TODAY, W)
    assert a.spike and a.ratio.quantize(D("0.0001")) == D("3.1064")
    # without October's reading the base is 20.09 (90): 41 m³ in 60 days against 10 m³ / 31 days usual:
    # 41 / (10/31 × 60) = 2.118 — a long gap is not a spike
    async with sessions.begin() as s:
        await s.execute(update(Reading).where(Reading.period == "2026-10").values(superseded_by_id=None, value=D(90),
                                                                                   taken_on=dt.date(2026, 9, 20)))
    a = await svc.evaluate(sessions, USER, w.cold.id, (D(131),), TODAY, TODAY, W)
    assert a.base.taken_on == dt.date(2026, 9, 20) and a.days == 60 and a.total == D(41)
    assert a.ratio.quantize(D("0.001")) == D("2.118") and not a.spike


async def test_monthly_consumption_per_resource(sessions, w):
    await svc.save_reading(sessions, USER, w.cold.id, (D("105.5"),), TODAY, TODAY, NOW, W)
    await svc.save_reading(sessions, USER, w.power.id, (D(1300), D(550)), TODAY, TODAY, NOW, W)
    dec = dt.date(2026, 12, 22)
    await svc.save_reading(sessions, USER, w.cold.id, (D("111"),), dec, dec, NOW, W)
    series = await svc.monthly_consumption(sessions, USER, dec, W, months=3)
    assert [(s.resource, s.periods, s.values) for s in series] == [
        ("cold_water", ["2026-10", "2026-11", "2026-12"], [None, D("5.5"), D("5.5")]),
        ("electricity", ["2026-10", "2026-11", "2026-12"], [None, D(150), None]),
    ]
    one = await svc.monthly_consumption(sessions, USER, dec, W, months=3, meter_id=w.power.id)
    assert [s.resource for s in one] == ["electricity"]
    assert await svc.monthly_consumption(sessions, 999, dec, W, meter_id=w.power.id) is None


def test_chart_is_a_png():
    from bot.services.charts import Panel, monthly_bars

    png = monthly_bars([Panel("cold_water", "Холодная вода, м³", ["окт 26", "ноя 26"], [D("5.5"), D(0)])])
    assert png.startswith(b"\x89PNG") and len(png) > 1000


@pytest.mark.parametrize(("start", "end", "error"), [
    (20, 25, None), (1, 31, None), (5, 5, None),
    (0, 25, "READING_WINDOW_FROM"), (20, 32, "READING_WINDOW_TO"), (26, 25, "READING_WINDOW_TO"),
])
def test_window_settings(start, end, error):
    from bot.config import SettingsError, load_settings

    if error is None:
        s = load_settings(_env_file=None, reading_window_from=start, reading_window_to=end)
        assert (s.reading_window_from, s.reading_window_to) == (start, end)
        return
    with pytest.raises(SettingsError, match=error):
        load_settings(_env_file=None, reading_window_from=start, reading_window_to=end)


async def test_save_refuses_when_the_period_reading_changed_since_the_summary(sessions, w):
    """``replaces`` is what the summary showed: a reading of this period saved since then is not replaced
    unseen (Refusal.changed, nothing written); the one shown is replaced as before."""
    first = await svc.save_reading(sessions, USER, w.cold.id, (D(105),), TODAY, TODAY, NOW, W, replaces=None)
    with pytest.raises(svc.ReadingRefused) as exc:
        await svc.save_reading(sessions, USER, w.cold.id, (D(106),), TODAY, TODAY, NOW, W, replaces=None)
    assert exc.value.reason is svc.Refusal.changed and exc.value.last.reading_id == first.reading_id
    async with sessions() as s:
        assert [r.id for r in (await s.execute(select(Reading))).scalars()] == [first.reading_id]
    second = await svc.save_reading(sessions, USER, w.cold.id, (D(106),), TODAY, TODAY, NOW, W,
                                    replaces=first.reading_id)
    assert second.assessment.replaces.reading_id == first.reading_id


def test_parse_taken_on_words():
    today = dt.date(2026, 11, 1)
    assert svc.parse_taken_on("сегодня", today) == today
    assert svc.parse_taken_on(" Вчера. ", today) == dt.date(2026, 10, 31)
    assert svc.parse_taken_on("позавчера", today) == dt.date(2026, 10, 30)
    assert svc.parse_taken_on("30.10.2026", today) == dt.date(2026, 10, 30)
    assert svc.parse_taken_on("завтра", today) is None


async def test_monthly_consumption_tells_zero_use_from_no_reading(sessions, w):
    await svc.save_reading(sessions, USER, w.cold.id, (D(100),), TODAY, TODAY, NOW, W)  # equal to the registry's
    (cold,) = await svc.monthly_consumption(sessions, USER, TODAY, W, months=2)
    assert dict(zip(cold.periods, cold.values, strict=True)) == {"2026-10": None, "2026-11": D(0)}
