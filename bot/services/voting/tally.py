"""The tally of an owners' general meeting (ЖК РФ ст. 37, 44–48), exact.

Plain values in, plain values out: no database, no Telegram. An owner's votes are the premises' area × the share
(ЖК РФ ст. 48 ч. 3, ст. 37 ч. 1), kept as ``Fraction`` end to end so 1/3 of 60 m² is exactly 20 m²; only the
figures shown (m² and %) are rounded, once, at two decimals, half up. The decision is taken on the exact values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

CENT = Decimal("0.01")


class Majority(StrEnum):
    """What decides an agenda item, weakest first (agenda.csv ``majority``)."""

    simple = "simple"  # more than half of the votes of the owners who took part (ЖК РФ ст. 46 ч. 1, first words)
    more_than_half_all = "more_than_half_all"  # more than 50 % of all owners' votes of the house
    two_thirds_all = "two_thirds_all"  # at least 2/3 of all owners' votes of the house
    unanimous = "unanimous"  # all owners (e.g. ЖК РФ ст. 46 ч. 1 for п. 4.7 of ст. 44 ч. 2 — 100 %)

    @property
    def rank(self) -> int:
        return list(Majority).index(self)


class QuestionType(StrEnum):
    """The kind of question, from the catalogue of ЖК РФ ст. 44 ч. 2 (agenda.csv ``question_type``)."""

    manager_choice = "manager_choice"
    capital_repair = "capital_repair"
    common_property = "common_property"
    council = "council"
    evoting_system = "evoting_system"
    current_repair = "current_repair"
    other = "other"


# The least majority ЖК РФ ст. 46 ч. 1 (as in force in 2026) requires for each kind of question:
REQUIRED_MAJORITY: dict[QuestionType, Majority] = {
    # ст. 44 ч. 2 п. 4 (choice of the way of management / of the managing organization): ст. 46 ч. 1 —
    # «более чем пятьюдесятью процентами голосов от общего числа голосов собственников»
    QuestionType.manager_choice: Majority.more_than_half_all,
    # ст. 44 ч. 2 п. 1, 1.1, 1.2 (capital repair: works, cost, financing, the fund): ст. 46 ч. 1 — more than
    # 50 % of all votes (a credit or the fund's use for other ends, п. 1.1-1 and 1.2-1, need 2/3: name those
    # with majority=two_thirds_all)
    QuestionType.capital_repair: Majority.more_than_half_all,
    # ст. 44 ч. 2 п. 3 (use of the common property by others): ст. 46 ч. 1 — «не менее двумя третями голосов от
    # общего числа голосов собственников»
    QuestionType.common_property: Majority.two_thirds_all,
    # ст. 161.1 ч. 1, 6 (the council and its chair): ст. 46 ч. 1 general rule — a majority of those who took part
    QuestionType.council: Majority.simple,
    # ст. 44 ч. 2 п. 3.1 (holding meetings in an information system, ст. 47.1): ст. 46 ч. 1 — more than 50 % of
    # all owners' votes
    QuestionType.evoting_system: Majority.more_than_half_all,
    # ст. 44 ч. 2 п. 4.1 (current repair and maintenance): ст. 46 ч. 1 general rule
    QuestionType.current_repair: Majority.simple,
    QuestionType.other: Majority.simple,
}


def majority_problem(question_type: QuestionType, majority: Majority) -> Majority | None:
    """The majority this question's type requires when ``majority`` is weaker than that, else None."""
    required = REQUIRED_MAJORITY[question_type]
    return required if majority.rank < required.rank else None


class Choice(StrEnum):
    yes = "for"
    no = "against"
    abstain = "abstain"


class Outcome(StrEnum):
    adopted = "adopted"  # «Решение принято»
    rejected = "rejected"  # «Решение не принято»
    no_quorum = "no_quorum"  # «Кворума нет»


def area_votes(area: Decimal, share_num: int, share_den: int) -> Fraction:
    """An owner's votes: the premises' area × the share (ЖК РФ ст. 37 ч. 1, ст. 48 ч. 3), exact."""
    return Fraction(area) * Fraction(share_num, share_den)


