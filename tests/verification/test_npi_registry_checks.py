"""The NPI registry check of a submitted Insurance Form: requested on submission, run after
commit, retried while the registry is down, shown to staff in review; and the form's pre-fill."""

from datetime import timedelta

import httpx
import pytest
import respx
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from credentialing import links as credentialing_links
from credentialing.models import InsuranceForm
from onboarding import links
from onboarding.models import LicenseType, ReviewStatus
from tests.factories import ProviderFactory, insurance_form_answers, submit_general_onboarding
from tests.helpers import count_queries, signed_in_client, staff_user, text_at, text_of
from verification.models import NpiRegistryCheck
from verification.npi_registry import client as registry_client
from verification.selectors.npi import latest_npi_check
from verification.services.npi import (
    MAX_ATTEMPTS,
    npi_check_request,
    npi_check_run,
    npi_checks_due,
    npi_checks_retry,
    retry_due_after,
)

pytestmark = pytest.mark.django_db
URL = "https://npiregistry.test/api/"
FROZEN = "2026-03-02 15:00:00Z"


def fixture_body(npi: str) -> dict:
    return registry_client.FixturesBackend().fetch(npi)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def http_registry(settings):
    settings.NPI_REGISTRY = "http"
    settings.NPI_REGISTRY_URL = URL
    with respx.mock(assert_all_called=False) as mock:
        yield mock.get(URL)


@pytest.fixture
def dana(db):
    provider = ProviderFactory(legal_name="Dana Whitfield", email="dana.whitfield@example.com")
    submit_general_onboarding(provider)
    return provider


@pytest.fixture
def form_url(dana):
    return links.form_path(dana, credentialing_links.INSURANCE_FORM)


def review_page(client, provider) -> str:
    record = InsuranceForm.objects.get(provider=provider)
    return client.get(reverse("admin:credentialing_insuranceform_change", args=[record.pk])).text


@pytest.fixture
def reviewer():
    return signed_in_client(
        staff_user("reviewer@alma.test", "view_insuranceform", "view_provider", "view_npiregistrycheck")
    )


def test_the_form_submits_while_the_registry_is_down_and_staff_see_not_checked_yet(
    client, dana, form_url, http_registry, reviewer, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(FROZEN, tick=False)
    http_registry.side_effect = httpx.ConnectTimeout("timed out")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url, insurance_form_answers())

    assert response.status_code == 302
    assert InsuranceForm.objects.get(provider=dana).status == ReviewStatus.SUBMITTED
    check = NpiRegistryCheck.objects.get(provider=dana)
    assert (check.status, check.npi, check.attempts) == (NpiRegistryCheck.Status.PENDING, "1234567893", 1)
    assert "did not answer within 5 seconds" in check.last_error
    assert http_registry.call_count == 1
    status = text_at(review_page(reviewer, dana), "[data-testid=npi-registry-status]")
    assert status.startswith("Registry not checked yet.")
    assert "1 attempt so far" in status


def test_the_sweep_fills_in_the_pending_check_once_the_registry_answers(
    client, dana, form_url, http_registry, reviewer, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(FROZEN, tick=False)
    http_registry.side_effect = httpx.ConnectTimeout("timed out")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url, insurance_form_answers())

    time_machine.move_to("2026-03-02 15:04:00Z", tick=False)  # the second attempt is due at 5 minutes
    assert npi_checks_retry() == {"checked": 0, "still_pending": 0, "failed": 0, "unreachable": 0}
    assert http_registry.call_count == 1

    http_registry.side_effect = None
    http_registry.return_value = httpx.Response(200, json=fixture_body("1234567893"))
    time_machine.move_to("2026-03-02 15:05:00Z", tick=False)
    assert npi_checks_retry() == {"checked": 1, "still_pending": 0, "failed": 0, "unreachable": 0}

    check = NpiRegistryCheck.objects.get(provider=dana)
    assert check.status == NpiRegistryCheck.Status.CHECKED
    assert check.attempts == 2
    assert check.raw_answer == fixture_body("1234567893")
    assert check.retrieved_at.isoformat() == "2026-03-02T15:05:00+00:00"
    assert check.flags == []
    page = review_page(reviewer, dana)
    assert "No mismatches." in text_at(page, "[data-testid=npi-registry-status]")
    raw = reviewer.get(reverse("admin:verification_npiregistrycheck_change", args=[check.pk])).text
    assert "R-081234" in text_at(raw, "[data-testid=npi-raw-answer]")
    assert "No mismatches" in text_of(raw)


