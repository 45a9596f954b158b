"""The NPI registry client against the HTTP API (mocked with respx) and the fixtures backend:
the answers it reads, the failures it calls transient, its day's cache and its throttle."""

import json

import httpx
import pytest
import respx
from django.core.cache import cache

from verification.npi_registry import client
from verification.npi_registry.parse import INDIVIDUAL, ORGANISATION

URL = "https://npiregistry.test/api/"


def individual(number="1234567893", *, status="A", taxonomies=None, **basic):
    return {
        "result_count": 1,
        "results": [
            {
                "number": number,
                "enumeration_type": "NPI-1",
                "basic": {
                    "first_name": "DANA",
                    "last_name": "WHITFIELD",
                    "credential": "LCSW",
                    "status": status,
                    "name_prefix": "--",
                    **basic,
                },
                "addresses": [
                    {
                        "address_purpose": "MAILING",
                        "address_1": "PO BOX 4471",
                        "city": "NEW YORK",
                        "state": "NY",
                        "postal_code": "10163",
                    },
                    {
                        "address_purpose": "LOCATION",
                        "address_1": "200 W 41ST ST",
                        "address_2": "SUITE 1200",
                        "city": "NEW YORK",
                        "state": "NY",
                        "postal_code": "100361234",
                    },
                ],
                "taxonomies": taxonomies
                if taxonomies is not None
                else [
                    {
                        "code": "1041C0700X",
                        "desc": "Social Worker, Clinical",
                        "primary": True,
                        "state": "NY",
                        "license": "R-081234",
                    }
                ],
            }
        ],
    }


@pytest.fixture(autouse=True)
def http_registry(settings):
    settings.NPI_REGISTRY = "http"
    settings.NPI_REGISTRY_URL = URL
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def registry():
    with respx.mock(assert_all_called=False) as mock:
        yield mock.get(URL)


def test_one_individual_hit_is_read_with_names_addresses_and_taxonomies(registry):
    registry.return_value = httpx.Response(200, json=individual())

    answer = client.lookup("1234567893")

    assert registry.calls.last.request.url.params == httpx.QueryParams(version="2.1", number="1234567893")
    record = answer.envelope.record
    assert record.enumeration_type == INDIVIDUAL
    assert record.basic.full_name == "DANA WHITFIELD"
    assert record.basic.credential == "LCSW"
    assert record.basic.is_active
    assert record.practice_address.one_line == "200 W 41ST ST, SUITE 1200, NEW YORK, NY 10036-1234"
    assert record.mailing_address.city == "NEW YORK"
    assert [(t.code, t.state, t.license, t.primary) for t in record.taxonomies] == [
        ("1041C0700X", "NY", "R-081234", True)
    ]
    assert answer.body == individual()  # kept exactly as it came, for the evidence
    assert not answer.from_cache


def test_zero_hits_is_an_answer_not_a_failure(registry):
    registry.return_value = httpx.Response(200, json={"result_count": 0, "results": []})

    envelope = client.lookup("1245319599").envelope

    assert envelope.result_count == 0
    assert envelope.record is None
    assert not envelope.errors


def test_the_errors_envelope_comes_back_as_http_200_and_is_read(registry):
    body = {
        "Errors": [
            {"description": "Field number must be a 10 digit number", "field": "number", "number": "07"}
        ]
    }
    registry.return_value = httpx.Response(200, json=body)

    envelope = client.lookup("1245319599").envelope

    assert envelope.record is None
    assert [(e.description, e.field, e.number) for e in envelope.errors] == [
        ("Field number must be a 10 digit number", "number", "07")
    ]


def test_an_organisation_npi_is_read_as_npi_2(registry):
    body = {"result_count": 1, "results": [{"number": "1200000002", "enumeration_type": "NPI-2",
            "basic": {"organization_name": "HARBOR COUNSELING GROUP LLC", "status": "A"},
            "addresses": [], "taxonomies": []}]}  # fmt: skip
    registry.return_value = httpx.Response(200, json=body)

    record = client.lookup("1200000002").envelope.record

    assert record.enumeration_type == ORGANISATION
    assert record.is_organisation
    assert record.basic.full_name == "HARBOR COUNSELING GROUP LLC"


def test_several_taxonomies_across_states_are_all_read(registry):
    taxonomies = [
        {
            "code": "101YP2500X",
            "desc": "Counselor, Professional",
            "primary": True,
            "state": "NJ",
            "license": "37PC1",
        },
        {
            "code": "101YM0800X",
            "desc": "Counselor, Mental Health",
            "primary": False,
            "state": "NY",
            "license": "012877",
        },
        {
            "code": "101YP2500X",
            "desc": "Counselor, Professional",
            "primary": False,
            "state": "PA",
            "license": "PC015",
        },
    ]
    registry.return_value = httpx.Response(200, json=individual("1300000001", taxonomies=taxonomies))

    record = client.lookup("1300000001").envelope.record

    assert [(t.state, t.license, t.primary) for t in record.taxonomies] == [
        ("NJ", "37PC1", True),
        ("NY", "012877", False),
        ("PA", "PC015", False),
    ]


def test_a_deactivated_npi_is_read_as_not_active(registry):
    registry.return_value = httpx.Response(200, json=individual(status="D", deactivation_date="2023-09-30"))

    basic = client.lookup("1234567893").envelope.record.basic

    assert not basic.is_active
    assert basic.deactivation_date == "2023-09-30"


