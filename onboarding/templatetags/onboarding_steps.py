"""{% step_of 2 %} -> "Step 2 of 6": the one way a page or an email numbers an onboarding step."""

from django import template

from onboarding.vocabulary import step_of as step_of_text

register = template.Library()


@register.simple_tag
def step_of(number: int) -> str:
    return step_of_text(number)