def test_a_submission_with_the_fixtures_backend_is_checked_at_once_and_mismatches_flagged(
    client, form_url, settings, reviewer, django_capture_on_commit_callbacks
):
    settings.NPI_REGISTRY = "fixtures"
    answers = insurance_form_answers(**{"licenses-0-number": "R-099999"})

    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url, answers)

    check = NpiRegistryCheck.objects.get()
    assert check.status == NpiRegistryCheck.Status.CHECKED
    assert [flag["code"] for flag in check.flags] == ["license_number_differs"]
    page = review_page(reviewer, check.provider)
    assert "1 mismatch to look at:" in text_at(page, "[data-testid=npi-registry-status]")
    assert text_at(page, "[data-testid=npi-registry-flags]") == (
        "NY licence number differs: the form says R-099999, the registry says R-081234."
    )


@pytest.mark.parametrize(
    ("npi", "status", "flag"),
    [
        ("1000000004", NpiRegistryCheck.Status.CHECKED, "not_active"),
        ("1200000002", NpiRegistryCheck.Status.CHECKED, "organisation"),
        ("1400000000", NpiRegistryCheck.Status.CHECKED, "no_behavioural_health_taxonomy"),
        ("1000000012", NpiRegistryCheck.Status.NOT_FOUND, "not_found"),
    ],
)
def test_the_demo_fixtures_raise_the_flag_they_are_for(
    client, form_url, settings, django_capture_on_commit_callbacks, npi, status, flag
):
    settings.NPI_REGISTRY = "fixtures"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url, insurance_form_answers(npi=npi))

    check = NpiRegistryCheck.objects.get()
    assert check.status == status
    assert flag in [f["code"] for f in check.flags]


def test_the_errors_envelope_is_kept_as_a_refused_check(dana, http_registry):
    body = {
        "Errors": [
            {"description": "Field number must be a 10 digit number", "field": "number", "number": "07"}
        ]
    }
    http_registry.return_value = httpx.Response(200, json=body)
    check = NpiRegistryCheck.objects.create(provider=dana, npi="1234567893")

    check = npi_check_run(check_id=check.pk)

    assert check.status == NpiRegistryCheck.Status.REFUSED
    assert check.raw_answer == body
    assert check.flags[0]["message"].endswith("Field number must be a 10 digit number")


def test_a_5xx_counts_the_attempt_and_keeps_the_check_pending(dana, http_registry):
    http_registry.return_value = httpx.Response(502)
    check = NpiRegistryCheck.objects.create(provider=dana, npi="1234567893")

    check = npi_check_run(check_id=check.pk)

    assert (check.status, check.attempts, check.last_error) == (
        "pending",
        1,
        "The registry answered HTTP 502.",
    )
    assert check.raw_answer is None


def test_running_an_answered_check_again_changes_nothing_and_asks_nobody(dana, http_registry):
    http_registry.return_value = httpx.Response(200, json=fixture_body("1234567893"))
    check = NpiRegistryCheck.objects.create(provider=dana, npi="1234567893")
    npi_check_run(check_id=check.pk)
    cache.clear()

    again = npi_check_run(check_id=check.pk)

    assert http_registry.call_count == 1
    assert (again.status, again.attempts) == (NpiRegistryCheck.Status.CHECKED, 1)


def test_the_retry_schedule_backs_off_then_tries_daily():
    assert [retry_due_after(n) for n in range(8)] == [
        timedelta(0),
        timedelta(minutes=5),
        timedelta(minutes=15),
        timedelta(hours=1),
        timedelta(hours=4),
        timedelta(hours=12),
        timedelta(hours=36),
        timedelta(hours=60),
    ]