@pytest.mark.parametrize(
    ("failure", "words"),
    [
        (httpx.ConnectTimeout("timed out"), "did not answer within 5 seconds"),
        (httpx.ReadTimeout("timed out"), "did not answer within 5 seconds"),
        (httpx.ConnectError("refused"), "could not be reached"),
        (httpx.Response(503, text="Service Unavailable"), "HTTP 503"),
        (httpx.Response(500, json={"error": "oops"}), "HTTP 500"),
        (httpx.Response(200, text="<html>maintenance</html>"), "not JSON"),
        (httpx.Response(200, json={"unexpected": True}), "neither results nor errors"),
    ],
)
def test_timeouts_5xx_and_garbage_are_transient_failures(registry, failure, words):
    if isinstance(failure, Exception):
        registry.side_effect = failure
    else:
        registry.return_value = failure

    with pytest.raises(client.RegistryUnavailable, match=words):
        client.lookup("1234567893")


def test_the_timeout_is_short():
    # A form submission never waits on it (the look-up runs after commit), but a task holds a
    # worker while it waits: 5 seconds, not httpx's default of 5 per phase forever retried.
    assert client.TIMEOUT_SECONDS == 5.0


def test_a_second_lookup_within_the_day_makes_no_http_call(registry, time_machine):
    time_machine.move_to("2026-03-02 15:00:00Z", tick=False)
    registry.return_value = httpx.Response(200, json=individual())
    first = client.lookup("1234567893")

    time_machine.move_to("2026-03-03 14:00:00Z", tick=False)  # 23 hours later
    second = client.lookup("1234567893")

    assert registry.call_count == 1
    assert second.from_cache
    assert second.body == first.body
    assert second.retrieved_at == first.retrieved_at  # the evidence keeps the registry's own moment


def test_a_failure_is_not_cached_the_next_lookup_asks_again(registry):
    registry.side_effect = [httpx.ConnectTimeout("timed out"), httpx.Response(200, json=individual())]

    with pytest.raises(client.RegistryUnavailable):
        client.lookup("1234567893")
    answer = client.lookup("1234567893")

    assert registry.call_count == 2
    assert answer.envelope.record is not None


class FakeClock:
    def __init__(self, start: float) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def test_the_throttle_lets_two_requests_a_second_start_and_makes_the_rest_wait():
    clock = FakeClock(1_000_000.1)
    throttle = client.Throttle(per_second=2, clock=clock, sleep=clock.sleep, key_prefix="t1")

    starts = []
    for _ in range(5):
        throttle.wait()
        starts.append(round(clock.now - 1_000_000, 3))

    assert starts == [0.1, 0.5, 1.0, 1.5, 2.0]  # one per half-second slot


def test_the_throttle_is_shared_through_the_cache_by_every_process():
    # Two workers: each has its own throttle object, the slot they claim is the cache's.
    clock = FakeClock(2_000_000.0)
    worker_a = client.Throttle(per_second=2, clock=clock, sleep=clock.sleep, key_prefix="t2")
    worker_b = client.Throttle(per_second=2, clock=clock, sleep=clock.sleep, key_prefix="t2")

    worker_a.wait()
    worker_b.wait()

    assert clock.slept == [0.5]


def test_a_full_throttle_gives_up_as_a_transient_failure():
    clock = FakeClock(3_000_000.0)
    throttle = client.Throttle(per_second=2, max_wait=1.0, clock=clock, sleep=clock.sleep, key_prefix="t3")
    for _ in range(3):
        throttle.wait()  # 0.0, 0.5, 1.0: the wait budget measured from each call

    stuck = client.Throttle(per_second=2, max_wait=0.2, clock=clock, sleep=clock.sleep, key_prefix="t3")
    with pytest.raises(client.RegistryUnavailable, match="throttle"):
        stuck.wait()


def test_a_clock_that_does_not_move_gives_up_instead_of_spinning():
    # A frozen clock (a test's time_machine, a stalled host): the slot never changes, so without a
    # bound on tries the second caller would sleep and retry forever.
    stopped = FakeClock(4_000_000.0)
    throttle = client.Throttle(per_second=2, clock=stopped, sleep=stopped.slept.append, key_prefix="t4")
    throttle.wait()
    with pytest.raises(client.RegistryUnavailable, match="throttle"):
        throttle.wait()
    assert len(stopped.slept) <= 12  # 5 s of half-second slots, and a little slack


def test_http_requests_go_through_the_throttle(registry, monkeypatch):
    waits = []
    monkeypatch.setattr(client.Throttle, "wait", lambda self: waits.append(1))
    registry.return_value = httpx.Response(200, json=individual())

    client.lookup("1234567893")
    client.lookup("1234567893")  # from the cache: no request, no wait

    assert waits == [1]


def test_the_fixtures_backend_answers_from_the_json_files_without_network(settings):
    settings.NPI_REGISTRY = "fixtures"
    with respx.mock(assert_all_mocked=True, assert_all_called=False):  # any HTTP request would fail
        record = client.lookup("1234567893").envelope.record
        unknown = client.lookup("1000000012").envelope

    assert record.basic.full_name == "DANA WHITFIELD"
    assert record.taxonomies[0].license == "R-081234"
    assert unknown.result_count == 0  # the registry's zero-result envelope
    assert unknown.record is None


def test_every_fixture_file_is_a_documented_envelope_for_its_own_npi():
    files = sorted(client.FIXTURES_DIR.glob("*.json"))
    assert len(files) >= 7
    for path in files:
        body = json.loads(path.read_text())
        record = client.envelope_parse(body).record
        assert record.number == path.stem, path.name


def test_an_unknown_backend_name_is_refused(settings):
    settings.NPI_REGISTRY = "carrier-pigeon"
    with pytest.raises(ValueError, match='"http" or "fixtures"'):
        client.lookup("1234567893")
