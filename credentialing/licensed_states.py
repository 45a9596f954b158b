"""Which payers serve a provider's licensed states (issue 12: a NY/NJ provider could request a
Massachusetts-only plan without notice). A provider can see a payer's members only where they
hold a licence, so the Insurance & Directories page lists by default the payers serving one of
their licensed states, and warns beside any other payer's request button."""

from onboarding.models import Provider


def provider_licensed_states(provider: Provider) -> frozenset[str]:
    """The states of the General Onboarding form's "states where you hold a license" and of the
    Insurance Form's state licences, in one query whatever the counts."""
    rows = Provider.objects.filter(pk=provider.pk).values_list(
        "general_onboarding__states_licensed", "insurance_form__licenses__state"
    )
    states: set[str] = set()
    for declared, licence_state in rows:
        states.update(declared or [])
        if licence_state:
            states.add(licence_state)
    return frozenset(states)


def serves_licensed_state(payer_states: list[str], licensed: frozenset[str]) -> bool:
    """Whether the payer serves one of the provider's states (True when either is unknown)."""
    return not payer_states or not licensed or bool(licensed & set(payer_states))


def outside_states_warning(payer_name: str, payer_states: list[str], licensed: frozenset[str]) -> str:
    """What the provider reads beside a payer that serves none of their states ("" otherwise)."""
    if serves_licensed_state(payer_states, licensed):
        return ""
    return (
        f"{payer_name} serves {', '.join(sorted(payer_states))} only, none of your licensed states "
        f"({', '.join(sorted(licensed))}). Its members could book you only where you hold a license."
    )