def test_staff_see_the_latest_check(dana):
    older = NpiRegistryCheck.objects.create(provider=dana, npi="1245319599", status="checked")
    newer = NpiRegistryCheck.objects.create(provider=dana, npi="1234567893")
    older.requested_at = newer.requested_at - timedelta(days=3)
    older.save(update_fields=["requested_at"])

    assert latest_npi_check(dana) == newer


def test_staff_see_registry_not_checked_yet_before_any_check(dana, reviewer):
    from tests.factories import submit_insurance_form  # noqa: PLC0415

    submit_insurance_form(dana, npi="")  # no NPI given: nothing to look up
    assert NpiRegistryCheck.objects.count() == 0
    status = text_at(review_page(reviewer, dana), "[data-testid=npi-registry-status]")
    assert status == "Registry not checked yet. No NPI has been submitted yet."


def test_the_raw_answer_needs_the_view_permission(dana, settings):
    check = NpiRegistryCheck.objects.create(provider=dana, npi="1234567893", raw_answer={"result_count": 0})
    url = reverse("admin:verification_npiregistrycheck_change", args=[check.pk])
    without = signed_in_client(staff_user("nobody@alma.test", "view_insuranceform"))
    from tests.factories import submit_insurance_form  # noqa: PLC0415

    submit_insurance_form(dana, npi="")
    assert without.get(url).status_code == 403
    assert "npi-registry-raw" not in review_page(without, dana)  # no link they could not follow


def test_the_checks_list_and_the_latest_check_cost_fixed_queries(reviewer, django_assert_num_queries):
    def add_checks(n):
        for provider in ProviderFactory.create_batch(n):
            NpiRegistryCheck.objects.create(
                provider=provider, npi="1234567893", flags=[{"code": "x", "message": "y"}]
            )

    add_checks(3)
    provider = NpiRegistryCheck.objects.select_related("provider").first().provider
    with django_assert_num_queries(1):
        latest_npi_check(provider)
    url = reverse("admin:verification_npiregistrycheck_changelist")
    few = count_queries(reviewer, url)
    add_checks(9)
    # session, user, permissions, the date hierarchy, counts, the rows with their providers
    with django_assert_num_queries(few):
        page = reviewer.get(url)
    assert few <= 9
    assert page.text.count('class="field-npi"') == 12


# --- the pre-fill endpoint ------------------------------------------------------------------


def prefill_url(provider, *, token_of=None) -> str:
    token = links.make_token(token_of or provider, credentialing_links.INSURANCE_FORM)
    return reverse(
        "verification_form:npi_prefill", kwargs={"provider_id": provider.public_id, "token": token}
    )


@pytest.fixture
def luis(db):
    return ProviderFactory(legal_name="Luis Ortega", license_type=LicenseType.LPC)


def test_the_prefill_answers_licence_rows_name_credential_and_practice_address(client, luis, settings):
    settings.NPI_REGISTRY = "fixtures"

    answer = client.get(prefill_url(luis), {"npi": "1300 000 001"}).json()

    assert answer["status"] == "found"
    assert answer["name"] == "LUIS ORTEGA"
    assert answer["credential"] == "LPC, LMHC"
    assert answer["practice_address"] == "1 PENN PLZ, NEW YORK, NY 10119-0002"
    assert [(r["state"], r["number"], r["license_type"]) for r in answer["licenses"]] == [
        ("NJ", "37PC00512300", "LPC"),
        ("NY", "012877", "LPC"),  # Counselor, Mental Health: LMHC or LPC, and Luis is an LPC
        ("PA", "PC015992", "LPC"),
    ]
    assert answer["licenses"][0]["license_type_label"] == "LPC - Licensed Professional Counselor"


def test_the_prefill_refuses_another_providers_link(client, luis, dana):
    response = client.get(prefill_url(luis, token_of=dana), {"npi": "1300000001"})
    assert response.status_code == 403
    assert response.json()["message"] == "This link does not open this form."
    assert client.get(prefill_url(luis).replace("/npi-registry/", "x/npi-registry/")).status_code in {
        403,
        404,
    }


