"""The Insurance Form's date of birth: what the exclusion lists are matched on with the name."""

import datetime as dt

import pytest
import time_machine

from credentialing import links as credentialing_links
from credentialing.models import InsuranceForm
from credentialing.rules import date_of_birth_problem
from onboarding import links
from tests.factories import insurance_form_answers, submit_general_onboarding
from tests.helpers import form_errors

TODAY = dt.date(2026, 11, 12)


@pytest.mark.parametrize(
    ("born", "problem"),
    [
        (dt.date(1984, 3, 14), None),
        (dt.date(2008, 11, 12), None),  # 18 today
        (dt.date(2008, 11, 13), "younger than 18"),  # 18 tomorrow
        (dt.date(1926, 11, 13), None),  # 99, 100 tomorrow
        (dt.date(1926, 11, 12), "100 or older"),
        (TODAY, "must be in the past"),
        (dt.date(2027, 1, 1), "must be in the past"),
    ],
)
def test_a_date_of_birth_is_a_past_date_of_an_adult(born, problem):
    found = date_of_birth_problem(born, today=TODAY)
    assert (found is None) if problem is None else (problem in found)


@pytest.fixture
def url(provider):
    submit_general_onboarding(provider)
    return links.form_path(provider, credentialing_links.INSURANCE_FORM)


@pytest.mark.django_db
def test_the_form_is_not_submitted_without_a_date_of_birth(client, url):
    response = client.post(url, insurance_form_answers(date_of_birth=""))

    assert response.status_code == 200
    assert form_errors(response, "date_of_birth") == ["This field is required."]


@pytest.mark.django_db
def test_a_draft_may_leave_it_empty(client, url, provider):
    response = client.post(url, insurance_form_answers(action="save_draft", date_of_birth=""))

    assert response.status_code == 302
    assert InsuranceForm.objects.get(provider=provider).date_of_birth is None


@pytest.mark.django_db
def test_a_year_typed_wrong_is_shown_beside_the_field(client, url):
    with time_machine.travel(dt.datetime(2026, 11, 12, 15, tzinfo=dt.UTC), tick=False):
        response = client.post(url, insurance_form_answers(date_of_birth="2019-03-14"))

    assert response.status_code == 200
    assert form_errors(response, "date_of_birth") == ["This date makes you younger than 18: check the year."]


@pytest.mark.django_db
def test_the_date_of_birth_is_saved_with_the_submission(client, url, provider):
    assert client.post(url, insurance_form_answers(date_of_birth="1984-03-14")).status_code == 302
    assert InsuranceForm.objects.get(provider=provider).date_of_birth == dt.date(1984, 3, 14)
