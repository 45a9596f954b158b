"""One numbering scheme, "Step N of 6" (PRODUCT.md's steps 1-6), on every page and in every email
that numbers a step (issue 12: "Step 1 of 4", "Step 5" and "Step 5 of your Alma onboarding")."""

import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from credentialing import links as credentialing_links
from onboarding import email_kinds, links
from onboarding.models import OutboxEmail
from onboarding.services.outbox import render_outbox_email
from onboarding.vocabulary import ONBOARDING_STEPS, step_of
from tests.factories import submit_general_onboarding
from training import links as training_links

pytestmark = pytest.mark.django_db

STEP = re.compile(r"\bstep\s+\d+(?:\s+of\s+\d+)?", re.IGNORECASE)


def numbered_steps(text: str) -> list[str]:
    return [" ".join(found.split()) for found in STEP.findall(text)]


def test_the_scheme_has_six_steps_and_refuses_others():
    assert len(ONBOARDING_STEPS) == 6
    assert step_of(2) == "Step 2 of 6"
    with pytest.raises(ValueError, match="steps 1 to 6"):
        step_of(7)


# The emails of the steps themselves: each tells the provider which step they are at.
STEP_EMAILS = ("general_onboarding", "insurance_form", "portal_access", "webinar")


def test_each_step_email_numbers_its_step_out_of_six(provider, webinar):
    for code in STEP_EMAILS:
        row = OutboxEmail(
            provider=provider, step=code, to_email=provider.email, message_id=f"<{uuid.uuid4()}@t>"
        )
        message = render_outbox_email(row)
        text = " ".join([message.subject, message.body, *(part[0] for part in message.alternatives)])
        steps = numbered_steps(text)
        assert steps, code
        assert all(step.endswith("of 6") for step in steps), (code, steps)
    assert email_kinds.kind("insurance_form")  # the codes above are the registry's


def test_no_template_writes_a_step_number_by_hand():
    """Every page and email template numbers a step with {% step_of %}, so none can drift."""
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    by_hand = [
        f"{path}: {found}"
        for root in roots
        for path in root.rglob("*")
        if path.suffix in {".html", ".txt"}
        for found in re.findall(r"(?<![\w-])Step \d", path.read_text())
    ]
    assert not by_hand, by_hand


def test_the_form_and_training_pages_number_their_step_out_of_six(client, provider, webinar):
    pages = [links.form_path(provider, links.GENERAL_ONBOARDING)]
    submit_general_onboarding(provider)
    pages += [
        links.form_path(provider, links.GENERAL_ONBOARDING),  # the "submitted" page
        links.form_path(provider, credentialing_links.INSURANCE_FORM),
        links.form_path(provider, training_links.TRAINING),
    ]
    for path in pages:
        page = client.get(path, follow=True)
        steps = numbered_steps(page.text)
        assert steps, path
        assert all(step.endswith("of 6") for step in steps), (path, steps)
