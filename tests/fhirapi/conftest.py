"""The FHIR API's tests: a parser that reads every response back with fhir.resources R4B, and a
frozen clock (no test depends on today's date)."""

import datetime as dt

import pytest
import time_machine
from fhir.resources.R4B import get_fhir_model_class

from directory import selectors

# A Wednesday morning in the company's zone; every row a test compares against is made under it.
NOW = dt.datetime(2026, 6, 10, 10, 0, tzinfo=selectors.company_zone())


@pytest.fixture(autouse=True)
def _frozen(db):
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def parse_fhir(response):
    """The response's body as the R4B model its resourceType names (entries become typed R4B
    models too); any parse failure raises."""
    data = response.json()
    model = get_fhir_model_class(data["resourceType"])
    return model.model_validate_json(response.content)
