"""Staff's credentialing file page, the "Record verification" page, the evidence download, the
verifications list and the one-line summary on the provider's page."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from exclusions.selectors import Screening
from onboarding.models import LicenseType
from tests.helpers import count_queries, element, elements, pdf_upload, signed_in_client, staff_user, text_of
from tests.verification_factories import file_provider, record, verify_all
from verification import file as credentialing_file
from verification.file import file_entries
from verification.models import PrimarySourceVerification, VerificationResult, VerifiedItem

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 1, 16, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 7, 1)
VIEW = "verification.view_primarysourceverification"
ADD = "verification.add_primarysourceverification"


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    lists = [Screening("OIG LEIE", dt.date(2026, 6, 20), open_case=False, confirmed=False)]
    monkeypatch.setattr(credentialing_file, "screenings", lambda provider: lists)
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def provider(db):
    return file_provider()


@pytest.fixture
def credentialing(db):
    """Credentialing staff: see the file and record verifications."""
    return signed_in_client(staff_user("cred@alma.test", VIEW, ADD))


@pytest.fixture
def reader(db):
    return signed_in_client(staff_user("reader@alma.test", VIEW))


def file_url(provider, **query):
    url = reverse("admin:verification_file", args=[provider.public_id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def record_url(provider, kind):
    entry = next(entry for entry in file_entries(provider) if entry.kind == kind)
    return reverse("admin:verification_record", args=[provider.public_id, entry.kind.value, entry.item_key])


def row_text(page: str, key: str) -> str:
    return text_of(element(page, f"tr[data-item={key}]"))


def record_answers(**overrides):
    return {
        "source": "state_board",
        "method": "website",
        "verified_on": "2026-06-30",
        "result": "verified",
        "evidence": pdf_upload("board-page.pdf"),
        "notes": "",
        **overrides,
    }


def test_the_file_page_shows_each_item_missing_or_verified_with_its_age(provider, credentialing):
    licence = next(entry for entry in file_entries(provider) if entry.kind == VerifiedItem.STATE_LICENSE)
    record(provider, licence, verified_on=dt.date(2026, 3, 3))  # 120 days before today

    page = credentialing.get(file_url(provider)).text

    assert "Credentialing file of" in page
    assert row_text(page, "state_license:CA:LIC-0000").startswith(
        "CA LCSW licence LIC-0000 Ready 3 Mar 2026 120 days 120 days (fresh) State licensing board; "
        "source's website, printed or captured; verifier@alma.test Evidence of CA LCSW licence LIC-0000"
    )
    assert row_text(page, "malpractice_history:npdb").startswith(
        "Malpractice-claims history (NPDB query) Missing — — — — —"
    )
    assert row_text(page, "exclusion:OIG LEIE").startswith(
        "Exclusion check: OIG LEIE Ready 20 Jun 2026 11 days"
    )
    assert "Not ready for a decision on 1 Jul 2026: 2 of 5 items ready." in text_of(page)
    assert "Highest education: MSW, Columbia University (2014): not verified yet" in text_of(
        element(page, "ul#file-reasons")
    )


def test_a_later_planned_decision_date_shows_day_121_as_stale(provider, credentialing):
    licence = next(entry for entry in file_entries(provider) if entry.kind == VerifiedItem.STATE_LICENSE)
    record(provider, licence, verified_on=dt.date(2026, 3, 3))

    page = credentialing.get(file_url(provider, decision_on="2026-07-02")).text

    assert row_text(page, "state_license:CA:LIC-0000").startswith(
        "CA LCSW licence LIC-0000 Not ready: verified 121 days before the decision date; at most 120 days "
        "are allowed 3 Mar 2026 120 days 121 days"
    )
    assert 'value="2026-07-02"' in element(page, "input#id_decision_on")


def test_a_bad_decision_date_is_shown_beside_its_field_and_today_is_used(provider, credentialing):
    page = credentialing.get(file_url(provider, decision_on="soon")).text

    assert "Enter a valid date." in text_of(element(page, "div[data-field=decision_on]"))
    assert "Not ready for a decision on 1 Jul 2026" in text_of(page)


def test_a_ready_file_says_so(provider, credentialing):
    verify_all(provider, verified_on=dt.date(2026, 6, 1))

    page = credentialing.get(file_url(provider)).text

    assert "Ready for a decision on 1 Jul 2026: all 5 items are verified and fresh." in text_of(page)


@pytest.mark.parametrize("licences", [1, 8])
def test_the_file_page_costs_the_same_at_1_and_8_licences(credentialing, licences, django_assert_num_queries):
    provider = file_provider(licences=licences, license_type=LicenseType.MD)
    verify_all(provider, verified_on=dt.date(2026, 6, 1))
    url = file_url(provider)
    credentialing.get(url)  # the session and permissions caches warm

    # Session, user, permissions (user, group), provider; the form, licences, education, verifications.
    with django_assert_num_queries(count_queries(credentialing, url)) as captured:
        page = credentialing.get(url).text
    assert len(captured) == 9, [q["sql"][:80] for q in captured.captured_queries]
    assert len(elements(page, "tr[data-item]")) == licences + 5 + 1


def test_staff_record_a_verification_and_the_file_shows_it(provider, credentialing):
    response = credentialing.post(record_url(provider, VerifiedItem.STATE_LICENSE), record_answers())

    assert response.status_code == 302
    assert response["Location"] == file_url(provider)
    saved = PrimarySourceVerification.objects.get()
    assert (saved.verified_on, saved.verifier.email) == (dt.date(2026, 6, 30), "cred@alma.test")
    page = credentialing.get(response["Location"]).text
    assert "Recorded: CA LCSW licence LIC-0000, verified, as the provider stated on 30 Jun 2026." in text_of(
        page
    )
    assert row_text(page, "state_license:CA:LIC-0000").startswith(
        "CA LCSW licence LIC-0000 Ready 30 Jun 2026 1 day"
    )


def test_a_refused_verification_shows_its_errors_beside_the_fields(provider, credentialing):
    page = credentialing.post(
        record_url(provider, VerifiedItem.STATE_LICENSE),
        record_answers(verified_on="2026-07-09", evidence=""),
    ).text

    assert PrimarySourceVerification.objects.count() == 0
    assert "A verification cannot be dated in the future (09 Jul 2026 is after today)." in text_of(
        element(page, "div[data-field=verified_on]")
    )


def test_the_record_page_offers_only_the_items_primary_sources(provider, credentialing):
    page = credentialing.get(record_url(provider, VerifiedItem.EDUCATION)).text

    assert text_of(element(page, "select#id_source")) == "The school National Student Clearinghouse"
    wrong = credentialing.post(
        record_url(provider, VerifiedItem.EDUCATION), record_answers(source="state_board")
    )
    assert "Select a valid choice." in text_of(element(wrong.text, "div[data-field=source]"))


def test_the_record_page_lists_earlier_verifications_of_the_item(provider, credentialing):
    licence = next(entry for entry in file_entries(provider) if entry.kind == VerifiedItem.STATE_LICENSE)
    record(provider, licence, verified_on=dt.date(2025, 1, 5), result=VerificationResult.DISCREPANCY)

    page = credentialing.get(record_url(provider, VerifiedItem.STATE_LICENSE)).text

    assert "5 Jan 2025 Differs from what the provider stated State licensing board" in text_of(
        element(page, "table#verification-history")
    )


def test_without_the_view_permission_the_file_page_is_refused(provider, staff):
    browser = signed_in_client(staff_user("other@alma.test", "view_provider"))

    assert browser.get(file_url(provider)).status_code == 403


def test_a_reader_sees_the_file_but_may_not_record(provider, reader):
    page = reader.get(file_url(provider)).text

    assert "Record verification" not in page
    url = record_url(provider, VerifiedItem.STATE_LICENSE)
    assert reader.get(url).status_code == 403
    assert reader.post(url, record_answers()).status_code == 403
    assert not PrimarySourceVerification.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(provider, client):
    for url in (file_url(provider), record_url(provider, VerifiedItem.STATE_LICENSE)):
        for response in (client.get(url), client.post(url, record_answers())):
            assert response.status_code == 302
            assert "/login/" in response["Location"] or "/accounts/" in response["Location"]
    assert not PrimarySourceVerification.objects.exists()


def test_evidence_is_served_privately_to_permitted_staff_only(provider, reader, client):
    licence = next(entry for entry in file_entries(provider) if entry.kind == VerifiedItem.STATE_LICENSE)
    saved = record(provider, licence, verified_on=TODAY)
    url = reverse("admin:verification_evidence", args=[saved.pk])

    response = reader.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Cache-Control"].startswith("private, no-store") or "no-store" in response["Cache-Control"]
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    assert signed_in_client(staff_user("other@alma.test", "view_provider")).get(url).status_code == 403
    assert client.get(url).status_code == 302  # to sign-in
    assert signed_in_client(provider).get(url).status_code == 302  # a provider is not staff


def test_the_verifications_list_is_read_only_and_costs_the_same_at_any_size(
    credentialing, django_assert_num_queries
):
    first = file_provider()
    verify_all(first, verified_on=dt.date(2026, 6, 1))
    url = reverse("admin:verification_primarysourceverification_changelist")
    at_few = count_queries(credentialing, url)
    for _ in range(3):
        verify_all(file_provider(licences=3), verified_on=dt.date(2026, 6, 2))

    with django_assert_num_queries(at_few):
        page = credentialing.get(url).text
    assert "Add primary-source verification" not in page
    assert "NJ LCSW licence LIC-0002" in page
    assert f'href="{file_url(first)}"' in page  # each row links to its provider's file
    change = credentialing.get(
        reverse(
            "admin:verification_primarysourceverification_change",
            args=[PrimarySourceVerification.objects.first().pk],
        )
    ).text
    assert "Download the evidence" in change
    assert "providers/" not in change  # the stored path is never shown


def test_the_provider_page_shows_the_file_in_one_line(provider, credentialing, django_assert_max_num_queries):
    verify_all(provider, verified_on=dt.date(2026, 6, 1))
    record(
        provider,
        next(entry for entry in file_entries(provider) if entry.kind == VerifiedItem.EDUCATION),
        verified_on=dt.date(2026, 6, 2),
        result=VerificationResult.NOT_FOUND,
    )
    browser = signed_in_client(staff_user("both@alma.test", VIEW, "view_provider"))
    url = reverse("admin:onboarding_provider_change", args=[provider.pk])

    page = browser.get(url).text

    summary = text_of(element(page, "p#credentialing-file-summary"))
    assert summary == (
        "Credentialing file: 4 of 5 items ready, 1 stale or with a problem. Open the credentialing file"
    )
    assert file_url(provider) in element(page, "p#credentialing-file-summary")
    without = signed_in_client(staff_user("support2@alma.test", "view_provider")).get(url).text
    assert "credentialing-file-summary" not in without


def test_the_summary_costs_a_fixed_number_of_queries(credentialing):
    browser = signed_in_client(staff_user("both@alma.test", VIEW, "view_provider"))
    one = file_provider(licences=1)
    many = file_provider(licences=8)
    url_of = lambda p: reverse("admin:onboarding_provider_change", args=[p.pk])  # noqa: E731
    browser.get(url_of(one))

    assert count_queries(browser, url_of(one)) == count_queries(browser, url_of(many))


def test_before_the_insurance_form_the_file_page_and_summary_say_it_is_not_in(credentialing):
    from tests.factories import ProviderFactory  # noqa: PLC0415

    waiting = ProviderFactory(legal_name="Avery New")
    browser = signed_in_client(staff_user("both@alma.test", VIEW, "view_provider"))

    page = credentialing.get(file_url(waiting)).text
    summary = browser.get(reverse("admin:onboarding_provider_change", args=[waiting.pk])).text

    assert "Not ready: The file has no required items: the Insurance Form is not in yet." in text_of(page)
    assert "Required items" not in page
    assert text_of(element(summary, "p#credentialing-file-summary")) == (
        "Credentialing file: no items yet, the Insurance Form is not in. Open the credentialing file"
    )


def test_recording_a_credential_that_left_the_form_sends_staff_back_to_the_file(provider, credentialing):
    url = record_url(provider, VerifiedItem.STATE_LICENSE)
    provider.insurance_form.licenses.update(number="LIC-9999")

    response = credentialing.post(url, record_answers(), follow=True)

    assert response.redirect_chain[-1][0] == file_url(provider)
    assert "That credential is not in the provider's file any more." in text_of(response.text)
    assert not PrimarySourceVerification.objects.exists()


def test_the_file_page_links_to_the_decision_and_the_export_for_those_who_may(provider, credentialing):
    committee = signed_in_client(
        staff_user("committee@alma.test", VIEW, "verification.record_credentialing_decision")
    )

    tools = element(committee.get(file_url(provider)).text, "ul#file-tools")

    assert reverse("admin:verification_decision_record", args=[provider.public_id]) in tools
    assert "Download credentialing file" not in tools
    assert "file-tools" not in credentialing.get(file_url(provider)).text