def m2(x: Fraction) -> Decimal:
    """An exact number of votes (m²) as shown: two decimals, half up."""
    return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(CENT, ROUND_HALF_UP)


def percent(part: Fraction, whole: Fraction) -> Decimal:
    """``part`` as a percentage of ``whole``, two decimals, half up (0 when the whole is 0)."""
    if whole == 0:
        return Decimal("0.00")
    return m2(part * 100 / whole)


@dataclass(frozen=True)
class ItemSpec:
    item_id: int
    number: int
    majority: Majority


@dataclass(frozen=True)
class Ballot:
    """One owner's decision: their votes and a choice per agenda item (an item not answered counts as absent)."""

    owner_id: int
    votes: Fraction
    choices: Mapping[int, Choice]  # agenda item id → choice


@dataclass(frozen=True)
class ItemResult:
    item_id: int
    number: int
    majority: Majority
    votes_for: Fraction
    votes_against: Fraction
    votes_abstain: Fraction
    outcome: Outcome
    base: Fraction  # the votes the majority is counted from (those who took part, or all of the house)

    def shown(self, choice: Choice) -> tuple[Decimal, Decimal]:
        """(m², % of the majority's base) of one answer."""
        x = {Choice.yes: self.votes_for, Choice.no: self.votes_against, Choice.abstain: self.votes_abstain}[choice]
        return m2(x), percent(x, self.base)


@dataclass(frozen=True)
class Tally:
    total: Fraction  # all votes of the house
    participated: Fraction  # votes of the owners who took part
    voters: int  # owners who took part
    quorum: bool
    items: tuple[ItemResult, ...]

    @property
    def participation_percent(self) -> Decimal:
        return percent(self.participated, self.total)


def has_quorum(participated: Fraction, total: Fraction) -> bool:
    """ЖК РФ ст. 45 ч. 3: the meeting may decide when the owners who took part hold **more than** 50 % of all
    votes; exactly a half is no quorum."""
    return total > 0 and participated * 2 > total


def decide(majority: Majority, votes_for: Fraction, participated: Fraction, total: Fraction,
           quorum: bool) -> Outcome:
    if not quorum:
        return Outcome.no_quorum
    if majority == Majority.simple:
        ok = votes_for * 2 > participated  # ст. 46 ч. 1: большинство голосов от числа принявших участие
    elif majority == Majority.more_than_half_all:
        ok = votes_for * 2 > total
    elif majority == Majority.two_thirds_all:
        ok = votes_for * 3 >= total * 2  # «не менее двумя третями»: exactly 2/3 is enough
    else:
        ok = votes_for >= total  # every owner's vote
    return Outcome.adopted if ok else Outcome.rejected


def base_of(majority: Majority, participated: Fraction, total: Fraction) -> Fraction:
    return participated if majority == Majority.simple else total


def tally(total: Fraction, items: Iterable[ItemSpec], ballots: Iterable[Ballot]) -> Tally:
    """The meeting's results. ``total``: all votes of the house (its total area when given, else the sum of its
    premises' areas — ``house_total``)."""
    ballots = [b for b in ballots if b.choices]
    participated = sum((b.votes for b in ballots), Fraction(0))
    quorum = has_quorum(participated, total)
    results = []
    for spec in sorted(items, key=lambda i: i.number):
        sums = {c: Fraction(0) for c in Choice}
        for b in ballots:
            c = b.choices.get(spec.item_id)
            if c is not None:
                sums[c] += b.votes
        results.append(ItemResult(
            spec.item_id, spec.number, spec.majority, sums[Choice.yes], sums[Choice.no], sums[Choice.abstain],
            decide(spec.majority, sums[Choice.yes], participated, total, quorum),
            base_of(spec.majority, participated, total),
        ))
    return Tally(total, participated, len(ballots), quorum, tuple(results))


def house_total(total_area: Decimal | None, premises_areas: Iterable[Decimal]) -> Fraction:
    """All votes of the house: its ``total_area`` when the registry gives it, otherwise the sum of the areas of its
    premises, residential and non-residential alike (FORMAT.md)."""
    if total_area is not None and total_area > 0:
        return Fraction(total_area)
    return sum((Fraction(a) for a in premises_areas), Fraction(0))
