"""The FHIR API on the embedded SQLite demo (`scripts/demo`): every search answers, as on
PostgreSQL. The roles' `meta.lastUpdated` reads the company midnight of each effective date,
which SQLite has no time zones for (fhirapi.selectors._CompanyMidnight); it was a 500 there."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SCRIPT = """
import datetime as dt, json
from django.test import Client
from django.test.utils import setup_test_environment
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from directory import services
from tests.credentialing_factories import PayerFactory
from tests.directory_factories import Setup, bulk_providers

setup_test_environment()
payer = PayerFactory(name="Evergreen Health", slug="evergreen-sqlite", states=["NY"])
old = timezone.now() - dt.timedelta(days=400)
bulk_providers(
    [
        Setup(name="Quinn Sqlite", effective=dt.date(2025, 1, 1), training_at=old, in_person=True),
        Setup(name="Rory Sqlite", effective=dt.date(2025, 1, 1), training_at=old),
        Setup(name="Sam Hidden", effective=dt.date(2025, 1, 1), training_at=old, hidden=True),
    ],
    payer=payer,
)
services.profiles_publish_due()
client = Client()
found = {}
for url in [
    "/fhir/PractitionerRole?_include=PractitionerRole:practitioner&_include=PractitionerRole:location"
    "&_include=PractitionerRole:network&_include=PractitionerRole:organization&_include=PractitionerRole:service",
    "/fhir/PractitionerRole?_lastUpdated=ge2020-01-01&_total=accurate",
    "/fhir/PractitionerRole?location.address-state=NY",
    "/fhir/Practitioner?name=rory",
    "/fhir/Location",
    "/fhir/HealthcareService",
    "/fhir/Organization",
    "/fhir/OrganizationAffiliation",
]:
    response = client.get(url, HTTP_HOST="localhost")
    total = Bundle.model_validate_json(response.content).total if response.status_code == 200 else None
    found[url.split("&_include")[0]] = [response.status_code, total]
print(json.dumps(found))
"""


def test_every_fhir_search_answers_on_the_embedded_sqlite_demo(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alma.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    root = Path(settings.BASE_DIR)
    manage = [sys.executable, str(root / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=root, env=env, check=True, timeout=120)  # noqa: S603
    done = subprocess.run(  # noqa: S603
        [*manage, "shell", "-c", SCRIPT],
        cwd=root,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {
        "/fhir/PractitionerRole?_include=PractitionerRole:practitioner": [200, 2],
        "/fhir/PractitionerRole?_lastUpdated=ge2020-01-01&_total=accurate": [200, 2],
        "/fhir/PractitionerRole?location.address-state=NY": [200, 1],
        "/fhir/Practitioner?name=rory": [200, 1],
        "/fhir/Location": [200, 1],
        "/fhir/HealthcareService": [200, 3],
        "/fhir/Organization": [200, 3],
        "/fhir/OrganizationAffiliation": [200, 1],
    }