def test_the_prefill_refuses_a_replaced_link(client, luis):
    url = prefill_url(luis)
    luis.link_version += 1
    luis.save(update_fields=["link_version"])
    assert client.get(url, {"npi": "1300000001"}).status_code == 403


@pytest.mark.parametrize(
    ("npi", "code", "status", "words"),
    [
        ("1234567890", 400, "invalid", "check digit is wrong"),
        ("1000000012", 200, "not_found", "The NPI registry has no NPI 1000000012. Please check the number."),
        ("1200000002", 200, "organisation", "belongs to an organisation (HARBOR COUNSELING GROUP LLC)"),
        ("1000000004", 200, "found", "The registry lists NPI 1000000004 as not active."),
    ],
)
def test_the_prefill_says_what_the_registry_answered(client, luis, settings, npi, code, status, words):
    settings.NPI_REGISTRY = "fixtures"
    response = client.get(prefill_url(luis), {"npi": npi})
    assert response.status_code == code
    assert response.json()["status"] == status
    assert words in response.json()["message"]


def test_the_prefill_says_the_registry_is_down_and_the_form_still_works(client, luis, http_registry):
    http_registry.side_effect = httpx.ConnectTimeout("timed out")
    response = client.get(prefill_url(luis), {"npi": "1300000001"})
    assert response.status_code == 503
    assert "you can still submit the form" in response.json()["message"]


def test_the_prefill_is_rate_limited_per_provider(client, luis, dana, settings, time_machine):
    settings.NPI_REGISTRY = "fixtures"
    time_machine.move_to(FROZEN, tick=False)  # all inside one 10-minute window
    answers = [client.get(prefill_url(luis), {"npi": "1300000001"}).status_code for _ in range(11)]
    assert answers == [200] * 10 + [429]
    assert (
        client.get(prefill_url(dana), {"npi": "1234567893"}).status_code == 200
    )  # another provider's own count


def test_the_approve_confirmation_of_the_insurance_form_shows_the_registry_flags(
    client, form_url, settings, django_capture_on_commit_callbacks, dana
):
    settings.NPI_REGISTRY = "fixtures"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url, insurance_form_answers(npi="1000000004"))  # deactivated, another name
    reviewer = signed_in_client(
        staff_user("approver@alma.test", "review_onboarding_forms", "view_insuranceform")
    )

    def confirmation(form):
        url = reverse("admin:onboarding_reviewqueue_approve", kwargs={"provider_id": dana.pk, "form": form})
        return reviewer.get(url).text

    flags = text_at(confirmation("insurance_form"), "[data-testid=npi-registry-flags]")
    assert "NPI 1000000004 is not active in the registry (deactivated 2023-09-30)." in flags
    assert "The name differs: the registry says ELLIOT MARSH" in flags
    assert "npi-registry" not in confirmation("general_onboarding")


# --- the retry sweep: due checks in SQL, superseded checks, a bad check, the attempts cap -------


def test_the_sweep_reads_only_the_due_checks_in_one_query(dana, django_assert_num_queries, time_machine):
    time_machine.move_to(FROZEN, tick=False)
    now = timezone.now()
    others = ProviderFactory.create_batch(3)
    waiting = [
        NpiRegistryCheck.objects.create(
            provider=p, npi="1234567893", next_attempt_at=now + timedelta(minutes=5)
        )
        for p in others
    ]
    due = NpiRegistryCheck.objects.create(provider=dana, npi="1234567893", next_attempt_at=now)
    NpiRegistryCheck.objects.create(provider=dana, npi="1234567893", status="checked", next_attempt_at=None)

    with django_assert_num_queries(1):
        ids = npi_checks_due(now)

    assert ids == [due.pk]
    assert npi_checks_due(now + timedelta(minutes=5)) == [due.pk, *(c.pk for c in waiting)]


