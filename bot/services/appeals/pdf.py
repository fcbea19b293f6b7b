"""An appeal as a PDF (fpdf2) for the resident to file in ГИС ЖКХ or hand to an addressee that does not use the bot:
laid out as the cabinet's «Просмотр обращения» (the seed's figure 11) — the applicant, the 59-ФЗ declaration with
the e-mail, the appeal's fields, the text, the files by name — then the addressee's contacts (address, phone,
e-mail) and how to file it in ГИС ЖКХ. The font is the DejaVu Sans matplotlib ships (as the meeting protocol's)."""

from __future__ import annotations

import datetime as dt
import re

from bot.services.appeals.drafts import OrgItem
from bot.services.appeals.views import AppealView
from bot.services.protocol_pdf import _fonts
from bot.texts import staff_appeals as t
from bot.texts.common import phone as show_phone


def file_name(number: str | None) -> str:
    return "appeal-" + re.sub(r"[^\w-]", "_", number or "draft") + ".pdf"


def render(v: AppealView, sent_on: dt.date | None, addressee: OrgItem | None) -> bytes:
    from fpdf import FPDF

    regular, bold = _fonts()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", regular)
    pdf.add_font("DejaVu", "B", bold)
    pdf.set_title(t.LABEL["title"].format(number=v.number))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, size: int = 10, style: str = "", align: str = "L") -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(width, 5.5, text, align=align, new_x="LMARGIN", new_y="NEXT")

    def rows(items: list[tuple[str, str]]) -> None:
        for label, value in items:
            pdf.set_font("DejaVu", "B", 9)
            pdf.multi_cell(width * 0.35, 5.5, label, new_x="RIGHT", new_y="TOP")
            pdf.set_font("DejaVu", "", 9)
            top = pdf.get_y()
            pdf.multi_cell(width * 0.65, 5.5, value, new_x="LMARGIN", new_y="NEXT")
            pdf.set_y(max(pdf.get_y(), top + 5.5))

    line(t.LABEL["title"].format(number=v.number), 14, "B", "C")
    pdf.ln(3)
    line(t.LABEL["applicant"], 11, "B")
    rows(t.applicant_rows(v))
    pdf.ln(2)
    line(t.DECLARATION, 9)
    line(v.email or t.LABEL["none"], 10, "B")
    pdf.ln(3)
    line(t.LABEL["appeal"], 11, "B")
    rows(t.appeal_rows(v, sent_on, addressee))
    pdf.ln(2)
    line(t.LABEL["text"], 10, "B")
    line(v.text or "", 10)
    pdf.ln(2)
    line(t.LABEL["files"], 10, "B")
    names = t.file_names(v.files)
    line("\n".join(names) if names else t.LABEL["no_files"], 9)
    if addressee is not None:
        pdf.ln(3)
        line(t.LABEL["contacts"], 11, "B")
        none = t.LABEL["none"]
        rows([(t.LABEL["addressee"], addressee.full_name), (t.LABEL["inn"], f"{addressee.inn} / {addressee.ogrn}"),
              (t.LABEL["org_address"], addressee.address or none),
              (t.LABEL["org_phone"], show_phone(addressee.phone) if addressee.phone else none),
              (t.LABEL["org_email"], addressee.email or none)])
    pdf.ln(3)
    line(t.LABEL["howto"], 11, "B")
    line(t.GIS_HOWTO, 10)
    return bytes(pdf.output())
