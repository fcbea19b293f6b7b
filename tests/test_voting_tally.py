"""The tally on hand-computed cases (ЖК РФ ст. 37, 45, 46, 48)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from bot.services.voting.tally import (
    Ballot,
    Choice,
    ItemSpec,
    Majority,
    Outcome,
    QuestionType,
    area_votes,
    has_quorum,
    house_total,
    m2,
    majority_problem,
    percent,
    tally,
)

Y, N, A = Choice.yes, Choice.no, Choice.abstain


def one_item(majority: Majority = Majority.simple) -> list[ItemSpec]:
    return [ItemSpec(1, 1, majority)]


def test_thirds_of_sixty_are_exactly_twenty_each() -> None:
    shares = [area_votes(Decimal("60.00"), 1, 3) for _ in range(3)]
    assert shares == [Fraction(20)] * 3
    assert sum(shares) == 60
    # 1/3 of 50 m² is 16.666…: exact inside, 16.67 shown, and three thirds still make 50 exactly
    third = area_votes(Decimal("50.00"), 1, 3)
    assert third == Fraction(50, 3) and m2(third) == Decimal("16.67") and third * 3 == 50


def test_half_share_weighs_half_the_flat() -> None:
    assert area_votes(Decimal("54.30"), 1, 2) == Fraction("27.15")


def test_total_is_house_area_when_given_else_sum_of_premises_including_nonresidential() -> None:
    assert house_total(Decimal("1000.00"), [Decimal("60"), Decimal("40")]) == 1000
    # no total area: flats 60 + 40 and a shop (non-residential) 100.50
    assert house_total(None, [Decimal("60"), Decimal("40"), Decimal("100.50")]) == Fraction("200.50")


def test_quorum_at_exactly_half_is_none_and_a_hundredth_more_is_one() -> None:
    total = Fraction(1000)
    assert not has_quorum(Fraction(500), total)
    assert has_quorum(Fraction("500.01"), total)
    r = tally(total, one_item(), [Ballot(1, Fraction(500), {1: Y})])
    assert not r.quorum and r.items[0].outcome == Outcome.no_quorum
    assert r.participation_percent == Decimal("50.00")
    r = tally(total, one_item(), [Ballot(1, Fraction("500.01"), {1: Y})])
    assert r.quorum and r.items[0].outcome == Outcome.adopted
    assert r.participation_percent == Decimal("50.00")  # 50.001 % shown at two decimals, and still a quorum


def test_simple_majority_counts_from_those_who_took_part() -> None:
    # house 1000; took part 600: for 301, against 200, abstained 99 → 301 > 300 → adopted
    ballots = [Ballot(1, Fraction(301), {1: Y}), Ballot(2, Fraction(200), {1: N}), Ballot(3, Fraction(99), {1: A})]
    r = tally(Fraction(1000), one_item(), ballots)
    item = r.items[0]
    assert item.outcome == Outcome.adopted
    assert item.shown(Y) == (Decimal("301.00"), Decimal("50.17"))
    assert item.shown(N) == (Decimal("200.00"), Decimal("33.33"))
    assert item.shown(A) == (Decimal("99.00"), Decimal("16.50"))
    # exactly a half of those who took part is not a majority
    ballots = [Ballot(1, Fraction(300), {1: Y}), Ballot(2, Fraction(300), {1: N})]
    assert tally(Fraction(1000), one_item(), ballots).items[0].outcome == Outcome.rejected


def test_more_than_half_of_all_votes() -> None:
    ballots = [Ballot(1, Fraction(500), {1: Y}), Ballot(2, Fraction(100), {1: N})]
    r = tally(Fraction(1000), one_item(Majority.more_than_half_all), ballots)
    assert r.items[0].outcome == Outcome.rejected  # 500 of 1000 is a half, not more
    assert r.items[0].shown(Y) == (Decimal("500.00"), Decimal("50.00"))  # % of all the house's votes
    ballots[0] = Ballot(1, Fraction("500.01"), {1: Y})
    assert tally(Fraction(1000), one_item(Majority.more_than_half_all), ballots).items[0].outcome == Outcome.adopted


def test_two_thirds_exactly_is_enough() -> None:
    total = Fraction(900)
    exact = [Ballot(1, Fraction(600), {1: Y}), Ballot(2, Fraction(100), {1: N})]
    assert tally(total, one_item(Majority.two_thirds_all), exact).items[0].outcome == Outcome.adopted
    short = [Ballot(1, Fraction("599.99"), {1: Y}), Ballot(2, Fraction(100), {1: N})]
    assert tally(total, one_item(Majority.two_thirds_all), short).items[0].outcome == Outcome.rejected
    # thirds of shares: three owners of 1/3 of 60 m² each and a 540 m² owner, 2/3 of 600 = 400
    thirds = [Ballot(i, area_votes(Decimal("60"), 1, 3), {1: Y}) for i in (1, 2, 3)]
    big = Ballot(4, Fraction(340), {1: Y})
    r = tally(Fraction(600), one_item(Majority.two_thirds_all), [*thirds, big])
    assert r.items[0].votes_for == 400 and r.items[0].outcome == Outcome.adopted
    assert r.items[0].shown(Y) == (Decimal("400.00"), Decimal("66.67"))


def test_unanimous_needs_every_owners_vote() -> None:
    ballots = [Ballot(1, Fraction(60), {1: Y}), Ballot(2, Fraction(40), {1: Y})]
    assert tally(Fraction(100), one_item(Majority.unanimous), ballots).items[0].outcome == Outcome.adopted
    ballots[1] = Ballot(2, Fraction(40), {1: A})
    assert tally(Fraction(100), one_item(Majority.unanimous), ballots).items[0].outcome == Outcome.rejected


def test_owner_of_two_flats_and_a_nonresidential_premises() -> None:
    # house without total_area: flats 50 and 70, shop 80 (non-residential) → 200 votes
    total = house_total(None, [Decimal("50"), Decimal("70"), Decimal("80")])
    # one person owns both flats (two owner rows, voted the same); the shop's owner voted against
    ballots = [Ballot(1, area_votes(Decimal("50"), 1, 1), {1: Y, 2: Y}),
               Ballot(2, area_votes(Decimal("70"), 1, 1), {1: Y, 2: N}),
               Ballot(3, area_votes(Decimal("80"), 1, 1), {1: N, 2: N})]
    items = [ItemSpec(1, 1, Majority.simple), ItemSpec(2, 2, Majority.more_than_half_all)]
    r = tally(total, items, ballots)
    assert r.total == 200 and r.participated == 200 and r.voters == 3 and r.quorum
    assert r.items[0].votes_for == 120 and r.items[0].outcome == Outcome.adopted
    assert r.items[1].votes_for == 50 and r.items[1].votes_against == 150 and r.items[1].outcome == Outcome.rejected
    assert r.items[1].shown(N) == (Decimal("150.00"), Decimal("75.00"))


def test_percent_rounds_half_up_at_two_decimals() -> None:
    assert percent(Fraction(1), Fraction(8)) == Decimal("12.50")
    assert percent(Fraction(1), Fraction(3)) == Decimal("33.33")
    assert percent(Fraction(2), Fraction(3)) == Decimal("66.67")
    assert percent(Fraction(1, 2000), Fraction(1)) == Decimal("0.05")  # 0.05 % exactly
    assert percent(Fraction(1), Fraction(0)) == Decimal("0.00")


@pytest.mark.parametrize("qtype, majority, required", [
    (QuestionType.common_property, Majority.simple, Majority.two_thirds_all),
    (QuestionType.common_property, Majority.more_than_half_all, Majority.two_thirds_all),
    (QuestionType.manager_choice, Majority.simple, Majority.more_than_half_all),
    (QuestionType.capital_repair, Majority.simple, Majority.more_than_half_all),
    (QuestionType.evoting_system, Majority.simple, Majority.more_than_half_all),
])
def test_weaker_majority_than_the_type_requires_is_named(qtype, majority, required) -> None:
    assert majority_problem(qtype, majority) == required


@pytest.mark.parametrize("qtype, majority", [
    (QuestionType.other, Majority.simple), (QuestionType.council, Majority.simple),
    (QuestionType.current_repair, Majority.simple), (QuestionType.common_property, Majority.two_thirds_all),
    (QuestionType.manager_choice, Majority.unanimous), (QuestionType.capital_repair, Majority.two_thirds_all),
])
def test_majority_as_strong_as_required_passes(qtype, majority) -> None:
    assert majority_problem(qtype, majority) is None
