"""NPI, DEA and CAQH identifier rules, table-driven, no database."""

import pytest

from credentialing.checks import caqh_id_problem, dea_problem, npi_problem


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1003000126", "2000000002"])
def test_valid_npis(npi):
    assert npi_problem(npi) is None


@pytest.mark.parametrize(
    ("npi", "rule"),
    [
        ("123456789", "exactly 10 digits"),
        ("12345678901", "exactly 10 digits"),
        ("12345A7893", "exactly 10 digits"),
        ("3234567893", "starts with 1 or 2"),
        ("1234567890", "check digit is wrong"),
        ("1234567894", "check digit is wrong"),
    ],
)
def test_invalid_npis_name_the_rule(npi, rule):
    assert rule in npi_problem(npi)


@pytest.mark.parametrize(
    ("dea", "last_name"),
    [("AB1234563", "Brennan"), ("BJ6125341", "Jones"), ("ab1234563", None), ("M91234563", "Okafor")],
)
def test_valid_dea_numbers(dea, last_name):
    assert dea_problem(dea, last_name=last_name) is None


@pytest.mark.parametrize(
    ("dea", "last_name", "rule"),
    [
        ("AB123456", None, "two letters followed by seven digits"),
        ("A11234563", None, "two letters followed by seven digits"),
        ("ZB1234563", None, "does not start with 'Z'"),
        ("AB1234564", None, "check digit is wrong"),
        ("AB1234563", "Okafor", "first letter of your last name"),
    ],
)
def test_invalid_dea_numbers_name_the_rule(dea, last_name, rule):
    assert rule in dea_problem(dea, last_name=last_name)


@pytest.mark.parametrize(
    ("caqh", "ok"),
    [("12345678", True), ("1", True), ("1234-5678", False), ("ABC123", False), ("12345678901", False)],
)
def test_caqh_id_is_digits_only(caqh, ok):
    assert (caqh_id_problem(caqh) is None) is ok
