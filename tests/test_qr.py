"""ГОСТ Р 56042-2014 payment QR: golden strings computed by hand, the picture decoded back by a real decoder."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image

from bot.services.qr import (
    Payee,
    QrInvalid,
    QrProblem,
    QrRequest,
    build_payload,
    clean,
    payee_problems,
    render_png,
)

PAYEE = Payee(name="Общество с ограниченной ответственностью «Управляющая компания Тестовая»",
              inn="7707083893", kpp="773601001", account="40702810938000012345", bank_name="ПАО Сбербанк",
              bic="044525225", corr_account="30101810400000000225")
REQUEST = QrRequest(PAYEE, Decimal("4907.94"), "Оплата ЖКУ за октябрь 2026, л/с 1234567890", "1234567890",
                    "2026-10", "г. Москва, ул. Бауманская, д. 44, кв. 12")

GOLDEN = (
    "|Name=Общество с ограниченной ответственностью «Управляющая компания Тестовая»"
    "|PersonalAcc=40702810938000012345|BankName=ПАО Сбербанк|BIC=044525225|CorrespAcc=30101810400000000225"
    "|PayeeINN=7707083893|KPP=773601001|Sum=490794|Purpose=Оплата ЖКУ за октябрь 2026, л/с 1234567890"
    "|PersAcc=1234567890|PaymPeriod=102026|PayerAddress=г. Москва, ул. Бауманская, д. 44, кв. 12|TechCode=02"
)


def decode(png: bytes) -> bytes:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1 and results[0].format == zxingcpp.BarcodeFormat.QRCode
    return results[0].bytes


def test_windows_1251_payload_byte_for_byte():
    payload = build_payload(REQUEST, "cp1251")
    assert payload == ("ST00011" + GOLDEN).encode("cp1251")
    # by hand: «О» is 0xCE, «б» 0xE1 in windows-1251, ««» 0xAB; one byte per letter
    assert payload.startswith(b"ST00011|Name=\xce\xe1\xf9\xe5\xf1\xf2\xe2\xee ")
    assert b"\xab\xd3\xef\xf0\xe0\xe2" in payload  # «Управ
    assert len(payload) == len("ST00011" + GOLDEN)


def test_utf8_payload_byte_for_byte():
    payload = build_payload(REQUEST, "utf-8")
    assert payload == ("ST00012" + GOLDEN).encode("utf-8")
    assert payload.startswith(b"ST00012|Name=\xd0\x9e\xd0\xb1")  # «Об» in UTF-8: two bytes a letter


@pytest.mark.parametrize("encoding", ["cp1251", "utf-8"])
def test_picture_decodes_to_the_golden_bytes(encoding):
    payload = build_payload(REQUEST, encoding)
    png = render_png(payload)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    header = "ST00011" if encoding == "cp1251" else "ST00012"
    assert decode(png) == (header + GOLDEN).encode(encoding)


def test_separators_and_line_breaks_are_removed_and_purpose_is_cut():
    assert clean("ООО «Рога | Копыта»\r\nд. 1") == "ООО «Рога Копыта» д. 1"
    req = QrRequest(Payee(**{**PAYEE.__dict__, "name": "ТСЖ|«Дом»\nна Мира"}), Decimal("1500.50"),
                    "Я" * 300, "12|34", None, "ул. Мира\n1")
    text = build_payload(req, "utf-8").decode()
    assert "|Name=ТСЖ «Дом» на Мира|" in text
    assert "|Sum=150050|" in text
    assert "|Purpose=" + "Я" * 210 + "|" in text
    assert "|PersAcc=12 34|" in text and "|PayerAddress=ул. Мира 1|" in text
    assert "PaymPeriod" not in text  # no period: the field is left out
    assert text.count("|") == 12


def test_a_character_windows_1251_lacks_becomes_a_question_mark():
    req = QrRequest(Payee(**{**PAYEE.__dict__, "name": "ООО «Ромашка» 🌼"}), Decimal("1"), "x", "1", None, None)
    assert b"|Name=\xce\xce\xce \xab\xd0\xee\xec\xe0\xf8\xea\xe0\xbb ?|" in build_payload(req, "cp1251")


@pytest.mark.parametrize(("change", "problem"), [
    ({"inn": "7707083894"}, QrProblem.inn),  # check digit wrong
    ({"inn": None}, QrProblem.inn),
    ({"account": "4070281093800001234"}, QrProblem.account),  # 19 digits
    ({"bic": "44525225"}, QrProblem.bic),
    ({"bic": "144525225"}, QrProblem.bic),  # a Russian БИК starts with 04
    ({"corr_account": "3010181040000000022"}, QrProblem.corr_account),
    ({"corr_account": "30101810400000000226"}, QrProblem.corr_mismatch),  # ends unlike the БИК
    ({"corr_account": "40702810400000000225"}, QrProblem.corr_mismatch),  # not a correspondent account
    ({"bank_name": " "}, QrProblem.bank_name),
    ({"name": "|"}, QrProblem.name),
    ({"kpp": "77360100"}, QrProblem.kpp),
])
def test_details_are_validated(change, problem):
    payee = Payee(**{**PAYEE.__dict__, **change})
    assert payee_problems(payee) == [problem]
    with pytest.raises(QrInvalid) as exc:
        build_payload(QrRequest(payee, Decimal("10"), "x", "1", None, None))
    assert exc.value.problems == [problem]


def test_complete_details_pass_and_the_sum_must_be_kopecks():
    assert payee_problems(PAYEE) == []
    with pytest.raises(QrInvalid) as exc:
        build_payload(QrRequest(PAYEE, Decimal("0"), "x", "1", None, None))
    assert exc.value.problems == [QrProblem.amount]
