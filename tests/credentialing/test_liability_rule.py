"""The malpractice insurance minimums (PRODUCT.md): $1,000,000 per claim, $3,000,000 aggregate.
No database."""

import pytest

from credentialing.rules import liability_aggregate_problem, liability_per_claim_problem


@pytest.mark.parametrize(
    ("limit", "problem"),
    [
        (999_999, "The per-claim limit must be at least $1,000,000."),
        (1_000_000, None),
        (2_000_000, None),
    ],
)
def test_the_per_claim_limit_is_at_least_a_million(limit, problem):
    assert liability_per_claim_problem(limit) == problem


@pytest.mark.parametrize(
    ("limit", "problem"),
    [
        (1_000_000, "The aggregate limit must be at least $3,000,000."),
        (2_999_999, "The aggregate limit must be at least $3,000,000."),
        (3_000_000, None),
    ],
)
def test_the_aggregate_limit_is_at_least_three_million(limit, problem):
    assert liability_aggregate_problem(limit) == problem
