"""The registry's value parsers after their speed-ups (compiled patterns, places read off the text, a canonical
GUID taken as it is, ИНН/ОГРН checked once per distinct value) give what they gave before."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.services.registry.parse import Invalid, area, decimal, guid, inn, ogrn, phone, text


@pytest.mark.parametrize(("raw", "want"), [
    ("30,5", Decimal("30.50")), ("30.50", Decimal("30.50")), ("1,500", Decimal("1.50")), ("7", Decimal("7.00")),
    ("0,010", Decimal("0.01")), (" 12,3 ", Decimal("12.30")), (12.5, Decimal("12.50")), (3, Decimal("3.00")),
])
def test_decimal_places_are_those_that_count(raw, want):
    got = area()(raw)
    assert got == want and got.as_tuple().exponent == -2


@pytest.mark.parametrize(("raw", "reason"), [
    ("30,505", "не больше 2 знаков после запятой"), (30.505, "не больше 2 знаков после запятой"),
    ("1 234,5", "разделители разрядов"), ("1.234,5", "разделители разрядов"), ("abc", "не число"),
    ("0", "больше нуля"), ("-1", "больше нуля"),
])
def test_decimal_refusals_unchanged(raw, reason):
    with pytest.raises(Invalid, match=reason):
        area()(raw)


def test_decimal_negative_and_three_places():
    assert decimal(3)("-0,5") == Decimal("-0.500")
    assert decimal(3)("12,3450") == Decimal("12.345")


def test_guid_canonical_or_normalised():
    g = "0c5b2444-70a0-4932-980c-b4dc0d3f02b5"
    assert guid(g) == g
    assert guid(g.upper()) == g and guid("{" + g + "}") == g and guid(g.replace("-", "")) == g
    assert guid("abc-123") == "abc-123"
    with pytest.raises(Invalid):
        guid("дом 5")


def test_inn_and_ogrn_checked_once_per_value_and_still_refused():
    assert ogrn("1167746123456") == ogrn(" 1167746123456 ") == "1167746123456"
    assert inn("7701234560") == "7701234560"
    for _ in range(2):  # a refusal is not remembered as a success
        with pytest.raises(Invalid, match="контрольн"):
            ogrn("1167746123457")
        with pytest.raises(Invalid, match="контрольн"):
            inn("7701234561")


def test_text_and_phone():
    assert text()("  ул.\t Ленина  \n 5 ") == "ул. Ленина 5"
    assert phone("8 (916) 123-45-67") == "+79161234567"
    with pytest.raises(Invalid):
        phone("+8 916 123 45 67")
