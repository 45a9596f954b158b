"""Fixtures the training tests share (the root conftest.py has the suite-wide ones)."""

import pytest
import time_machine

from tests.training_factories import START


@pytest.fixture
def traveller():
    """The clock stopped at START; the player's reports move it on in real time (`watch`)."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller
