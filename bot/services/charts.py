"""Consumption charts rendered off-screen (matplotlib's Agg backend, no display needed), returned as PNG bytes.

Plain data in (labels and Decimal values); Decimals become floats here for plotting only.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from bot.texts.common import number

COLORS = {"cold_water": "#2f7fc1", "hot_water": "#d9534f", "electricity": "#f0ad4e", "gas": "#5cb85c",
          "heat": "#8e6bbf"}


@dataclass(frozen=True)
class Panel:
    """One resource: a title (with its unit), month labels and a value per month."""

    key: str
    title: str
    labels: list[str]
    values: list[Decimal | None]  # None: no data that month (no bar, no label); 0 is labelled «0»
    zones: list[tuple[str, list[Decimal | None]]] = field(default_factory=list)  # (zone name, values): stacked


ZONE_SHADES = (1.0, 0.55, 0.3)  # the resource's colour, lighter for each further tariff zone


def number_label(y: float) -> str:
    """0.5 → «0,5», 1234567.5 → «1 234 567,5»: as the bot writes numbers (grouped, a decimal comma), up to 3
    decimals, never an exponent."""
    return number(Decimal(f"{y:.3f}"))


def monthly_bars(panels: list[Panel], title: str = "") -> bytes:
    """One bar chart per resource, stacked vertically; each bar labelled with its value."""
    n = max(len(panels), 1)
    # matplotlib is imported when the first chart is drawn: at start-up it would add some 85 MB to every process
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure  # after choosing the backend
    from matplotlib.ticker import FuncFormatter

    fig = Figure(figsize=(8, 2.6 * n + 0.6), dpi=100)
    axes = fig.subplots(n, 1, squeeze=False)[:, 0]
    for ax, panel in zip(axes, panels, strict=False):
        color = COLORS.get(panel.key, "#607d8b")
        ys = [float(v or 0) for v in panel.values]
        if panel.zones:  # one stacked segment per tariff zone, the total on top
            bottom = [0.0] * len(panel.labels)
            for (name, values), shade in zip(panel.zones, ZONE_SHADES, strict=False):
                part = [float(v or 0) for v in values]
                bars = ax.bar(panel.labels, part, bottom=bottom, color=color, alpha=shade, label=name,
                              edgecolor="white", linewidth=0.5)
                bottom = [b + h for b, h in zip(bottom, part, strict=True)]
            ax.legend(fontsize=8, loc="upper left", frameon=False)
        else:
            bars = ax.bar(panel.labels, ys, color=color)
        ax.set_title(panel.title, fontsize=11, loc="left")
        ax.grid(axis="y", alpha=0.3)
        ax.set_axisbelow(True)
        ax.tick_params(axis="x", labelsize=8)
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
        ax.bar_label(bars, labels=["" if v is None else number_label(float(v)) for v in panel.values], fontsize=7, padding=2)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: number_label(y)))
        ax.margins(y=0.15)
    if title:
        fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
