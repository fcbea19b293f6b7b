"""What an import answers: the counts per file when accepted, every problem when rejected."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged


@dataclass
class ImportReport:
    ok: bool
    # the first problems (parse.SHOWN of them) in report order, as ``file:row: column: reason``
    errors: list[str] = field(default_factory=list)
    more: int = 0  # problems found beyond those listed
    counts: dict[str, Counts] = field(default_factory=dict)  # by file (accounts.csv) or sheet (лист accounts)
    # outages that are new or whose end, kind or reason changed (residents must hear about them)
    changed_outage_ids: list[int] = field(default_factory=list)
    # meetings that are new or whose details or agenda changed
    changed_meeting_ids: list[int] = field(default_factory=list)

    @property
    def problems(self) -> int:
        """How many problems were found in all."""
        return len(self.errors) + self.more

    def render(self) -> str:
        """Plain text (the CLI prints it, the staff chat escapes it): the problems, at most the first
        ``parse.SHOWN`` of them and a count of the rest, or the summary per file."""
        from bot.texts import registry as t

        if not self.ok:
            lines = list(self.errors)
            if self.more:
                lines.append(t.more_problems(self.more))
            lines.append(t.rejected(self.problems))
            return "\n".join(lines)
        width = max([len(name) for name in self.counts] + [len(t.COL_FILE)])
        lines = [
            t.LOADED,
            f"{t.COL_FILE:<{width}}  {t.COL_INSERTED:>9}  {t.COL_UPDATED:>8}  {t.COL_UNCHANGED:>13}",
        ]
        for name, c in self.counts.items():
            lines.append(f"{name:<{width}}  {c.inserted:>9}  {c.updated:>8}  {c.unchanged:>13}")
        if not self.counts:
            lines.append(t.EMPTY)
        return "\n".join(lines)
