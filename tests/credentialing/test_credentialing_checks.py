"""NPI, DEA and CAQH identifier rules, table-driven, no database."""

import pytest

from credentialing.checks import caqh_id_problem, dea_name_mismatch, dea_problem, npi_problem


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


@pytest.mark.parametrize("dea", ["AB1234563", "BJ6125341", "ab1234563", "M91234563"])
def test_valid_dea_numbers(dea):
    assert dea_problem(dea) is None


@pytest.mark.parametrize(
    ("dea", "rule"),
    [
        ("AB123456", "two letters followed by seven digits"),
        ("A11234563", "two letters followed by seven digits"),
        ("ZB1234563", "does not start with 'Z'"),
        ("AB1234564", "check digit is wrong"),
    ],
)
def test_invalid_dea_numbers_name_the_rule(dea, rule):
    assert rule in dea_problem(dea)


@pytest.mark.parametrize(
    ("dea", "legal_name", "registered_name"),
    [
        ("AB1234563", "Dana Brennan", ""),
        ("M91234563", "Dana Okafor", ""),  # 9: registered under a business name
        ("AB1234563", "Dana Okafor", "Dana Brennan"),  # issued under a former surname
    ],
)
def test_a_dea_number_matching_a_surname_raises_no_warning(dea, legal_name, registered_name):
    assert dea_name_mismatch(dea, legal_name=legal_name, registered_name=registered_name) is None


def test_a_dea_number_matching_no_surname_is_a_warning_that_names_the_way_out():
    assert "enter the name on it" in dea_name_mismatch("AB1234563", legal_name="Dana Okafor")
    with_name = dea_name_mismatch("AB1234563", legal_name="Dana Okafor", registered_name="Dana Smith")
    assert "you can still submit" in with_name


@pytest.mark.parametrize(
    ("caqh", "ok"),
    [("12345678", True), ("1", True), ("1234-5678", False), ("ABC123", False), ("12345678901", False)],
)
def test_caqh_id_is_digits_only(caqh, ok):
    assert (caqh_id_problem(caqh) is None) is ok
