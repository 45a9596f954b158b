import datetime as dt

import factory
from django.utils import timezone

from onboarding import services
from onboarding.models import LicenseType, MembershipAgreement, Provider


class ProviderFactory(factory.Factory):
    """Providers are only ever created through the step-0 service, as in production."""

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

    _build = _create


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


def insurance_form_values(**overrides) -> dict:
    """Service-level values for a complete, valid Insurance Form (no certificate files)."""
    today = timezone.localdate()
    values = {
        "caqh_id": "12345678",
        "caqh_username": "jrivera",
        "npi": "1234567893",
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
