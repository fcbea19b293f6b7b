"""ГОСТ Р 56042-2014: the payment QR code a bank app reads (the same code billing systems print on paper bills).

``build_payload`` validates the payee's details and returns the exact bytes of the code:
``ST0001<enc>|Name=…|PersonalAcc=…|BankName=…|BIC=…|CorrespAcc=…|PayeeINN=…|KPP=…|Sum=<kopecks>|Purpose=…|
PersAcc=…|PaymPeriod=MMYYYY|PayerAddress=…|TechCode=02``; ``render_png`` draws it. No aiogram, no Russian sentences:
the purpose text comes from the caller (the text catalog), problems come back as ``QrProblem`` values.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

# the header's encoding digit (ГОСТ Р 56042-2014 п. 5.2.2): 1 — windows-1251, 2 — UTF-8, 3 — КОИ8-Р
ENCODINGS = {"cp1251": "1", "utf-8": "2"}
TECH_CODE_HOUSING = "02"  # ЖКУ (ГОСТ Р 56042-2014, приложение Б)
# maximum lengths of the fields (таблицы 1 и 2 of the standard)
MAX_NAME, MAX_BANK_NAME, MAX_PURPOSE, MAX_PERS_ACC = 160, 45, 210, 30
# БИК of the Bank of Russia and the Treasury end in 000–002: their payees have no correspondent account 30101…
_CB_BIC_ENDINGS = ("000", "001", "002")


class QrProblem(StrEnum):
    name = "name"  # the payee's name is missing
    inn = "inn"  # ИНН missing or its check digits wrong
    kpp = "kpp"  # КПП not 9 characters
    account = "account"  # расчётный счёт not 20 digits
    bank_name = "bank_name"
    bic = "bic"  # not 9 digits starting with 04
    corr_account = "corr_account"  # not 20 digits
    corr_mismatch = "corr_mismatch"  # the correspondent account does not belong to the bank of the БИК
    amount = "amount"  # not a positive sum in kopecks


@dataclass(frozen=True)
class Payee:
    name: str
    inn: str | None
    kpp: str | None
    account: str | None
    bank_name: str | None
    bic: str | None
    corr_account: str | None


@dataclass(frozen=True)
class QrRequest:
    payee: Payee
    amount: Decimal  # rubles
    purpose: str
    account_number: str  # the payer's лицевой счёт (PersAcc)
    period: str | None  # YYYY-MM
    payer_address: str | None


class QrInvalid(Exception):
    def __init__(self, problems: list[QrProblem]) -> None:
        super().__init__(", ".join(problems))
        self.problems = problems


def clean(value: str | None) -> str:
    """A value as a field of the code: ``|`` (the separator) and line breaks removed, spaces collapsed."""
    s = (value or "").replace("|", " ")
    s = re.sub(r"[\r\n\t\v\f\u2028\u2029]+", " ", s)
    return re.sub(r" {2,}", " ", s).strip()


def payee_problems(p: Payee) -> list[QrProblem]:
    """What keeps this payee from a QR code; empty when the details are complete and consistent."""
    from stdnum.exceptions import ValidationError  # loaded when a QR is made (see ``appeals.validate``)
    from stdnum.ru import inn as stdnum_inn

    problems: list[QrProblem] = []
    if not clean(p.name):
        problems.append(QrProblem.name)
    try:
        stdnum_inn.validate(p.inn or "")
    except ValidationError:
        problems.append(QrProblem.inn)
    if p.kpp and not re.fullmatch(r"\d{4}[0-9A-Z]{2}\d{3}", p.kpp):
        problems.append(QrProblem.kpp)
    if not re.fullmatch(r"\d{20}", p.account or ""):
        problems.append(QrProblem.account)
    if not clean(p.bank_name):
        problems.append(QrProblem.bank_name)
    bic_ok = bool(re.fullmatch(r"04\d{7}", p.bic or ""))
    if not bic_ok:
        problems.append(QrProblem.bic)
    if not re.fullmatch(r"\d{20}", p.corr_account or ""):
        problems.append(QrProblem.corr_account)
    elif bic_ok and p.bic[-3:] not in _CB_BIC_ENDINGS and not (
        p.corr_account.startswith("30101") and p.corr_account[-3:] == p.bic[-3:]
    ):
        problems.append(QrProblem.corr_mismatch)
    return problems


def payload_text(req: QrRequest, encoding: str = "cp1251") -> str:
    """The code as text (before encoding); raises ``QrInvalid``."""
    problems = payee_problems(req.payee)
    kopecks = req.amount * 100
    if req.amount <= 0 or kopecks != kopecks.to_integral_value():
        problems.append(QrProblem.amount)
    if problems:
        raise QrInvalid(problems)
    p = req.payee
    fields = [
        ("Name", clean(p.name)[:MAX_NAME]),
        ("PersonalAcc", p.account),
        ("BankName", clean(p.bank_name)[:MAX_BANK_NAME]),
        ("BIC", p.bic),
        ("CorrespAcc", p.corr_account),
        ("PayeeINN", p.inn),
        ("KPP", p.kpp or ""),
        ("Sum", str(int(kopecks))),
        ("Purpose", clean(req.purpose)[:MAX_PURPOSE]),
        ("PersAcc", clean(req.account_number)[:MAX_PERS_ACC]),
        ("PaymPeriod", _period(req.period)),
        ("PayerAddress", clean(req.payer_address)),
        ("TechCode", TECH_CODE_HOUSING),
    ]
    return "|".join([f"ST0001{ENCODINGS[encoding]}", *(f"{k}={v}" for k, v in fields if v)])


def build_payload(req: QrRequest, encoding: str = "cp1251") -> bytes:
    """The exact bytes of the code; a character windows-1251 cannot hold becomes «?»."""
    return payload_text(req, encoding).encode(encoding, errors="replace")


def _period(period: str | None) -> str:
    """«2026-10» → «102026» (MMYYYY)."""
    if not period or not re.fullmatch(r"\d{4}-\d{2}", period):
        return ""
    return period[5:7] + period[:4]


def render_png(payload: bytes, scale: int = 6) -> bytes:
    """The QR picture (byte mode, error correction M, a quiet zone of 4 modules)."""
    import segno  # on first use: the resident who pays by QR loads it, the process that never draws one does not

    code = segno.make_qr(payload, error="m", boost_error=False)
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
