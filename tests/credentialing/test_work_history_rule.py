"""The work-history rule: five years covered, gaps over six months explained. No database."""

from datetime import date

from credentialing.rules import Gap, MissingExplanation, Position, missing_gap_explanations, work_history_gaps

TODAY = date(2026, 11, 27)


def test_continuous_history_has_no_gaps():
    positions = [(date(2019, 1, 1), date(2022, 6, 30)), (date(2022, 7, 1), None)]
    assert work_history_gaps(positions, today=TODAY) == []


def test_a_gap_of_six_months_or_less_needs_no_explanation():
    positions = [(date(2020, 1, 1), date(2023, 1, 31)), (date(2023, 7, 31), None)]
    assert work_history_gaps(positions, today=TODAY) == []


def test_a_longer_gap_is_reported_before_the_position_that_follows_it():
    # Given newest first, as the form lists them.
    positions = [(date(2024, 3, 1), None), (date(2019, 6, 1), date(2023, 5, 31))]
    assert work_history_gaps(positions, today=TODAY) == [Gap(date(2023, 5, 31), date(2024, 3, 1), 0)]


def test_a_history_starting_inside_the_five_years_has_a_leading_gap():
    positions = [(date(2023, 1, 1), None)]
    [gap] = work_history_gaps(positions, today=TODAY)
    assert (gap.start, gap.end, gap.before_position) == (date(2021, 11, 27), date(2023, 1, 1), 0)


def test_time_since_the_last_position_counts_when_over_six_months():
    positions = [(date(2018, 1, 1), date(2025, 12, 31))]
    assert work_history_gaps(positions, today=TODAY) == [Gap(date(2025, 12, 31), TODAY, None)]


def test_overlapping_positions_cover_each_other():
    positions = [
        (date(2018, 1, 1), date(2025, 1, 1)),
        (date(2019, 1, 1), date(2020, 1, 1)),
        (date(2025, 2, 1), None),
    ]
    assert work_history_gaps(positions, today=TODAY) == []


def test_no_positions_is_one_five_year_gap():
    assert work_history_gaps([], today=TODAY) == [Gap(date(2021, 11, 27), TODAY, None)]


# -- the rule applied: which explanation each unexplained gap needs


def test_an_unexplained_gap_is_asked_for_beside_the_position_after_it():
    positions = [Position(date(2024, 3, 1), None), Position(date(2019, 6, 1), date(2023, 5, 31))]
    [missing] = missing_gap_explanations(positions, recent_explanation="", today=TODAY)
    assert missing == MissingExplanation(
        0,
        "Explain the gap before this position (May 2023 to Mar 2024): gaps of more than six months "
        "in the last five years need an explanation.",
    )


def test_an_explained_gap_needs_nothing_more():
    positions = [
        Position(date(2024, 3, 1), None, gap_explanation="  Parental leave "),
        Position(date(2019, 6, 1), date(2023, 5, 31)),
    ]
    assert missing_gap_explanations(positions, recent_explanation="", today=TODAY) == []


def test_the_time_since_the_last_position_has_its_own_explanation():
    positions = [Position(date(2019, 1, 1), date(2025, 1, 31))]
    [missing] = missing_gap_explanations(positions, recent_explanation=" ", today=TODAY)
    assert missing.position is None
    assert missing.message.startswith("Explain the time since your last position (Jan 2025 to Nov 2026)")
    assert missing_gap_explanations(positions, recent_explanation="Sabbatical", today=TODAY) == []
