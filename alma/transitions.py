"""Transition tables: which status may move to which, and the refusal of any other move.

django-oscar's `Order.pipeline` idea, written once: each app declares its table (a provider's
onboarding steps, a form's review, a payer application, a help ticket) with the domain error a
bad move raises, and its services ask the table before they move a row. The refusal's words
stay the app's own (they name the provider, the payer or the ticket). Pure: no Django import.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping


class TransitionTable(Mapping[str, frozenset[str]]):
    """status -> the statuses it may move to. A status not listed may move nowhere.

    Reads as the mapping it is (`table[status]`, `table.items()`), so a test or a page can list
    every allowed move.
    """

    def __init__(self, moves: Mapping[str, Iterable[str]], *, error: type[Exception]) -> None:
        self._moves = {source: frozenset(targets) for source, targets in moves.items()}
        self.error = error

    def __getitem__(self, source: str) -> frozenset[str]:
        return self._moves[source]

    def __iter__(self) -> Iterator[str]:
        return iter(self._moves)

    def __len__(self) -> int:
        return len(self._moves)

    def can_move(self, from_status: str, to_status: str) -> bool:
        return to_status in self._moves.get(from_status, frozenset())

    def check(self, from_status: str, to_status: str, *, message: str | Callable[[], str]) -> None:
        """Refuse a move the table does not list: raise the table's error with `message` (a
        callable is called only then, so building the words costs nothing on a good move)."""
        if not self.can_move(from_status, to_status):
            raise self.error(message() if callable(message) else message)