def test_a_failed_attempt_schedules_the_next_one_in_the_database(dana, http_registry, time_machine):
    time_machine.move_to(FROZEN, tick=False)
    http_registry.return_value = httpx.Response(503)
    check = npi_check_request(provider=dana, npi="1234567893")

    npi_check_run(check_id=check.pk)
    cache.clear()  # the throttle's slot: the clock is frozen
    npi_check_run(check_id=check.pk)

    check.refresh_from_db()
    assert check.attempts == 2
    assert check.next_attempt_at == check.requested_at + timedelta(minutes=15)


def test_a_resubmission_retires_the_older_pending_check_and_keeps_it_as_evidence(
    dana, http_registry, time_machine
):
    time_machine.move_to(FROZEN, tick=False)
    http_registry.side_effect = httpx.ConnectTimeout("timed out")
    first = npi_check_request(provider=dana, npi="1245319599")
    npi_check_run(check_id=first.pk)

    second = npi_check_request(provider=dana, npi="1234567893")

    first.refresh_from_db()
    assert (first.status, first.get_status_display(), first.attempts) == (
        "superseded",
        "Replaced by a newer check",
        1,
    )
    http_registry.side_effect = None
    http_registry.return_value = httpx.Response(200, json=fixture_body("1234567893"))
    time_machine.move_to("2026-03-02 16:00:00Z", tick=False)
    assert npi_checks_retry()["checked"] == 1
    assert http_registry.call_count == 2  # the superseded NPI was never asked about again
    assert "number=1234567893" in str(http_registry.calls.last.request.url)
    first.refresh_from_db()
    assert first.status == "superseded"
    assert latest_npi_check(dana) == NpiRegistryCheck.objects.get(pk=second.pk)


def test_one_check_that_fails_unexpectedly_does_not_stop_the_sweep(dana, http_registry, caplog):
    http_registry.return_value = httpx.Response(200, json=fixture_body("1234567893"))
    broken = NpiRegistryCheck.objects.create(provider=ProviderFactory(), npi="12345")  # not 10 digits
    fine = NpiRegistryCheck.objects.create(provider=dana, npi="1234567893")

    counts = npi_checks_retry()

    assert counts == {"checked": 1, "still_pending": 0, "failed": 1, "unreachable": 0}
    fine.refresh_from_db()
    broken.refresh_from_db()
    assert fine.status == "checked"
    assert (broken.status, broken.attempts) == ("pending", 1)
    assert broken.last_error == "ValueError: An NPI is exactly 10 digits."
    assert broken.next_attempt_at > broken.requested_at
    assert "NPI registry check" in caplog.text


def test_after_ten_failed_attempts_the_check_stops_and_staff_see_registry_not_reachable(
    dana, http_registry, reviewer, time_machine
):
    time_machine.move_to(FROZEN, tick=False)
    http_registry.return_value = httpx.Response(502)
    from tests.factories import submit_insurance_form  # noqa: PLC0415

    submit_insurance_form(dana, npi="")
    check = npi_check_request(provider=dana, npi="1234567893")
    for _ in range(MAX_ATTEMPTS - 1):
        cache.clear()  # the throttle's slot: the clock is frozen
        npi_check_run(check_id=check.pk)
    check.refresh_from_db()
    assert (check.status, check.attempts) == ("pending", MAX_ATTEMPTS - 1)

    time_machine.move_to(check.next_attempt_at, tick=False)
    assert npi_checks_retry() == {"checked": 0, "still_pending": 0, "failed": 0, "unreachable": 1}

    check.refresh_from_db()
    assert (check.status, check.attempts, check.next_attempt_at) == ("unreachable", MAX_ATTEMPTS, None)
    time_machine.move_to(check.requested_at + timedelta(days=60), tick=False)
    assert npi_checks_retry()["unreachable"] == 0  # never asked again
    assert http_registry.call_count == MAX_ATTEMPTS
    status = text_at(review_page(reviewer, dana), "[data-testid=npi-registry-status]")
    assert status.startswith("Registry not reachable. Requested")
    assert "10 attempts failed, the last: The registry answered HTTP 502." in status
