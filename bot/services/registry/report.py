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
    errors: list[str] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=dict)
    # outages that are new or whose end, kind or reason changed (residents must hear about them)
    changed_outage_ids: list[int] = field(default_factory=list)
    # meetings that are new or whose details or agenda changed
    changed_meeting_ids: list[int] = field(default_factory=list)

    def render(self) -> str:
        if not self.ok:
            lines = list(self.errors)
            lines.append(f"Ошибок: {len(self.errors)}. Реестр не загружен, ничего не записано.")
            return "\n".join(lines)
        width = max([len(name) for name in self.counts] + [4])
        lines = [
            "Реестр загружен.",
            f"{'файл':<{width}}  {'добавлено':>9}  {'изменено':>8}  {'без изменений':>13}",
        ]
        for name, c in self.counts.items():
            lines.append(f"{name:<{width}}  {c.inserted:>9}  {c.updated:>8}  {c.unchanged:>13}")
        if not self.counts:
            lines.append("(в реестре нет ни одной строки)")
        return "\n".join(lines)
