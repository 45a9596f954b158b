import datetime as dt

import factory
from django.utils import timezone

from accounts.models import User
from onboarding import services
from onboarding.models import LicenseType, MembershipAgreement, Provider
from tests.helpers import formset, pdf_upload

CAQH_PASSWORD = "caqh-Pa55word!"  # what insurance_form_answers() types into the form


class ProviderFactory(factory.Factory):
    """Providers are only ever created through the step-0 service, as in production.

    `ProviderFactory.build()` touches no database: an unsaved provider with an unsaved user and
    agreement, for rules and templates that need only the values.
    """

    class Meta:
        model = Provider

    legal_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"provider{n}@example.com")
    license_type = LicenseType.LCSW
    contracted_start_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    signed_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    source = MembershipAgreement.Source.ADMIN

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.agreement_record(**kwargs)

    @classmethod
    def _build(cls, model_class, *, email, signed_at, source, **kwargs):
        user = User(email=email.strip().lower())
        user.set_unusable_password()  # as agreement_record leaves it: set at portal access
        provider = model_class(user=user, **kwargs)
        provider.agreement = MembershipAgreement(provider=provider, signed_at=signed_at, source=source)
        return provider


def general_onboarding_answers(**overrides) -> dict:
    """POST data for a complete, valid General Onboarding form (photo not included)."""
    answers = {
        "practice_name": "Harbor Counseling",
        "contact_phone": "(212) 555-0143",
        "address_line1": "210 W 29th St",
        "address_line2": "Suite 4",
        "city": "New York",
        "state": "NY",
        "postal_code": "10001",
        "states_licensed": ["NY", "NJ"],
        "offers_telehealth": "on",
        "specialties": ["anxiety", "trauma"],
        "approaches": ["cbt", "emdr"],
        "populations": ["adults"],
        "languages": ["en"],
        "bio": "I work with adults navigating anxiety, trauma and big transitions. " * 4,
    }
    answers.update(overrides)
    return answers


def insurance_form_answers(work_history=None, **overrides) -> dict:
    """POST data for a complete, valid Insurance Form page (a PDF certificate included)."""
    today = timezone.localdate()
    data = {
        "action": "submit",
        "caqh_id": "12345678",
        "caqh_username": "jrivera",
        "caqh_password": CAQH_PASSWORD,
        "npi": "1234567893",
        "date_of_birth": "1984-03-14",
        "liability_carrier": "CM&F Group",
        "liability_policy_number": "PL-55821",
        "liability_per_claim": "1000000",
        "liability_aggregate": "3000000",
        "liability_effective": (today - dt.timedelta(days=100)).isoformat(),
        "liability_expiry": (today + dt.timedelta(days=265)).isoformat(),
        "liability_certificate": pdf_upload(),
        **formset("licenses", [{"state": "NY", "license_type": "LCSW", "number": "R-081234",
                                "expiry": (today + dt.timedelta(days=400)).isoformat()}]),
        **formset("education", [{"institution": "Columbia University", "degree": "MSW",
                                 "graduation_date": "2014-05-20"}]),
        **formset("work_history", work_history or [{"employer": "Harbor Counseling", "role": "Therapist",
                                                     "start_date": "2015-01-05", "end_date": ""}]),
    }  # fmt: skip
    data.update(overrides)
    return data


def insurance_form_values(**overrides) -> dict:
    """Service-level values for a complete, valid Insurance Form (no certificate files)."""
    today = timezone.localdate()
    values = {
        "caqh_id": "12345678",
        "caqh_username": "jrivera",
        "npi": "1234567893",
        "date_of_birth": dt.date(1984, 3, 14),
        "liability_carrier": "CM&F Group",
        "liability_policy_number": "PL-55821",
        "liability_per_claim": 1_000_000,
        "liability_aggregate": 3_000_000,
        "liability_effective": today - dt.timedelta(days=100),
        "liability_expiry": today + dt.timedelta(days=265),
        "work_gap_explanation_recent": "",
    }
    values.update(overrides)
    return values


def insurance_form_rows() -> dict:
    today = timezone.localdate()
    return {
        "licenses": [
            {
                "state": "NY",
                "license_type": "LCSW",
                "number": "R-081234",
                "expiry": today + dt.timedelta(days=400),
            }
        ],
        "education": [
            {"institution": "Columbia University", "degree": "MSW", "graduation_date": dt.date(2014, 5, 20)}
        ],
        "work_history": [
            {
                "employer": "Harbor Counseling",
                "role": "Therapist",
                "start_date": dt.date(2015, 1, 5),
                "end_date": None,
                "gap_explanation": "",
            }
        ],
    }


def submit_insurance_form(provider, **overrides):
    """Submit a complete Insurance Form through the service, as the provider would."""
    from credentialing.services.insurance_form import insurance_form_submit  # noqa: PLC0415

    return insurance_form_submit(
        provider=provider,
        values=insurance_form_values(**overrides),
        caqh_password="caqh-S3cret!",
        actor=provider.user,
        **insurance_form_rows(),
    )


def submit_general_onboarding(provider):
    from onboarding.services import general_onboarding_submit  # noqa: PLC0415

    values = general_onboarding_answers(offers_telehealth=True)
    return general_onboarding_submit(provider=provider, values=values, actor=provider.user)
