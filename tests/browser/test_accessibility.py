"""axe-core on every page providers, people looking for a therapist, and staff use: 0 serious or
critical violations. Every page outside the admin also fits a 390 px phone without sideways
scrolling.

One tour, run once for the module: the data is made once through the services, then one browser
context goes from page to page as each person in turn (signed in by session cookie), and each stop
is checked where it stands: axe at 1280 x 900; then, outside the admin, the width at 390 x 844 and
axe again there (the phone layout has parts of its own, such as the folded menu's button). A page
that fails to load is recorded against its stop and the tour goes on, so one run lists every
problem. Each stop is then its own test (`-k dashboard` picks the dashboard's).

STOPS lists the pages; the README lists them too.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from credentialing import links as insurance_links
from credentialing.models import ApplicationStatus
from directory.models import DirectoryProfile
from exclusions.models import ExclusionCase
from exclusions.services import exclusions_run
from onboarding import links
from onboarding.models import ReviewedForm
from portal.services.review import form_request_changes
from practice import services as practice_services
from tests.browser.axe import PHONE_390, axe_violations, describe, page_width_overflow
from tests.browser.pages import DESKTOP
from tests.credentialing_factories import PayerFactory, make_application
from tests.decision_factories import decide
from tests.directory_factories import make_live_provider
from tests.exclusions_factories import import_leie, leie_row
from tests.factories import ProviderFactory, submit_general_onboarding, submit_insurance_form
from tests.helpers import path_of, signed_in_client
from tests.pipeline import grant_portal_access, provider_at_forms_approved
from tests.practice_factories import add_client, open_ticket, set_payout_account
from training.models import Question, TrainingProgress

# (stop, checked at 390 px too): every page of the tour, in the order it is visited.
STOPS: list[tuple[str, bool]] = [
    # Anyone, signed out.
    ("home", True),
    ("sign-in", True),
    ("sign-in-with-errors", True),
    ("directory-search", True),
    ("directory-search-results", True),
    ("directory-profile", True),
    ("directory-contact-with-errors", True),
    ("directory-contact-sent", True),
    ("link-error", True),
    ("link-expired", True),
    ("fresh-link-sent", True),
    ("link-request", True),
    ("link-request-with-errors", True),
    ("link-request-sent", True),
    ("not-found", True),
    ("password-reset", True),
    ("password-set", True),
    ("password-set-with-errors", True),
    # Steps 1 and 2, by the emailed links.
    ("general-onboarding-form", True),
    ("general-onboarding-form-with-errors", True),
    ("insurance-form", True),
    ("insurance-form-with-errors", True),
    ("insurance-form-npi-prefilled", True),
    ("insurance-form-changes-requested", True),
    # The provider, signed in, at several stages.
    ("dashboard-step-1", True),
    ("dashboard-step-2", True),
    ("dashboard-changes-requested", True),
    ("dashboard-training", True),
    ("training-webinar", True),
    ("training-quiz", True),
    ("training-quiz-attempt", True),
    ("training-quiz-result", True),
    ("dashboard-live", True),
    ("credentialing-confirm-details", True),
    ("credentialing-file", True),
    ("insurance-and-directories", True),
    ("unenroll-confirm", True),
    ("clients", True),
    ("clients-archived", True),
    ("client-edit", True),
    ("client-add", True),
    ("client-add-with-errors", True),
    ("payouts", True),
    ("payouts-change", True),
    ("payouts-change-with-errors", True),
    ("help-requests", True),
    ("help-request-new", True),
    ("help-request-detail", True),
    ("support-center", True),
    ("support-article", True),
    ("directory-profile-editor", True),
    ("directory-profile-preview", True),
    ("password-change", True),
    ("no-staff-access", True),
    ("sign-out", True),
    # Staff, in the admin.
    ("admin-index", False),
    ("admin-provider-list", False),
    ("admin-provider-change", False),
    ("admin-review-queue", False),
    ("admin-general-onboarding-review", False),
    ("admin-insurance-form-review", False),
    ("admin-approve-confirm", False),
    ("admin-request-changes-with-errors", False),
    ("admin-payer-applications", False),
    ("admin-membership-agreements", False),
    ("admin-record-agreement", False),
    ("admin-record-agreement-with-errors", False),
    ("admin-sla-board", False),
    ("admin-credentialing-file", False),
    ("admin-record-verification-with-errors", False),
    ("admin-record-decision-with-errors", False),
    ("admin-exclusion-cases", False),
    ("admin-exclusion-case", False),
    ("admin-exclusion-clear-with-errors", False),
    ("admin-credentialing-file-export", False),
]
PAGES = [name for name, _ in STOPS]
PHONE_PAGES = [name for name, phone in STOPS if phone]
SENT_BACK_REASON = "Your liability certificate is for a policy that ended in 2024."
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@dataclasses.dataclass
class Checked:
    url: str = ""
    status: int | None = None
    violations: list[dict] = dataclasses.field(default_factory=list)
    overflow: int | None = None  # CSS pixels wider than a 390 px screen; None: not measured
    error: str = ""  # the page could not be reached or acted on


class Tour:
    """One page, moved from stop to stop; each stop is checked once the block has brought the
    page there."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.checked: dict[str, Checked] = {}
        self._status: int | None = None

    def goto(self, path: str) -> None:
        response = self.page.goto(f"{self.base_url}{path}")
        self._status = response.status if response else None

    def submit(self, button: str | re.Pattern[str]) -> None:
        """A failed submit with the server's errors shown: the browser's own required-field check
        steps aside (as it does in a browser without one), so every empty field gets its error."""
        self.page.eval_on_selector_all("form", "forms => forms.forEach((f) => { f.noValidate = true; })")
        with self.page.expect_navigation() as navigation:
            self.page.get_by_role("button", name=button, exact=True).first.click()
        response = navigation.value
        self._status = response.status if response else None
        # The errors are on the page, as a person who pressed the button would see them.
        errors = "[aria-invalid=true], .errorlist, .invalid-feedback, [role=alert]"
        expect(self.page.locator(errors).first).to_be_visible()

    def sign_in_as(self, user: User | None) -> None:
        context = self.page.context
        context.clear_cookies()
        if user is not None:
            session = signed_in_client(user).cookies["sessionid"].value
            context.add_cookies([{"name": "sessionid", "value": session, "url": self.base_url}])

    @contextmanager
    def stop(self, name: str) -> Iterator[Page]:
        assert name in PAGES, f"{name} is not in STOPS"
        self._status = None
        checked = self.checked[name] = Checked()
        try:
            yield self.page
            self.page.wait_for_load_state("load")
            checked.url, checked.status = self.page.url, self._status
            checked.violations = axe_violations(self.page)
            if name in PHONE_PAGES:
                self.page.set_viewport_size(PHONE_390)
                checked.overflow = page_width_overflow(self.page)
                # The phone layout has parts of its own: axe again, adding the rules broken there only.
                seen = {found["id"] for found in checked.violations}
                checked.violations += [
                    {**found, "help": f"{found['help']} [at 390 px]"}
                    for found in axe_violations(self.page)
                    if found["id"] not in seen
                ]
                self.page.set_viewport_size(DESKTOP)
        except Exception as error:  # noqa: BLE001 - recorded against this stop; the tour goes on
            checked.url = self.page.url
            checked.error = f"{type(error).__name__}: {error}".splitlines()[0]
            self.page.set_viewport_size(DESKTOP)


def _seed_reference_rows() -> None:
    # The data migrations' rows: transactional tests before this module may have emptied them.
    importlib.import_module("support.migrations.0002_seed_articles").seed(apps, None)
    importlib.import_module("training.migrations.0003_seed_webinar_and_quiz").seed(apps, None)


def _answer_the_quiz_right(page: Page) -> None:
    for question in Question.objects.active().prefetch_related("choices"):
        group = page.get_by_role("group", name=re.compile(re.escape(question.text)))
        for choice in question.choices.all():
            if choice.is_correct:
                group.get_by_label(choice.text, exact=True).check()


def _tour(tour: Tour) -> None:
    _seed_reference_rows()
    cache.clear()  # rate limits counted by earlier tests
    superuser = User.objects.create_superuser(email="axe.staff@alma.test", password="Staff-Desk-2026!")
    payer = PayerFactory(name="Aetna Axe", slug="aetna-axe")
    other_payer = PayerFactory(name="Cigna Axe", slug="cigna-axe")

    new = ProviderFactory(legal_name="Avery New")  # step 0: the agreement is signed
    submitted = ProviderFactory(legal_name="Blake Submitted")
    submit_general_onboarding(submitted)  # step 1 done: the Insurance Form is next
    training = grant_portal_access(provider_at_forms_approved(legal_name="Casey Training"))
    TrainingProgress.objects.update_or_create(
        provider=training, defaults={"webinar_completed_at": timezone.now() - timedelta(hours=1)}
    )
    awaiting_password = provider_at_forms_approved(legal_name="Drew Password")
    sent_back = ProviderFactory(legal_name="Frankie Changes")  # staff asked for changes
    submit_general_onboarding(sent_back)
    submit_insurance_form(sent_back)
    form_request_changes(
        provider=sent_back,
        form=ReviewedForm.INSURANCE_FORM,
        reviewer=superuser,
        reason=SENT_BACK_REASON,
    )
    in_review = ProviderFactory(legal_name="Emery Review")  # both forms in, waiting for staff
    submit_general_onboarding(in_review)
    submit_insurance_form(in_review)
    # A namesake born the same day on the LEIE: a possible match in the staff queue.
    with tempfile.TemporaryDirectory() as folder:
        import_leie(Path(folder), [leie_row(LASTNAME="REVIEW", FIRSTNAME="EMERY", DOB="19840314", STATE="")])
    exclusions_run(provider=in_review, trigger="axe tour")
    case = ExclusionCase.objects.get(provider=in_review)
    live = make_live_provider(legal_name="Jordan Rivera", email="jordan.rivera@example.com", payer=payer)
    grant_portal_access(live)
    # Credentialed 36 months less 60 days ago: recredentialing is open (the dashboard card, the
    # Confirm your credentialing details page with its button).
    decide(live, decided_on=timezone.localdate() - relativedelta(months=36) + timedelta(days=60))
    make_application(
        provider=live,
        payer=other_payer,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=3),
    )
    client = add_client(live, n=1)
    practice_services.client_archive(client=add_client(live, n=2), actor=live.user)
    set_payout_account(live)
    ticket = open_ticket(live)
    profile = DirectoryProfile.objects.get(provider=live)
    # A link made longer ago than links live.
    made = timezone.now() - timedelta(days=settings.FORM_LINK_MAX_AGE_DAYS, hours=1)
    with time_machine.travel(made, tick=False):
        expired_link = links.form_path(new, links.GENERAL_ONBOARDING)
    article_link = reverse("support:article", args=["insurance-form"])

    # --- signed out ------------------------------------------------------------------------
    tour.sign_in_as(None)
    with tour.stop("home"):
        tour.goto("/")
    with tour.stop("sign-in"):
        tour.goto(reverse("account_login"))
    with tour.stop("sign-in-with-errors") as page:
        page.locator("input[name=login]").fill("jordan.rivera@example.com")
        page.locator("input[name=password]").fill("not-the-password")
        tour.submit(re.compile(r"^Sign in$", re.IGNORECASE))
    with tour.stop("directory-search"):
        tour.goto(reverse("directory:search"))
    with tour.stop("directory-search-results"):
        tour.goto(f"{reverse('directory:search')}?q=Rivera")
    with tour.stop("directory-profile"):
        tour.goto(profile.get_absolute_url())
    with tour.stop("directory-contact-with-errors"):
        tour.submit("Send message")
    with tour.stop("directory-contact-sent") as page:
        page.get_by_label("Your name").fill("Sam Lee")
        page.get_by_label("Your email address").fill("sam.lee@example.com")
        page.get_by_label("Your message").fill(
            "Hello, do you have openings on weekday evenings for a new client?"
        )
        page.get_by_role("button", name="Send message").click()
        expect(page).to_have_url(re.compile(r"/contact/sent/"))
    with tour.stop("link-error"):
        tour.goto(f"/onboarding/{new.public_id}/general-onboarding/not-a-real-token/")
    with tour.stop("link-expired"):
        tour.goto(expired_link)
    with tour.stop("fresh-link-sent") as page:
        page.get_by_role("button", name="Email me a fresh link").click()
        expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    with tour.stop("link-request"):
        tour.goto(reverse("portal:link_request"))
    with tour.stop("link-request-with-errors"):
        tour.submit("Email me my onboarding link again")
    with tour.stop("link-request-sent") as page:
        page.get_by_label("Email address").fill(new.user.email)
        page.get_by_role("button", name="Email me my onboarding link again").click()
        expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    with tour.stop("not-found"):
        tour.goto("/no-such-page/")
    with tour.stop("password-reset"):
        tour.goto(reverse("account_reset_password"))
    with tour.stop("password-set") as page:
        # allauth moves the key out of the address by a redirect, as in the emailed link.
        tour.goto(path_of(links.set_password_url(awaiting_password)))
        expect(page.locator("input[name=password1]")).to_be_visible()
    with tour.stop("password-set-with-errors") as page:
        page.locator("input[name=password1]").fill("password123")
        page.locator("input[name=password2]").fill("password123")
        tour.submit("Set password and sign in")
    with tour.stop("general-onboarding-form"):
        tour.goto(links.form_path(new, links.GENERAL_ONBOARDING))
    with tour.stop("general-onboarding-form-with-errors"):
        tour.submit("Submit form")
    with tour.stop("insurance-form") as page:
        tour.goto(links.form_path(submitted, insurance_links.INSURANCE_FORM))
        expect(page.get_by_role("heading", name="About you (optional)")).to_be_visible()
    with tour.stop("insurance-form-with-errors") as page:
        # "Prefer not to say" with another race: that error is checked with the others.
        race = page.get_by_role("group", name="Race")
        race.get_by_label("Asian").check()
        race.get_by_label("Prefer not to say").check()
        tour.submit("Submit form")
        expect(page.locator("#id_about-race_error")).to_be_visible()
    with tour.stop("insurance-form-npi-prefilled") as page:
        # The NPI registry's answer (the fixtures backend): three licence rows and what it says.
        page.get_by_label("NPI (Type 1, individual)").fill("1300000001")
        page.get_by_role("button", name="Fill in from the NPI registry").click()
        expect(page.get_by_test_id("npi-prefill-found")).to_be_visible()

    with tour.stop("insurance-form-changes-requested") as page:
        tour.goto(links.form_path(sent_back, insurance_links.INSURANCE_FORM))
        expect(page.get_by_text(SENT_BACK_REASON).first).to_be_visible()

    # --- providers, signed in ----------------------------------------------------------------
    tour.sign_in_as(new.user)
    with tour.stop("dashboard-step-1"):
        tour.goto(reverse("portal:dashboard"))
    tour.sign_in_as(submitted.user)
    with tour.stop("dashboard-step-2"):
        tour.goto(reverse("portal:dashboard"))
    tour.sign_in_as(sent_back.user)
    with tour.stop("dashboard-changes-requested") as page:
        tour.goto(reverse("portal:dashboard"))
        expect(page.get_by_text(SENT_BACK_REASON).first).to_be_visible()
    tour.sign_in_as(training.user)
    with tour.stop("dashboard-training"):
        tour.goto(reverse("portal:dashboard"))
    with tour.stop("training-webinar"):
        tour.goto(reverse("training:webinar"))
    with tour.stop("training-quiz"):
        tour.goto(reverse("training:quiz"))
    with tour.stop("training-quiz-attempt") as page:
        page.get_by_role("button", name="Start the quiz").click()
        expect(page.get_by_role("button", name="Submit answers")).to_be_visible()
    with tour.stop("training-quiz-result") as page:
        _answer_the_quiz_right(page)
        page.get_by_role("button", name="Submit answers").click()
        expect(page.get_by_test_id("quiz-result")).to_contain_text("You passed")

    tour.sign_in_as(live.user)
    with tour.stop("dashboard-live"):
        tour.goto(reverse("portal:dashboard"))
    with tour.stop("credentialing-confirm-details") as page:
        tour.goto(reverse("verification:confirm_details"))
        expect(page.get_by_role("button", name="These are still right")).to_be_visible()
    with tour.stop("credentialing-file") as page:
        tour.goto(reverse("verification:my_file"))
        expect(page.get_by_role("heading", name="What we verify")).to_be_visible()
    with tour.stop("insurance-and-directories"):
        tour.goto(reverse("insurance:overview"))
    with tour.stop("unenroll-confirm") as page:
        tour.goto(reverse("insurance:unenroll", args=[payer.slug]))
        expect(page.get_by_role("heading", level=1)).to_contain_text(payer.name)
    with tour.stop("clients"):
        tour.goto(reverse("practice:clients"))
    with tour.stop("clients-archived"):
        tour.goto(f"{reverse('practice:clients')}?archived=1")
    with tour.stop("client-edit"):
        tour.goto(reverse("practice:client_edit", args=[client.pk]))
    with tour.stop("client-add"):
        tour.goto(reverse("practice:client_add"))
    with tour.stop("client-add-with-errors"):
        tour.submit("Add client")
    with tour.stop("payouts"):
        tour.goto(reverse("practice:payouts"))
    with tour.stop("payouts-change"):
        tour.goto(reverse("practice:payouts_change"))
    with tour.stop("payouts-change-with-errors"):
        tour.submit("Save payouts account")
    with tour.stop("help-requests"):
        tour.goto(reverse("helpdesk:list"))
    with tour.stop("help-request-new"):
        tour.goto(reverse("helpdesk:new"))
    with tour.stop("help-request-detail"):
        tour.goto(reverse("helpdesk:detail", args=[ticket.pk]))
    with tour.stop("support-center"):
        tour.goto(reverse("support:index"))
    with tour.stop("support-article"):
        tour.goto(article_link)
    with tour.stop("directory-profile-editor"):
        tour.goto(reverse("directory:my_profile"))
    with tour.stop("directory-profile-preview"):
        tour.goto(reverse("directory:my_profile_preview"))
    with tour.stop("password-change"):
        tour.goto(reverse("account_change_password"))
    with tour.stop("no-staff-access"):
        tour.goto(reverse("admin:index"))  # a provider at the admin's door: refused, 403
    with tour.stop("sign-out"):
        tour.goto(reverse("account_logout"))

    # --- staff -------------------------------------------------------------------------------
    tour.sign_in_as(superuser)
    with tour.stop("admin-index"):
        tour.goto(reverse("admin:index"))
    with tour.stop("admin-provider-list"):
        tour.goto(reverse("admin:onboarding_provider_changelist"))
    with tour.stop("admin-provider-change"):
        tour.goto(reverse("admin:onboarding_provider_change", args=[live.pk]))
    with tour.stop("admin-review-queue"):
        tour.goto(reverse("admin:onboarding_reviewqueue_changelist"))
    with tour.stop("admin-general-onboarding-review"):
        form = submitted.general_onboarding
        tour.goto(reverse("admin:onboarding_generalonboarding_change", args=[form.pk]))
    with tour.stop("admin-insurance-form-review"):
        tour.goto(reverse("admin:credentialing_insuranceform_change", args=[in_review.insurance_form.pk]))
    review_kwargs = {"provider_id": in_review.pk, "form": ReviewedForm.GENERAL_ONBOARDING}
    with tour.stop("admin-approve-confirm"):
        tour.goto(reverse("admin:onboarding_reviewqueue_approve", kwargs=review_kwargs))
    with tour.stop("admin-request-changes-with-errors"):
        tour.goto(reverse("admin:onboarding_reviewqueue_request_changes", kwargs=review_kwargs))
        tour.submit("Request changes and email the provider")
    with tour.stop("admin-payer-applications"):
        tour.goto(reverse("admin:credentialing_payerapplication_changelist"))
    with tour.stop("admin-membership-agreements"):
        tour.goto(reverse("admin:onboarding_membershipagreement_changelist"))
    with tour.stop("admin-record-agreement"):
        tour.goto(reverse("admin:onboarding_membershipagreement_record"))
    with tour.stop("admin-record-agreement-with-errors"):
        tour.submit("Record agreement")
    with tour.stop("admin-sla-board"):
        tour.goto(reverse("admin:sla"))
    with tour.stop("admin-credentialing-file"):
        tour.goto(reverse("admin:verification_file", args=[in_review.public_id]))
    with tour.stop("admin-record-verification-with-errors") as page:
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile(r"^Record verification of NY LCSW")).click()
        tour.submit("Record the verification")  # no evidence attached: its error, beside the field
    with tour.stop("admin-record-decision-with-errors"):
        tour.goto(reverse("admin:verification_decision_record", args=[in_review.public_id]))
        tour.submit("Record the decision and email the provider")  # nothing filled in: each error
    with tour.stop("admin-exclusion-cases"):
        tour.goto(reverse("admin:exclusions_exclusioncase_changelist"))
    with tour.stop("admin-exclusion-case"):
        tour.goto(reverse("admin:exclusions_exclusioncase_change", args=[case.pk]))
    with tour.stop("admin-exclusion-clear-with-errors"):
        tour.goto(reverse("admin:exclusions_exclusioncase_decide", args=[case.pk, "clear"]))
        tour.submit("Clear this match")  # no reason: its error, beside the field
    with tour.stop("admin-credentialing-file-export"):
        tour.goto(reverse("admin:verification_credentialing_file_export", args=[in_review.public_id]))


# The tour commits its rows (the server reads them from its own connection), so the module runs
# among the transactional tests, which expect a database emptied by flushes, and it empties the
# database itself at the end. pytest-django flushes after every test here too, hence one test per
# page for both checks rather than two.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def checked(django_db_setup, live_server, browser, django_db_blocker) -> Iterator[dict[str, Checked]]:
    """Every stop of the tour, checked. The rows are committed for the live server to read, so
    the module clears the database itself when it is done."""
    # The site's Content-Security-Policy (script-src 'self') would block the injected axe script;
    # bypass_csp lifts it for this context only, and axe reads the page as served.
    # Reduced motion: Bootstrap then has no colour transitions, so axe never measures a button
    # half-way from its resting to its hover colours (the pointer rests on the last button clicked,
    # and the phone-width re-layout moves what is under it).
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True, reduced_motion="reduce")
    context.set_default_timeout(10_000)
    tour = Tour(context.new_page(), live_server.url)
    try:
        try:
            with django_db_blocker.unblock():
                _tour(tour)
        finally:
            context.close()
        # Every finding, moderate and minor ones dropped, for a reviewer (test-artifacts/ is not
        # committed).
        ARTIFACTS.mkdir(exist_ok=True)
        report = {name: dataclasses.asdict(result) for name, result in tour.checked.items()}
        (ARTIFACTS / "axe-report.json").write_text(json.dumps(report, indent=1))
        yield tour.checked
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_or_critical_axe_violations_and_no_sideways_scrolling_at_390px(checked, name):
    assert name in checked, f"the tour stopped before {name}"
    result = checked[name]
    assert not result.error, f"{name} ({result.url}) could not be checked: {result.error}"
    assert result.status is None or result.status < 500, f"{name} answered {result.status} ({result.url})"
    problems = []
    if result.violations:
        problems.append(f"axe-core found serious or critical violations:\n{describe(result.violations)}")
    if name in PHONE_PAGES and result.overflow != 0:
        problems.append(f"the page is {result.overflow}px wider than a 390px screen")
    assert not problems, f"{name} ({result.url}):\n" + "\n".join(problems)
