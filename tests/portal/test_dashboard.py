"""The Onboarding Dashboard: stages and action items from real state, what comes next and when,
the directory go-live date with its reason, each payer's status, the timeline, and the
navigation that moves it to Explore > Alma Basics once onboarding is complete."""

import datetime as dt
import itertools
import re
from html import unescape

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from credentialing.models import ApplicationStatus, Payer, PayerApplication, PayerApplicationEvent
from onboarding import services
from onboarding.models import (
    FormReview,
    OnboardingEvent,
    OnboardingStep,
    OutboxEmail,
    Provider,
    ReviewedForm,
)
from onboarding.services.steps import step_advance
from portal import services as portal_services
from practice import services as practice
from support.action_items import ActionItem
from support.models import Article
from support.selectors import articles_changed
from tests.credentialing_factories import PayerFactory, make_application
from tests.factories import (
    ProviderFactory,
    general_onboarding_answers,
    insurance_form_rows,
    insurance_form_values,
    submit_general_onboarding,
    submit_insurance_form,
)
from tests.helpers import NEW_YORK, attribute_of, element, elements, text_at, text_of
from training import emails as training_emails
from training import services as training

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("support_articles")]

PAGE = "/portal/onboarding/"
S = ApplicationStatus


# --- reading the page as a provider does ------------------------------------------------------


def page_html(client) -> str:
    response = client.get(PAGE)
    assert response.status_code == 200
    return response.text


def section(html: str, section_id: str) -> str:
    return text_at(html, f"section#{section_id}")


def item(html: str, key: str) -> tuple[bool, str]:
    """(done?, text) of one action item."""
    found = element(html, f"li#item-{key}")
    return attribute_of(found, "data-done") == "true", text_of(found)


def nav(html: str) -> str:
    return text_at(html, "nav#site-nav")


def at(year, month, day, hour=9, minute=0) -> dt.datetime:
    """A moment on the company's clock, at 9:00 unless told otherwise."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def approve_both_forms(provider, staff, now=None):
    submit_general_onboarding(provider)
    submit_insurance_form(provider)
    for form in (ReviewedForm.GENERAL_ONBOARDING, ReviewedForm.INSURANCE_FORM):
        portal_services.form_approve(provider=provider, form=form, reviewer=staff, now=now)
    provider.refresh_from_db()


def advance(provider, *steps):
    """Record later steps with the step service, as portal access and completion do."""
    for step in steps:
        with transaction.atomic():
            locked = Provider.objects.select_for_update().get(pk=provider.pk)
            step_advance(provider=locked, to_step=step, actor=None, now=timezone.now())
    provider.refresh_from_db()


def finish_training(provider, webinar_at, quiz_at):
    training.webinar_mark_watched(provider=provider, now=webinar_at)
    training.quiz_mark_passed(provider=provider, now=quiz_at)


# --- who sees what -------------------------------------------------------------------------------


def test_the_dashboard_lives_at_a_stable_address():
    assert reverse("portal:dashboard") == PAGE


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=/portal/onboarding/" in response["Location"]


def test_staff_and_accounts_without_a_provider_get_404(client, staff):
    client.force_login(staff)
    assert client.get(PAGE).status_code == 404
    nobody = User.objects.create_user(email="nobody@example.com", password="x" * 16)
    client.force_login(nobody)
    assert client.get(PAGE).status_code == 404


def test_signing_in_lands_a_provider_on_their_dashboard(signed_in):
    response = signed_in.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == PAGE


def test_a_provider_sees_only_their_own_dashboard(signed_in, provider):
    other = ProviderFactory(legal_name="Someone Else")
    submit_general_onboarding(other)
    make_application(provider=other, payer=PayerFactory(name="Northwind Health"), status=S.APPROVED)
    html = page_html(signed_in)
    text = text_of(html)
    assert f"Welcome, {provider.legal_name}" in text
    assert "Someone Else" not in text
    assert "Northwind Health" not in text
    assert not item(html, "general_onboarding")[0]
    assert "You haven't requested credentialing with a payer yet." in section(html, "credentialing")


# --- action items from real state ---------------------------------------------------------------


def test_a_new_provider_starts_with_the_general_onboarding_form(signed_in, provider):
    html = page_html(signed_in)
    text = text_of(html)
    stages = [text_of(heading) for heading in elements(html, "h2[id^=stage-]")]
    assert stages == [
        "Stage 1 Account Created",
        "Stage 2 Getting Started",
        "Stage 3 Understanding Insurance",
        "Stage 4 Expanding Your Caseload",
    ]
    assert "1 of 11 action items done." in text

    done, agreement = item(html, "membership_agreement")
    assert done
    assert f"Signed · {timezone.localdate():%b}" in agreement

    done, general = item(html, "general_onboarding")
    assert not done
    assert "Complete the General Onboarding form To do Not started Open the form" in general
    assert "Completing the General Onboarding form" in general  # its Support Center article

    done, insurance = item(html, "insurance_form")
    assert not done
    assert "Waiting" in insurance
    assert "Opens once you submit the General Onboarding form" in insurance

    # "Next up" opens the provider's own form, without the emailed link.
    link = re.search(r'id="next-up" href="([^"]+)">Next up: Complete the General Onboarding form<', html)
    assert link
    form_page = signed_in.get(unescape(link.group(1)))
    assert form_page.status_code == 200
    assert "General Onboarding" in text_of(form_page.text)

    assert "We email you: the General Onboarding form" in section(html, "upcoming")
    assert "Membership agreement recorded: your Alma account was created" in section(html, "timeline")


def test_the_insurance_form_shows_as_done_after_submission_with_the_review_due_date(signed_in, provider):
    friday_morning, friday_evening = at(2026, 11, 20, 10), at(2026, 11, 20, 17)
    services.general_onboarding_submit(
        provider=provider,
        values=general_onboarding_answers(offers_telehealth=True),
        actor=provider.user,
        now=friday_morning,
    )
    from credentialing.services.insurance_form import insurance_form_submit  # noqa: PLC0415

    insurance_form_submit(
        provider=provider,
        values=insurance_form_values(),
        caqh_password="caqh-S3cret!",
        actor=provider.user,
        now=friday_evening,
        **insurance_form_rows(),
    )
    with time_machine.travel(at(2026, 11, 21, 12), tick=False):
        html = page_html(signed_in)

    done, insurance = item(html, "insurance_form")
    assert done
    assert "Complete the Insurance Form Done Submitted, in review · Nov 20, 2026" in insurance
    assert "Open the form" not in insurance
    done, review = item(html, "staff_review")
    assert not done
    assert "In review: the General Onboarding form and the Insurance Form" in review

    upcoming = section(html, "upcoming")
    # One business day: Friday 5 PM + 24 business hours = Monday 5 PM.
    assert "Our team reviews your Insurance Form By Nov 23, 2026, 5:00 PM" in upcoming
    assert "Our team reviews your General Onboarding form By Nov 23, 2026, 10:00 AM" in upcoming
    timeline = section(html, "timeline")
    assert timeline.index("You submitted the Insurance Form") < timeline.index(
        "You submitted the General Onboarding form"
    )


def test_a_late_review_is_flagged(signed_in, provider):
    services.general_onboarding_submit(
        provider=provider,
        values=general_onboarding_answers(offers_telehealth=True),
        actor=provider.user,
        now=at(2026, 11, 20, 10),
    )
    with time_machine.travel(at(2026, 11, 24, 9), tick=False):
        upcoming = section(page_html(signed_in), "upcoming")
    assert "Our team reviews your General Onboarding form Was due Nov 23, 2026, 10:00 AM" in upcoming
    assert "later than expected, we're following up" in upcoming


def test_changes_requested_shows_the_reason_and_the_way_back_to_the_form(signed_in, provider, staff):
    submit_general_onboarding(provider)
    submit_insurance_form(provider)
    portal_services.form_request_changes(
        provider=provider,
        form=ReviewedForm.INSURANCE_FORM,
        reviewer=staff,
        reason="Your liability certificate is for a policy that ended in 2024.",
    )
    html = page_html(signed_in)
    done, insurance = item(html, "insurance_form")
    assert not done
    assert "Changes requested" in insurance
    assert "Our team asked: Your liability certificate is for a policy that ended in 2024." in insurance
    assert "Make the changes" in insurance
    _, review = item(html, "staff_review")
    assert "Changes requested on the Insurance Form" in review
    assert "Our team asked for changes to your Insurance Form" in section(html, "timeline")


def test_approved_forms_open_the_password_step_and_the_step_completes_it(signed_in, provider, staff):
    approve_both_forms(provider, staff)
    html = page_html(signed_in)
    done, review = item(html, "staff_review")
    assert done
    assert "Both approved" in review
    assert "Our team approved your Insurance Form" in section(html, "timeline")
    done, password = item(html, "set_password")
    assert not done
    assert "Set your password" in password
    assert f'href="{reverse("account_set_password")}"' in html

    advance(provider, OnboardingStep.PORTAL_ACCESS_GRANTED)
    html = page_html(signed_in)
    done, password = item(html, "set_password")
    assert done
    assert f"Done · {timezone.localdate():%b}" in password
    assert "You set your password and joined the portal" in section(html, "timeline")


def test_the_directory_profile_lists_what_is_missing(signed_in, provider):
    services.general_onboarding_submit(
        provider=provider,
        values=general_onboarding_answers(offers_telehealth=True, bio="I help adults with anxiety. " * 5),
        actor=provider.user,
    )
    done, profile = item(page_html(signed_in), "directory_profile")
    assert not done
    assert "Missing: photo" in profile
    assert "Your directory profile and when it goes live" in profile  # the article


def test_payer_approval_gives_the_effective_start_date_and_insurance_clients_date(signed_in, provider):
    start = timezone.localdate() + dt.timedelta(days=20)
    make_application(
        provider=provider,
        payer=PayerFactory(name="Evergreen Health"),
        status=S.APPROVED,
        effective_date=start,
    )
    html = page_html(signed_in)
    done, approval = item(html, "payer_approval")
    assert done
    assert f"1 payer approved · effective start date {start:%b} {start.day}, {start.year}" in approval
    _, clients = item(html, "add_client")
    assert (
        f"Cash-pay clients any time; insurance clients from {start:%b} {start.day}, {start.year}." in clients
    )
    assert f"Your effective start date: insurance clients from this day By {start:%b} {start.day}" in section(
        html, "upcoming"
    )


def test_training_items_are_done_once_the_webinar_is_watched_and_the_quiz_passed(signed_in, provider):
    html = page_html(signed_in)
    assert not item(html, "webinar")[0]
    _, quiz = item(html, "quiz")
    assert "We suggest watching the webinar first." in quiz

    finish_training(provider, at(2026, 11, 2, 10), at(2026, 11, 3, 11))
    html = page_html(signed_in)
    done, webinar = item(html, "webinar")
    assert done
    assert "Watched · Nov 2, 2026" in webinar
    done, quiz = item(html, "quiz")
    assert done
    assert "Passed · Nov 3, 2026" in quiz
    timeline = section(html, "timeline")
    assert "You passed the Insurance Program quiz" in timeline
    assert "You watched the Insurance Program Training Webinar" in timeline


def test_payouts_and_clients_are_done_once_the_rows_exist(signed_in, provider):
    html = page_html(signed_in)
    assert not item(html, "payouts")[0]
    assert not item(html, "add_client")[0]
    practice.payout_account_set(
        provider=provider,
        holder_name="Jordan Rivera",
        account_type="checking",
        routing_number="011000015",
        account_number="000123456789",
        actor=provider.user,
    )
    practice.client_add(
        provider=provider,
        first_name="Sam",
        last_name="Lee",
        email="sam@example.com",
        payment_method="cash_pay",
        actor=provider.user,
    )
    html = page_html(signed_in)
    done, payouts = item(html, "payouts")
    assert done
    assert "Set up · account ending in 6789" in payouts
    assert item(html, "add_client")[0]


def test_calls_to_action_open_the_pages_of_the_other_apps(signed_in):
    html = page_html(signed_in)
    for name, label in (
        ("training:webinar", "Watch the webinar"),
        ("training:quiz", "Take the quiz"),
        ("practice:payouts", "Set up payouts"),
        ("practice:client_add", "Add a client"),
        ("directory:my_profile", "How your profile works"),
    ):
        assert f'href="{reverse(name)}">{label}<' in html, name


# --- go-live -------------------------------------------------------------------------------------


def test_go_live_waits_for_a_payer_and_the_training_and_says_so(signed_in):
    go_live = section(page_html(signed_in), "go-live")
    assert "Not set yet" in go_live
    assert "No insurance payer has approved you yet" in go_live
    assert "The Insurance Program Training Webinar and quiz are not done yet" in go_live


def test_go_live_after_approval_waits_for_the_webinar(signed_in, provider):
    effective = provider.contracted_start_date + dt.timedelta(days=10)
    make_application(provider=provider, payer=PayerFactory(), status=S.APPROVED, effective_date=effective)
    go_live = section(page_html(signed_in), "go-live")
    assert "Not set yet" in go_live
    assert (
        "Your profile goes live once you finish the Insurance Program Training Webinar and quiz: on "
        f"{effective:%b} {effective.day}, {effective.year}, or the day you finish them if that is later."
    ) in go_live
    assert "No insurance payer has approved you yet" not in go_live


def test_go_live_date_is_the_later_of_effective_and_contracted_dates_once_trained(signed_in, provider, staff):
    # The profile is built from the approved General Onboarding form (issue 6's go-live rule).
    submit_general_onboarding(provider)
    portal_services.form_approve(provider=provider, form=ReviewedForm.GENERAL_ONBOARDING, reviewer=staff)
    effective = provider.contracted_start_date + dt.timedelta(days=10)
    make_application(provider=provider, payer=PayerFactory(), status=S.APPROVED, effective_date=effective)
    now = timezone.now()
    finish_training(provider, now - dt.timedelta(hours=2), now - dt.timedelta(hours=1))
    html = page_html(signed_in)
    go_live = section(html, "go-live")
    contracted = provider.contracted_start_date
    assert f"{effective:%b} {effective.day}, {effective.year}" in go_live
    assert "Your profile is expected to go live on this date." in go_live
    assert (
        "Why this date: Your credentialing effective date, which is on or after your contracted start date "
        f"({contracted:%b} {contracted.day}, {contracted.year})."
    ) in go_live
    assert "Your directory profile goes live" in section(html, "upcoming")


# --- credentialing and timeline -------------------------------------------------------------------


def test_each_payer_shows_its_status_and_the_date_that_matters(signed_in, provider):
    submitted_at = timezone.now() - dt.timedelta(days=50)
    make_application(
        provider=provider,
        payer=PayerFactory(name="Bluebird Care", slug="bluebird"),
        status=S.SUBMITTED,
        submitted_at=submitted_at,
    )
    make_application(
        provider=provider,
        payer=PayerFactory(name="Evergreen Health", slug="evergreen"),
        status=S.APPROVED,
        effective_date=dt.date(2026, 1, 5),
    )
    make_application(
        provider=provider,
        payer=PayerFactory(name="Cedar Mutual", slug="cedar"),
        status=S.DENIED,
        reason="Panel closed",
    )
    html = page_html(signed_in)
    card = section(html, "credentialing")
    expected = timezone.localdate(submitted_at + dt.timedelta(days=45))
    assert "Effective start date Jan 5, 2026." in card
    assert "1 approved · 1 submitted to payer · 1 denied" in card
    # Approved first, then in progress, then ended.
    assert card.index("Evergreen Health") < card.index("Bluebird Care") < card.index("Cedar Mutual")
    assert "Evergreen Health Effective Jan 5, 2026 Approved" in card
    assert (
        f"Bluebird Care Decision expected by {expected:%b} {expected.day}, {expected.year} "
        "Who acts next: Bluebird Care "
        "Past the expected date: Alma's credentialing team is following up with Bluebird Care. "
        "Submitted to payer"
    ) in card
    assert "Cedar Mutual Denied" in card
    assert "Panel closed Who acts next: You" in card
    timeline = section(html, "timeline")
    assert "Evergreen Health approved you Effective Jan 5, 2026" in timeline
    assert "Cedar Mutual declined your application" in timeline


def test_sent_emails_appear_on_the_timeline(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        provider = ProviderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        submit_general_onboarding(provider)
    client.force_login(provider.user)
    timeline = section(page_html(client), "timeline")
    assert "We emailed you: the Insurance Form" in timeline
    assert "We emailed you: the General Onboarding form" in timeline


def test_staff_notices_stay_off_the_timeline_whatever_the_teams_address(client, settings):
    """Staff notices are left out by kind (the registry), not by the team's address: once the team
    moves to a new mailbox, the notices sent to the old one still stay off the provider's page."""
    provider = ProviderFactory()
    now = timezone.now()
    old_team = settings.CREDENTIALING_TEAM_EMAIL
    for n, (kind, sent) in enumerate(
        [
            ("exclusion_match_confirmed", now - dt.timedelta(hours=2)),
            ("recredentialing_reminder_staff", now - dt.timedelta(hours=1)),
            ("recredentialing_reminder_staff", None),
        ]
    ):
        OutboxEmail.objects.create(
            provider=provider,
            step=kind,
            key=f"staff-{n}",
            to_email=old_team,
            message_id=f"<staff-{n}@alma.test>",
            due_at=now + dt.timedelta(hours=1),
            sent_at=sent,
        )
    settings.CREDENTIALING_TEAM_EMAIL = "new-credentialing-team@alma.test"
    client.force_login(provider.user)
    html = page_html(client)
    assert "confirmed exclusion match" not in html
    assert "recredentialing reminder to our credentialing team" not in html


# --- navigation ------------------------------------------------------------------------------------


def test_onboarding_is_in_the_top_navigation_while_open(signed_in):
    for url in (PAGE, reverse("insurance:overview")):
        menu = nav(signed_in.get(url).text)
        assert "Onboarding" in menu
        assert "Insurance & Directories" in menu
        assert "Explore" not in menu


def test_once_complete_the_dashboard_moves_to_explore_alma_basics(signed_in, provider, staff):
    approve_both_forms(provider, staff)
    advance(provider, OnboardingStep.PORTAL_ACCESS_GRANTED, OnboardingStep.ONBOARDING_COMPLETE)
    html = page_html(signed_in)
    menu = nav(html)
    assert "Explore Alma Basics" in menu
    assert "Onboarding" not in menu
    assert "Insurance & Directories" in menu
    current = [(attribute_of(a, "href"), text_of(a)) for a in elements(html, "a[aria-current=page]")]
    assert ("/portal/onboarding/", "Alma Basics") in current
    header = text_at(html, "#dashboard-header")
    assert "Alma Basics" in header
    assert "Your onboarding is complete." in header
    # Other pages show the same menu.
    assert "Explore Alma Basics" in nav(signed_in.get(reverse("insurance:overview")).text)


def test_staff_see_no_provider_navigation(client, staff):
    client.force_login(staff)
    menu = nav(client.get(reverse("support:index")).text)
    assert "Onboarding" not in menu
    assert "Sign out" in menu


# --- cost -----------------------------------------------------------------------------------------


def add_history(provider, *, payers: int, events: int, articles: int) -> None:
    """Payers with the provider's application in every status in turn; timeline rows of every kind
    (step events, sent emails, staff reviews, payer decisions); Support Center articles."""
    now = timezone.now()
    first = Payer.objects.count()
    new_payers = Payer.objects.bulk_create(
        Payer(name=f"Dashboard Payer {n:04}", slug=f"dashboard-payer-{n}")
        for n in range(first, first + payers)
    )
    statuses = itertools.cycle([S.APPROVED, S.SUBMITTED, S.REQUESTED, S.DENIED, S.WITHDRAWN])
    applications = PayerApplication.objects.bulk_create(
        PayerApplication(
            provider=provider,
            payer=payer,
            status=status,
            submitted_at=now - dt.timedelta(days=10) if status != S.REQUESTED else None,
            decided_at=now if status in {S.APPROVED, S.DENIED} else None,
            effective_date=timezone.localdate() + dt.timedelta(days=5) if status == S.APPROVED else None,
            withdrawn_at=now if status == S.WITHDRAWN else None,
        )
        for payer, status in zip(new_payers, statuses, strict=False)
    )
    base = OutboxEmail.objects.filter(provider=provider).count() + FormReview.objects.count() + 100
    per_kind = events // 4
    OnboardingEvent.objects.bulk_create(
        OnboardingEvent(
            provider=provider,
            to_step=OnboardingStep.ACCOUNT_CREATED,
            note="again",
            occurred_at=now - dt.timedelta(minutes=n),
        )
        for n in range(events - 3 * per_kind)
    )
    OutboxEmail.objects.bulk_create(
        OutboxEmail(
            provider=provider,
            step=training_emails.WEBINAR,
            key=f"round-{base + n}",
            to_email=provider.email,
            message_id=f"<dash-{base + n}@alma.test>",
            due_at=now,
            sent_at=now - dt.timedelta(minutes=n),
        )
        for n in range(per_kind)
    )
    FormReview.objects.bulk_create(
        FormReview(
            provider=provider,
            form=ReviewedForm.INSURANCE_FORM,
            round=base + n,
            decision=FormReview.Decision.CHANGES_REQUESTED,
            reason="Please fix",
            decided_at=now - dt.timedelta(minutes=n),
        )
        for n in range(per_kind)
    )
    decided = [a for a in applications if a.status in {S.APPROVED, S.DENIED}]
    PayerApplicationEvent.objects.bulk_create(
        PayerApplicationEvent(
            application=application,
            from_status=S.SUBMITTED,
            to_status=application.status,
            occurred_at=now - dt.timedelta(minutes=n),
        )
        for n, application in zip(range(per_kind), itertools.cycle(decided), strict=False)
    )
    keys = itertools.cycle(ActionItem.values)
    first = Article.objects.count()
    Article.objects.bulk_create(
        Article(
            title=f"Help {n:04}",
            slug=f"dashboard-help-{n}",
            summary="s",
            body="b" * 2000,
            action_items=[next(keys), next(keys)],
            is_published=True,
        )
        for n in range(first, first + articles)
    )


def test_the_dashboard_costs_the_same_with_ten_times_the_data(signed_in, provider, django_assert_num_queries):
    Article.objects.all().delete()
    add_history(provider, payers=20, events=50, articles=30)
    articles_changed()  # bulk_create sends no signal (support.selectors)
    # session, user; provider (forms, training, payouts joined, the go-live inputs and the
    # Insurance Form's dated credentials among them; clients as EXISTS); applications (the
    # effective start date among them); step events, sent emails, reviews, payer decisions; next
    # email; articles; expiring licenses; the payers' decision history (credentialing.turnaround);
    # the credentialing committee's latest decisions (verification)
    with django_assert_num_queries(13):
        html = page_html(signed_in)
    assert len(elements(html, "li[data-timeline-entry]")) == 20
    assert "And 10 more payers." in section(html, "credentialing")
    # The articles and the payers' decision history are the same for every provider: once read,
    # they come from the cache (credentialing.turnaround, support.selectors).
    with django_assert_num_queries(11):
        assert item(page_html(signed_in), "payouts") == item(html, "payouts")

    add_history(provider, payers=180, events=450, articles=270)
    articles_changed()
    # The articles read afresh; the history did not change (no payer application event was
    # written: add_history's applications have none), so it still comes from the cache.
    with django_assert_num_queries(12):
        html = page_html(signed_in)
    with django_assert_num_queries(11):
        html = page_html(signed_in)
    assert len(elements(html, "li[data-timeline-entry]")) == 20
    assert "And 190 more payers." in section(html, "credentialing")
    assert "40 approved · 40 submitted to payer · 40 requested · 40 denied · 40 withdrawn" in section(
        html, "credentialing"
    )
    # Each item shows its best few articles and a way to the rest.
    _, payouts = item(html, "payouts")
    assert "More articles on this" in payouts


def test_credentials_to_renew_show_on_the_dashboard(signed_in, provider):
    import datetime as dt  # noqa: PLC0415

    from credentialing.models import StateLicense  # noqa: PLC0415
    from tests.factories import submit_insurance_form  # noqa: PLC0415

    if not hasattr(provider, "insurance_form"):
        from tests.factories import submit_general_onboarding  # noqa: PLC0415

        if provider.onboarding_step == "account_created":
            submit_general_onboarding(provider)
        submit_insurance_form(provider)
    StateLicense.objects.filter(insurance_form__provider=provider).update(
        expiry=timezone.localdate() + dt.timedelta(days=12)
    )
    html = page_html(signed_in)
    assert "Credentials to renew" in html
    assert "NY LCSW license R-081234" in html
    assert "in 12 days" in html
