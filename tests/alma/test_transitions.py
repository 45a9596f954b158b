"""The one transition helper (alma/transitions.py) the four status tables are built on. No database."""

import pytest

from alma.transitions import TransitionTable
from credentialing.errors import InvalidApplicationTransition
from credentialing.services.applications import TRANSITIONS as APPLICATIONS
from helpdesk.errors import InvalidTicketTransition
from helpdesk.services import TRANSITIONS as TICKETS
from onboarding.errors import InvalidTransition
from onboarding.services.steps import TRANSITIONS as STEPS
from portal.services.review import REVIEW_TRANSITIONS, SEND_BACK_TRANSITIONS


class Refused(Exception):
    pass


DOOR = TransitionTable({"closed": {"open", "locked"}, "open": {"closed"}, "locked": set()}, error=Refused)


def test_a_listed_move_passes_and_any_other_raises_the_tables_own_error_with_its_words():
    assert DOOR.can_move("closed", "locked")
    DOOR.check("open", "closed", message="never shown")
    with pytest.raises(Refused, match=r"^The door is open; it cannot be locked\.$"):
        DOOR.check("open", "locked", message="The door is open; it cannot be locked.")
    assert not DOOR.can_move("locked", "open")
    assert not DOOR.can_move("ajar", "open")  # a status the table does not know moves nowhere


def test_the_refusal_words_are_built_only_for_a_refused_move():
    built = []

    def words():
        built.append(1)
        return "refused"

    DOOR.check("closed", "open", message=words)
    assert built == []
    with pytest.raises(Refused, match="refused"):
        DOOR.check("locked", "open", message=words)
    assert built == [1]


def test_a_table_reads_as_the_mapping_of_every_allowed_move():
    assert dict(DOOR) == {"closed": {"open", "locked"}, "open": {"closed"}, "locked": frozenset()}
    assert len(DOOR) == 3
    assert DOOR["open"] == frozenset({"closed"})


@pytest.mark.parametrize(
    ("table", "error"),
    [
        (STEPS, InvalidTransition),
        (REVIEW_TRANSITIONS, InvalidTransition),
        (SEND_BACK_TRANSITIONS, InvalidTransition),
        (APPLICATIONS, InvalidApplicationTransition),
        (TICKETS, InvalidTicketTransition),
    ],
)
def test_each_apps_table_refuses_with_that_apps_domain_error(table, error):
    assert isinstance(table, TransitionTable)
    with pytest.raises(error):
        table.check("no such status", "anything", message="refused")
