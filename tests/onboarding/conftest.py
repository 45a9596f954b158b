import pytest

from tests.smtp_sink import SmtpSink


@pytest.fixture
def sink(settings):
    """A real SMTP server on a free loopback port, and Django's SMTP backend pointed at it."""
    with SmtpSink() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        yield server
