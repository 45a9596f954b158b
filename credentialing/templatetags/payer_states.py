"""The Insurance & Directories page's state filter (credentialing.licensed_states)."""

from django import template

from credentialing.licensed_states import outside_states_warning, provider_licensed_states

register = template.Library()


@register.simple_tag
def licensed_states(provider) -> tuple[str, ...]:
    """The provider's licensed states, sorted (two queries, once per page)."""
    return tuple(sorted(provider_licensed_states(provider)))


@register.simple_tag
def outside_states(payer, licensed) -> str:
    return outside_states_warning(payer.name, payer.states, frozenset(licensed))
