"""Settings the benchmarks serve the portal with: production's, on the benchmark's own database.

Production settings (DEBUG off, cached templates, CONN_MAX_AGE, compressed static files, the
staff MFA rule) so the figures describe what production runs; the secrets production refuses to
default are filled with benchmark-only values here, and plain http on loopback is allowed. The
URLconf adds the two baselines (benchmarks/urls.py).

    DJANGO_SETTINGS_MODULE=benchmarks.settings DATABASE_URL=postgres://…/alma_bench_pages …
"""

import os

_BENCH_ONLY = {
    "DJANGO_SECRET_KEY": "benchmark-only-key-never-used-in-production",
    "FIELD_ENCRYPTION_KEYS": "YmVuY2htYXJrLW9ubHkta2V5LW5ldmVyLWluLXByb2Q=",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/14",
    "EMAIL_BACKEND": "anymail.backends.test.EmailBackend",
    "SITE_URL": "http://127.0.0.1:8000",
    "CREDENTIALING_TEAM_EMAIL": "credentialing@example.com",
    "NPI_REGISTRY": "fixtures",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
}
for _name, _value in _BENCH_ONLY.items():
    os.environ.setdefault(_name, _value)

from alma.settings.production import *  # noqa: E402, F403
from alma.settings.production import BASE_DIR, STORAGES, TEMPLATES  # noqa: E402

ROOT_URLCONF = "benchmarks.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "benchmarks" / "templates"]
# Static files are not collected for a benchmark: plain static URLs, as in development.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
