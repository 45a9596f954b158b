"""What every browser journey needs: the delivered email's link, fresh pages, fields by label."""

import re
from html.parser import HTMLParser

from django.core import mail
from playwright.sync_api import Locator, Page, expect

# The two screens every journey is checked on.
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def delivered_email(to: str, subject: str) -> mail.EmailMessage:
    """The one email the email provider accepted for `to` whose subject mentions `subject`."""
    matching = [m for m in mail.outbox if m.to == [to] and subject in m.subject]
    assert len(matching) == 1, [(m.to, m.subject) for m in mail.outbox]
    return matching[0]


def link_in(message: mail.EmailMessage) -> str:
    """The form link of a delivered email: the HTML button, which the text part must repeat."""
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    anchors = _Anchors()
    anchors.feed(html)
    [button] = {href for href in anchors.hrefs if href.startswith("http")}
    assert re.findall(r"https?://\S+", message.body) == [button]
    return button


def open_page(new_context, viewport: dict, **context_args) -> Page:
    """A page in a fresh browser context (no cookies): a provider opening the email anew."""
    context = new_context(viewport=viewport, **context_args)
    context.set_default_timeout(10_000)  # a local server answers in milliseconds; fail fast
    return context.new_page()


def field(page: Page, label: str) -> Locator:
    # Exactly this label: required fields' labels end with crispy-forms' asterisk ("City*"), and
    # Playwright matches a pattern against the label's raw text, surrounding whitespace included.
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\*?\s*$"))


def feedback(page: Page, control: Locator) -> Locator:
    """The error crispy-forms renders for a control (`aria-describedby` points at it)."""
    return page.locator(f"#{control.get_attribute('id')}_error")


def assert_error_next_to(page: Page, control: Locator, message: str) -> None:
    error = feedback(page, control)
    expect(error).to_be_visible()
    expect(error).to_contain_text(message)
    expect(control).to_have_attribute("aria-invalid", "true")
    expect(control).to_have_accessible_description(re.compile(re.escape(message)))
    # "Next to" on screen too: starts within a line's height below the control.
    box, error_box = control.bounding_box(), error.bounding_box()
    assert 0 <= error_box["y"] - (box["y"] + box["height"]) < 24, (box, error_box)


def no_horizontal_scroll(page: Page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page is {scroll_width}px wide on a {width}px screen"


def staff_with_authenticator(email: str, *permissions: str):
    """A member of staff with these permissions and an activated authenticator app: (user, secret)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret  # noqa: PLC0415

    from tests.helpers import staff_user  # noqa: PLC0415

    staff = staff_user(email, *permissions)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    return staff, secret


def staff_sign_in(page: Page, base_url: str, email: str, secret: str, next_path: str) -> None:
    """Through the one door staff have: allauth's sign-in, then the authenticator-app code, and on
    to `next_path`."""
    from tests.helpers import STAFF_PASSWORD, totp_code  # noqa: PLC0415

    page.goto(f"{base_url}{next_path}")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(STAFF_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("input[name=code]").press("Enter")
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))
