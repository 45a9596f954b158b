"""The shared factories: `build()` makes values without the database, `create()` goes through the
step-0 service as production does."""

import pytest

from onboarding.models import LicenseType, OnboardingStep, Provider
from tests.factories import ProviderFactory


def test_a_built_provider_touches_no_database():
    # No `db` fixture: pytest-django refuses any query here, so a save anywhere in build() fails.
    provider = ProviderFactory.build(
        legal_name="Dana Reyes", email=" Dana.Reyes@Example.com ", license_type=LicenseType.NP
    )

    assert provider.pk is None
    assert provider.user.pk is None
    assert provider.email == "dana.reyes@example.com"  # as agreement_record stores it
    assert not provider.user.has_usable_password()  # the password comes at step 4
    assert provider.is_prescriber  # the values a rule needs are there
    assert provider.onboarding_step == OnboardingStep.ACCOUNT_CREATED
    assert provider.agreement.provider is provider  # the unsaved agreement comes with it


@pytest.mark.django_db
def test_a_built_provider_makes_no_query_and_a_created_one_goes_through_the_service(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        ProviderFactory.build()
    created = ProviderFactory(license_type=LicenseType.LMFT)
    assert Provider.objects.get(pk=created.pk).license_type == LicenseType.LMFT
    assert created.agreement.pk is not None
    assert created.onboarding_events.get().to_step == OnboardingStep.ACCOUNT_CREATED
    assert created.user.emailaddress_set.get().verified
