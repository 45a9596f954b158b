"""Local development and the demo: runs with nothing installed.

SQLite in var/, console email, and Celery on kombu's filesystem transport so background
work really runs in a worker process without Redis. Any of it can be overridden from the
environment (e.g. DATABASE_URL, CELERY_BROKER_URL) to run locally against real services.
"""

from alma.settings.base import *  # noqa: F403
from alma.settings.base import BASE_DIR, STATIC_ROOT, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-insecure-key-never-used-in-production")
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS", default=["bG9jYWwtb25seS1rZXktbmV2ZXItaW4tcHJvZHVjdGk="]
)
(BASE_DIR / "var").mkdir(exist_ok=True)

# Emails land as files in var/mail (one .log file per batch), links and all.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = BASE_DIR / "var" / "broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")
# WhiteNoise serves from STATIC_ROOT; outside production it is empty but must exist.
STATIC_ROOT.mkdir(exist_ok=True)
