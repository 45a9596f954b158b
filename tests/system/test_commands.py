"""Every operator command: `--help` works, a bad argument fails clearly with a non-zero exit."""

import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from tests.helpers import REPO

COMMANDS = [
    "seed_demo",
    "import_agreements",
    "onboarding_sweep",
    "publish_profiles",
    "onboarding_report",
    "check_expirables",
    "rotate_encryption_keys",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(command):
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", command, "--help"],
        capture_output=True, text=True, check=False, cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "alma.settings.test"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.split("\n\n")[1]) > 40  # a real description, not just usage


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_refuses_an_unknown_option(command):
    with pytest.raises(CommandError, match=r"unrecognized arguments|arguments are required"):
        call_command(command, "--no-such-option")


@pytest.mark.django_db
def test_onboarding_sweep_succeeds_and_refuses_a_bad_batch_size(capsys, provider):
    call_command("onboarding_sweep")
    assert "Emails sent: 1" in capsys.readouterr().out  # the provider's General Onboarding email
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        call_command("onboarding_sweep", "--batch-size", "0")
