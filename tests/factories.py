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
