"""Probes for docker compose and load balancers."""

import pytest


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: pytest-django fails the test if the view touches the database.
    response = client.get("/healthz")
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_database_migrations_and_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "migrations": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_readyz_is_unavailable_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "error: ConnectionError"


def test_pages_carry_a_content_security_policy(client):
    response = client.get("/healthz")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_readyz_is_unavailable_when_the_database_is_down(client):
    from django.db import connection  # noqa: PLC0415

    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        response = client.get("/readyz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error: OperationalError"


def test_json_logs_are_one_object_per_line():
    import json  # noqa: PLC0415
    import logging  # noqa: PLC0415

    from alma.logging import JsonFormatter  # noqa: PLC0415

    record = logging.LogRecord(
        "onboarding", logging.ERROR, __file__, 1, "Outbox email %s is past due", (7,), None
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "ERROR"
    assert line["message"] == "Outbox email 7 is past due"
