"""The kernel's system checks: a bad FIELD_ENCRYPTION_KEYS is refused at startup and by
`check --deploy`, not at the first save of a CAQH password or account number."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from alma.checks import field_encryption_keys_check
from tests.helpers import manage, production_env

GOOD_KEY = Fernet.generate_key().decode()


def error_ids(settings, keys) -> list[str]:
    settings.FIELD_ENCRYPTION_KEYS = keys
    return [error.id for error in field_encryption_keys_check()]


def test_good_keys_pass(settings):
    assert error_ids(settings, [GOOD_KEY]) == []
    assert error_ids(settings, [GOOD_KEY, Fernet.generate_key().decode()]) == []


@pytest.mark.parametrize(
    ("keys", "error_id"),
    [
        (GOOD_KEY, "alma.E001"),  # one string, not a list: each character would be a "key"
        (None, "alma.E001"),
        ([], "alma.E002"),
        (["not-a-fernet-key"], "alma.E003"),
        ([GOOD_KEY, GOOD_KEY[:-2]], "alma.E003"),  # a truncated paste of the old key
        ([""], "alma.E003"),
        ([42], "alma.E003"),
    ],
    # Named, not derived from the values: GOOD_KEY is random, and pytest-xdist needs every
    # worker to collect the same test ids.
    ids=["one-string", "none", "empty-list", "not-a-key", "truncated", "empty-string", "a-number"],
)
def test_a_missing_empty_or_malformed_key_list_is_an_error(settings, keys, error_id):
    assert error_ids(settings, keys) == [error_id]


def test_the_error_names_the_key_by_position_never_its_value(settings):
    settings.FIELD_ENCRYPTION_KEYS = [GOOD_KEY, "sk-live-leaked-value"]
    (error,) = field_encryption_keys_check()
    assert "key 2 of 2" in error.msg
    assert "sk-live-leaked-value" not in error.msg + error.hint
    assert "Fernet.generate_key()" in error.hint


def test_manage_py_check_runs_it(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["broken"]
    with pytest.raises(SystemCheckError, match=r"alma\.E003"):
        call_command("check")


@pytest.mark.parametrize("value", ["", "not-a-fernet-key", "3nlVx1dFOQt7cW-zF6pbTS3ejoi22o0QmK16yG1dx9"])
def test_check_deploy_fails_under_production_settings_with_a_bad_key(value):
    env = production_env()
    env["FIELD_ENCRYPTION_KEYS"] = value
    result = manage("check", "--deploy", env=env)
    assert result.returncode == 1
    assert "alma.E00" in result.stderr
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr
