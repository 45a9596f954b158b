"""Help tickets: the Help button, a provider's requests and their conversations, staff work in admin."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from credentialing import links as credentialing_links
from helpdesk import emails as helpdesk_emails
from helpdesk import services
from helpdesk.errors import InvalidTicketTransition, NotStaff
from helpdesk.forms import local_page
from helpdesk.models import Ticket, TicketCategory, TicketEvent, TicketStatus
from onboarding import links
from onboarding.models import OutboxEmail
from tests.factories import ProviderFactory
from tests.helpers import NEW_YORK, count_queries, png_upload, signed_in_client, staff_user, text_of
from tests.practice_factories import open_ticket

pytestmark = pytest.mark.django_db

S = TicketStatus
NEW_URL = reverse("helpdesk:new")
LIST_URL = reverse("helpdesk:list")
CHANGELIST = reverse("admin:helpdesk_ticket_changelist")


@pytest.fixture
def agent(db):
    return staff_user("agent@alma.test", "helpdesk.view_ticket", "helpdesk.change_ticket")


@pytest.fixture
def agent_client(agent):
    # A browser of its own: tests also use `client` for the provider.
    return signed_in_client(agent)


def history(ticket):
    return [(e.from_status, e.to_status) for e in ticket.events.filter(kind=TicketEvent.Kind.STATUS)]


# -- the Help button


def test_signed_in_providers_get_a_help_button_that_carries_the_page(signed_in):
    html = signed_in.get(reverse("insurance:overview")).text
    assert 'id="help-button"' in html
    assert f'href="{NEW_URL}?from=/insurance/"' in html

    form_page = signed_in.get(f"{NEW_URL}?from=/insurance/")
    assert "We'll include the page you were on: /insurance/" in text_of(form_page.text)
    assert 'id="help-button"' not in form_page.text  # the help pages have their own "Ask for help"
    # The page it came from suggests the topic.
    assert form_page.context["form"].initial["category"] == TicketCategory.CREDENTIALING


def test_staff_and_anonymous_visitors_have_no_help_button_but_a_form_link_page_offers_email(client, provider):
    assert 'id="help-button"' not in client.get(reverse("account_login")).text

    form_link = links.form_path(provider, links.GENERAL_ONBOARDING)
    html = client.get(form_link).text
    assert 'id="help-button"' not in html
    assert 'id="help-mailto"' in html
    assert "mailto:support@alma.test" in html

    client.force_login(staff_user("staff@alma.test"))
    assert 'id="help-button"' not in client.get(reverse("admin:index")).text


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("/insurance/", "/insurance/"),
        ("/insurance/?tab=programs#payer-aetna", "/insurance/"),
        ("https://evil.example/phish", ""),
        ("//evil.example/insurance/", ""),
        ("/\\evil.example", ""),
        ("javascript:alert(1)", ""),
        ("/no-such-page/", ""),
        ("", ""),
    ],
)
def test_only_a_local_portal_page_is_recorded(given, kept):
    assert local_page(given) == kept


def test_a_form_link_page_is_recorded_without_its_token(provider):
    path = links.form_path(provider, credentialing_links.INSURANCE_FORM)
    token = links.make_token(provider, credentialing_links.INSURANCE_FORM)
    recorded = local_page(path)
    assert token not in recorded
    assert recorded == f"/onboarding/{provider.public_id}/insurance-form/<token>/"


# -- opening a ticket


def test_a_provider_opens_a_ticket_with_an_attachment_and_gets_a_confirmation(
    signed_in, provider, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            NEW_URL,
            {
                "category": TicketCategory.CREDENTIALING,
                "subject": "When will Aetna decide?",
                "message": "I was submitted to Aetna a month ago.\nAny news?",
                "attachment": png_upload(),
                "page": "https://evil.example/not-ours",  # a tampered hidden field is dropped
            },
        )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("helpdesk:detail", args=[ticket.pk])
    assert ticket.provider == provider
    assert ticket.status == S.OPEN
    assert ticket.page == ""
    assert history(ticket) == [("", S.OPEN)]
    [message] = ticket.messages.all()
    assert message.attachment.name.endswith(".png")
    assert "screenshot" not in message.attachment.name  # the uploaded name is never used

    [email] = mailoutbox
    assert email.to == [provider.email]
    assert email.subject == f"We received your help request #{ticket.pk}: When will Aetna decide?"
    due = timezone.localtime(ticket.reply_due_at)
    assert f"will answer within one business day, by {due:%A}, {due:%b} {due.day}," in " ".join(
        email.body.split()
    )
    assert f"/help/{ticket.pk}/" in email.body
    row = OutboxEmail.objects.get(step=helpdesk_emails.HELP_TICKET_RECEIVED)
    assert row.key == f"ticket-{ticket.pk}"
    assert row.sent_at is not None

    page = text_of(signed_in.get(response["Location"]).text)
    assert f"Thanks, we received your request #{ticket.pk}." in page
    assert "Open · waiting for Alma" in page
    assert "I was submitted to Aetna a month ago. Any news?" in page
    assert "Download attachment" in page


def test_a_ticket_with_missing_answers_or_a_bad_file_is_refused_next_to_the_fields(signed_in, settings):
    fake_pdf = SimpleUploadedFile(
        "invoice.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf"
    )
    response = signed_in.post(NEW_URL, {"category": "", "subject": "", "message": "", "attachment": fake_pdf})
    errors = response.context["form"].errors
    assert errors["category"] == ["Choose the topic closest to your question."]
    assert errors["subject"] == ["Give your request a short subject."]
    assert errors["message"] == ["Tell us what you need help with."]
    assert errors["attachment"] == ["This file is not a PDF or PNG or JPEG file (checked by its content)."]

    settings.UPLOAD_MAX_BYTES = 100
    big = signed_in.post(
        NEW_URL, {"category": "other", "subject": "Hi", "message": "Big file", "attachment": png_upload()}
    )
    assert "the limit is 100\xa0bytes." in big.context["form"].errors["attachment"][0]
    assert not Ticket.objects.exists()


# -- the provider's pages


def test_my_help_requests_lists_only_my_tickets_with_their_status(signed_in, provider, agent):
    mine = open_ticket(provider, subject="Payout missing for March")
    answered = open_ticket(provider, subject="How do I add a client?")
    services.ticket_reply(ticket=answered, author=agent, message="From the Clients page.")
    other = open_ticket(ProviderFactory(), subject="Someone else's question")

    html = signed_in.get(LIST_URL).text
    text = text_of(html)
    assert "Payout missing for March" in text
    assert "How do I add a client?" in text
    assert "Someone else's question" not in text
    assert f'data-ticket="{other.pk}"' not in html
    assert text.index("How do I add a client?") < text.index("Payout missing for March")  # latest first
    assert "How do I add a client? Answered" in text
    assert "Payout missing for March Open · waiting for Alma" in text
    assert f"#{mine.pk} · Onboarding forms · 1 message" in text


def test_my_help_requests_costs_the_same_with_5_and_50_tickets(
    signed_in, provider, django_assert_num_queries
):
    for n in range(5):
        open_ticket(provider, subject=f"Question {n}")
    at_5 = count_queries(signed_in, LIST_URL)
    for n in range(45):
        open_ticket(provider, subject=f"More {n}")
    assert count_queries(signed_in, LIST_URL) == at_5
    # session, user, provider, tickets with their message counts
    with django_assert_num_queries(4):
        html = signed_in.get(LIST_URL).text
    assert html.count("data-ticket=") == 50


def test_the_whole_conversation_from_question_to_reopened(
    signed_in, provider, agent, agent_client, django_capture_on_commit_callbacks, mailoutbox
):
    ticket = open_ticket(provider, subject="Expired link")
    detail = reverse("helpdesk:detail", args=[ticket.pk])

    # Staff answer from the ticket's admin page; the provider gets the reply by email.
    with django_capture_on_commit_callbacks(execute=True):
        replied = agent_client.post(
            reverse("admin:helpdesk_ticket_reply", args=[ticket.pk]),
            {"message": "We've sent you a fresh link & it works for 30 days."},
        )
    assert replied.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == S.ANSWERED
    assert ticket.assignee == agent  # whoever answers first takes it
    assert ticket.reply_due_at is None
    [email] = mailoutbox
    assert email.to == [provider.email]
    assert email.subject == f"Alma answered your help request #{ticket.pk}: Expired link"
    assert "We've sent you a fresh link & it works for 30 days." in email.body
    assert "fresh link &amp; it works" in email.alternatives[0][0]

    page = text_of(signed_in.get(detail).text)
    assert "Alma Member Support" in page
    assert "We've sent you a fresh link & it works for 30 days." in page

    # Staff close it; a follow-up from the provider opens it again.
    agent_client.post(reverse("admin:helpdesk_ticket_close", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert ticket.status == S.CLOSED
    assert "This request was closed on" in text_of(signed_in.get(detail).text)

    followed = signed_in.post(detail, {"message": "The new link expired too."}, follow=True)
    assert "Your request is open again; we'll answer within one business day." in text_of(followed.text)
    ticket.refresh_from_db()
    assert ticket.status == S.OPEN
    assert ticket.reply_due_at is not None
    assert history(ticket) == [("", S.OPEN), (S.OPEN, S.ANSWERED), (S.ANSWERED, S.CLOSED), (S.CLOSED, S.OPEN)]
    assert [e.actor for e in ticket.events.filter(kind=TicketEvent.Kind.STATUS)] == [
        provider.user,
        agent,
        agent,
        provider.user,
    ]
    assert ticket.messages.count() == 3


def test_a_follow_up_on_an_open_ticket_keeps_the_original_answer_time(provider):
    opened_at = dt.datetime(2026, 11, 2, 9, 0, tzinfo=NEW_YORK)  # a Monday
    ticket = open_ticket(provider, now=opened_at)
    services.ticket_follow_up(
        ticket=ticket, message="Also: my NPI changed.", now=opened_at + dt.timedelta(hours=5)
    )
    ticket.refresh_from_db()
    assert ticket.reply_due_at == dt.datetime(2026, 11, 3, 9, 0, tzinfo=NEW_YORK)
    assert history(ticket) == [("", S.OPEN)]


def test_bad_moves_are_refused_with_the_reason(provider, agent):
    ticket = open_ticket(provider)
    services.ticket_close(ticket=ticket, actor=agent)
    with pytest.raises(InvalidTicketTransition, match="is closed; it cannot be answered"):
        services.ticket_reply(ticket=ticket, author=agent, message="Late answer")
    with pytest.raises(InvalidTicketTransition, match="is closed; it cannot be closed"):
        services.ticket_close(ticket=ticket, actor=agent)
    with pytest.raises(NotStaff):
        services.ticket_reply(ticket=ticket, author=provider.user, message="I answer myself")
    with pytest.raises(NotStaff):
        services.ticket_assign(ticket=ticket, assignee=provider.user, actor=agent)
    assert history(Ticket.objects.get()) == [("", S.OPEN), (S.OPEN, S.CLOSED)]


# -- staff in admin


def test_the_unanswered_filter_counts_business_days_across_thanksgiving(
    agent_client, provider, make_provider
):
    # Wednesday before Thanksgiving 10:00 + 1 business day = Friday 10:00 (PRODUCT.md).
    waiting = open_ticket(
        provider, subject="Asked before Thanksgiving", now=dt.datetime(2026, 11, 25, 10, 0, tzinfo=NEW_YORK)
    )
    answered = open_ticket(
        make_provider(), subject="Answered already", now=dt.datetime(2026, 11, 20, 10, 0, tzinfo=NEW_YORK)
    )
    services.ticket_reply(ticket=answered, author=User.objects.get(email="agent@alma.test"), message="Done")
    url = f"{CHANGELIST}?unanswered=overdue"

    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 59, tzinfo=NEW_YORK), tick=False):
        # 47 wall-clock hours later, but Thursday was a holiday: not overdue yet.
        assert "Asked before Thanksgiving" not in agent_client.get(url).text
    with time_machine.travel(dt.datetime(2026, 11, 27, 10, 1, tzinfo=NEW_YORK), tick=False):
        html = agent_client.get(url).text
    assert "Asked before Thanksgiving" in html
    assert "Answered already" not in html
    assert waiting.reply_due_at == dt.datetime(2026, 11, 27, 10, 0, tzinfo=NEW_YORK)


def test_staff_filter_by_status_category_and_assignee(agent_client, agent, provider):
    payouts = open_ticket(provider, subject="Payout question", category=TicketCategory.PAYOUTS)
    open_ticket(provider, subject="Form question")
    services.ticket_assign(ticket=payouts, assignee=agent, actor=agent)

    def subjects(query):
        return {t.subject for t in agent_client.get(f"{CHANGELIST}?{query}").context["cl"].result_list}

    assert subjects("category__exact=payouts") == {"Payout question"}
    assert subjects(f"assignee={agent.pk}") == {"Payout question"}
    assert subjects("assignee=me") == {"Payout question"}
    assert subjects("assignee=none") == {"Form question"}
    assert subjects("status__exact=open") == {"Payout question", "Form question"}
    assert subjects("status__exact=closed") == set()


def test_staff_assign_and_close_selected_tickets_through_an_intermediate_page(agent_client, agent, provider):
    first, second = open_ticket(provider, subject="One"), open_ticket(provider, subject="Two")
    colleague = staff_user("colleague@alma.test", "helpdesk.change_ticket")
    selected = {"_selected_action": [first.pk, second.pk]}

    mine = agent_client.post(CHANGELIST, {"action": "assign_to_me", **selected}, follow=True)
    assert "Assigned 2 tickets to you." in text_of(mine.text)
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {agent.pk}

    page = agent_client.post(CHANGELIST, {"action": "assign", **selected})
    assert page.status_code == 200
    assert "2 tickets selected." in text_of(page.text)
    done = agent_client.post(
        reverse("admin:helpdesk_ticket_bulk", args=["assign"]),
        {"assignee": colleague.pk, **selected},
        follow=True,
    )
    assert "Assigned 2 tickets." in text_of(done.text)
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {colleague.pk}
    assert [(e.assignee, e.previous_assignee, e.actor) for e in first.events.filter(kind="assignment")] == [
        (agent, None, agent),
        (colleague, agent, agent),
    ]

    services.ticket_close(ticket=second, actor=agent)
    closed = agent_client.post(
        reverse("admin:helpdesk_ticket_bulk", args=["close"]),
        {"note": "Resolved by phone", **selected},
        follow=True,
    )
    text = text_of(closed.text)
    assert "Closed 1 ticket." in text
    assert f"Left unchanged: Ticket #{second.pk} is closed; it cannot be closed." in text
    assert first.events.last().note == "Resolved by phone"


def test_the_ticket_page_shows_the_conversation_and_a_reply_form(agent_client, provider):
    ticket = open_ticket(
        provider, subject="Help with <script>", message="My <b>bold</b> question", attachment=png_upload()
    )
    html = agent_client.get(reverse("admin:helpdesk_ticket_change", args=[ticket.pk])).text
    assert "My &lt;b&gt;bold&lt;/b&gt; question" in html
    assert reverse("admin:helpdesk_ticket_reply", args=[ticket.pk]) in html
    assert reverse("helpdesk:attachment", args=[ticket.messages.get().pk]) in html
    assert "Send reply" in html


def test_staff_without_the_change_permission_can_read_but_not_act(client, provider):
    ticket = open_ticket(provider)
    client.force_login(staff_user("reader@alma.test", "helpdesk.view_ticket"))
    page = client.get(reverse("admin:helpdesk_ticket_change", args=[ticket.pk]))
    assert page.status_code == 200
    assert "Send reply" not in page.text
    for url in (
        reverse("admin:helpdesk_ticket_reply", args=[ticket.pk]),
        reverse("admin:helpdesk_ticket_close", args=[ticket.pk]),
        reverse("admin:helpdesk_ticket_take", args=[ticket.pk]),
        reverse("admin:helpdesk_ticket_bulk", args=["close"]),
    ):
        assert client.post(url, {"message": "x", "_selected_action": [ticket.pk]}).status_code == 403
    assert Ticket.objects.get().status == S.OPEN
    assert not ticket.messages.filter(from_staff=True).exists()


def test_the_admin_list_costs_the_same_at_5_and_50_tickets(
    agent_client, agent, make_provider, django_assert_num_queries
):
    def add(n):
        for _ in range(n):
            ticket = open_ticket(make_provider())
            services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)

    add(5)
    at_5 = count_queries(agent_client, CHANGELIST)
    add(45)
    assert count_queries(agent_client, CHANGELIST) == at_5
    with django_assert_num_queries(at_5):
        agent_client.get(CHANGELIST)
    # session, user, permissions (2), assignee filter, counts (2), tickets with providers and assignees
    assert at_5 == 8


# -- who may see what


def test_another_providers_ticket_and_attachment_are_404(signed_in, make_provider):
    theirs = open_ticket(make_provider(), attachment=png_upload())
    message = theirs.messages.get()
    assert signed_in.get(reverse("helpdesk:detail", args=[theirs.pk])).status_code == 404
    assert (
        signed_in.post(reverse("helpdesk:detail", args=[theirs.pk]), {"message": "hijack"}).status_code == 404
    )
    assert signed_in.get(reverse("helpdesk:attachment", args=[message.pk])).status_code == 404
    assert theirs.messages.count() == 1


def test_anonymous_visitors_sign_in_first_and_never_get_a_file(client, provider):
    ticket = open_ticket(provider, attachment=png_upload())
    for url in (LIST_URL, NEW_URL, reverse("helpdesk:detail", args=[ticket.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert client.post(NEW_URL, {"category": "other", "subject": "x", "message": "y"}).status_code == 302
    assert Ticket.objects.count() == 1
    assert client.get(reverse("helpdesk:attachment", args=[ticket.messages.get().pk])).status_code == 404


def test_attachments_go_to_the_owner_and_permitted_staff_only(client, provider, agent):
    ticket = open_ticket(provider, attachment=png_upload())
    url = reverse("helpdesk:attachment", args=[ticket.messages.get().pk])

    client.force_login(provider.user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")

    client.force_login(agent)
    assert client.get(url).status_code == 200
    client.force_login(staff_user("other-staff@alma.test"))  # staff, but no help desk permission
    assert client.get(url).status_code == 404
    # A message without an attachment has no file to serve.
    reply = services.ticket_reply(ticket=ticket, author=agent, message="Thanks")
    client.force_login(provider.user)
    assert client.get(reverse("helpdesk:attachment", args=[reply.pk])).status_code == 404
