"""The protocol of an owners' meeting as a PDF (fpdf2), with a results picture per agenda item (matplotlib).

The structure follows Приказ Минстроя России № 266/пр от 30.04.2025 (in force since 01.09.2025, replacing 44/пр):
title, number and date, place and form, initiator and administrator, the period, the votes of the house and of
those who took part, the quorum, each question with «за» / «против» / «воздержались» in m² and % and the decision,
the list of annexes; annex 1 — the register of the owners who voted. The font is the DejaVu Sans matplotlib ships
(Cyrillic; nothing is downloaded). Rendered from ``ProtocolData``, the same plain data the screens use.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

from bot.services.voting.service import ProtocolData, ProtocolItem
from bot.services.voting.staff import last_minute
from bot.services.voting.tally import Outcome
from bot.texts.voting import Protocol as w

ToLocal = Callable[[dt.datetime], dt.datetime]


def file_name(meeting_key: str) -> str:
    """protocol-<the meeting's id>.pdf, with anything but letters, digits, «-» and «_» as «_»."""
    return "protocol-" + re.sub(r"[^\w-]", "_", meeting_key) + ".pdf"


def _fonts() -> tuple[str, str]:
    import matplotlib
    from matplotlib import font_manager

    regular = font_manager.findfont("DejaVu Sans", fallback_to_default=False)
    bold = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"
    return regular, str(bold if bold.exists() else regular)


def _picture(item: ProtocolItem) -> bytes:
    """A horizontal bar per answer, in % of the item's base."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 1.6), dpi=110)
    ax = fig.subplots()
    labels = [w.FOR, w.AGAINST, w.ABSTAIN]
    values = [float(item.pct_for), float(item.pct_against), float(item.pct_abstain)]
    bars = ax.barh(labels, values, color=["#2e7d32", "#c62828", "#9e9e9e"])
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    for bar, v in zip(bars, values, strict=True):
        ax.text(min(v + 1, 88), bar.get_y() + bar.get_height() / 2, f"{v:.2f} %", va="center", fontsize=8)
    ax.set_title(w.PICTURE.format(n=item.number), fontsize=9)
    ax.tick_params(labelsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _num(x) -> str:
    return f"{x:.2f}".replace(".", ",")


def render(data: ProtocolData, to_local: ToLocal) -> bytes:
    from fpdf import FPDF

    regular, bold = _fonts()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", regular)
    pdf.add_font("DejaVu", "B", bold)
    pdf.set_title(w.TITLE_BINDING if data.binding else w.TITLE_SURVEY)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, size: int = 10, style: str = "", align: str = "L") -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(width, 5.5, text, align=align, new_x="LMARGIN", new_y="NEXT")

    def when(x: dt.datetime) -> str:
        return f"{to_local(x):%d.%m.%Y %H:%M}"

    def until(x: dt.datetime) -> str:  # an end at midnight is 23:59 of the last day, as the screens show it
        return f"{last_minute(to_local(x)):%d.%m.%Y %H:%M}"

    line((w.TITLE_BINDING if data.binding else w.TITLE_SURVEY).upper(), 13, "B", "C")
    line(w.SUBTITLE.format(address=data.address), 11, "", "C")
    line(w.NUMBER.format(number=data.number, date=f"{to_local(data.drawn_at):%d.%m.%Y}"), 10, "", "C")
    pdf.ln(3)
    line(w.AGENDA_TITLE.format(title=data.title), 11, "B")
    line(w.PLACE.format(address=data.address))
    line(w.FORM)
    if data.binding:
        line(w.DECISION.format(decision=data.evoting_decision))
    else:
        line(w.SURVEY_NOTE)
    line(w.INITIATOR.format(x=data.initiator or w.NOT_GIVEN))
    line(w.ADMINISTRATOR.format(x=data.administrator or w.NOT_GIVEN))
    line(w.PERIOD.format(a=when(data.starts_at), b=until(data.ends_at)))
    pdf.ln(2)
    line(w.TOTAL.format(x=_num(data.total)))
    line(w.PARTICIPATED.format(x=_num(data.participated), p=_num(data.participation_pct), n=data.voters))
    line(w.QUORUM_YES if data.quorum else w.QUORUM_NO, 10, "B")
    pdf.ln(3)
    line(w.RESULTS, 11, "B")
    for item in data.items:
        line(w.QUESTION.format(n=item.number, q=item.question), 10, "B")
        line(w.MAJORITY.format(m=w.MAJORITIES[item.majority.value]))
        base = w.BASE_ALL if item.base_is_all else w.BASE_PART
        for label, votes, pct in ((w.FOR, item.votes_for, item.pct_for),
                                  (w.AGAINST, item.votes_against, item.pct_against),
                                  (w.ABSTAIN, item.votes_abstain, item.pct_abstain)):
            line(w.ANSWER.format(label=label, x=_num(votes), p=_num(pct), base=base))
        line(w.OUTCOMES[item.outcome.value] if data.binding or item.outcome == Outcome.no_quorum
             else w.SURVEY_OUTCOMES[item.outcome.value], 10, "B")
        pdf.image(io.BytesIO(_picture(item)), w=width * 0.8)
        pdf.ln(2)
    line(w.ANNEXES, 11, "B")
    line(w.ANNEX_1)
    pdf.add_page()
    line(w.REGISTER_TITLE.format(number=data.number), 11, "B", "C")
    pdf.set_font("DejaVu", "", 8)
    cols = (w.COL_NAME, w.COL_PREMISES, w.COL_SHARE, w.COL_VOTES, w.COL_DATE)
    widths = [width * k for k in (0.38, 0.14, 0.12, 0.16, 0.20)]
    aligns = ("L", "L", "C", "R", "L")

    def fit(text: str, room: float) -> str:
        if pdf.get_string_width(text) <= room:
            return text
        while text and pdf.get_string_width(text + "…") > room:
            text = text[:-1]
        return text + "…"

    def row(values, style: str = "") -> None:
        pdf.set_font("DejaVu", style, 8)
        for value, cw, align in zip(values, widths, aligns, strict=True):
            pdf.cell(cw, 5, fit(str(value), cw - 2), border=1, align=align)
        pdf.ln(5)

    row(cols, "B")
    for r in data.register:
        if pdf.will_page_break(5):
            pdf.add_page()
            row(cols, "B")
        row((r.owner_name, r.premises, r.share, _num(r.votes), when(r.voted_at)))
    return bytes(pdf.output())


async def export_protocol(sessions, meeting_key: str, to_local: ToLocal) -> bytes | None:
    """``python -m bot export protocol MEETING_ID``: the same PDF the resident gets; None when there is no such
    closed meeting (``meeting_key`` is the registry's meeting_id, or the row id)."""
    from sqlalchemy import or_, select

    from bot.services.voting.service import protocol_data
    from storage.models import Meeting

    async with sessions() as s:
        cond = Meeting.meeting_id == meeting_key
        if meeting_key.isdigit() and len(meeting_key) < 18:
            cond = or_(cond, Meeting.id == int(meeting_key))
        mid = await s.scalar(select(Meeting.id).where(cond).order_by(Meeting.id).limit(1))
    if mid is None:
        return None
    data = await protocol_data(sessions, mid)
    return render(data, to_local) if data is not None else None
