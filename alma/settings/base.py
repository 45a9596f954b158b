"""Settings shared by every environment. Everything that varies comes from the environment.

local.py   runs with nothing installed (SQLite, filesystem broker, console email).
test.py    runs on PostgreSQL and Redis.
production.py refuses to start without its secrets.
"""

from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
# Absolute links in emails are built from this, never from the request's Host header.
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "alma.apps.AlmaAdminConfig",  # Django's admin with the SLA board (portal/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "anymail",
    "crispy_forms",
    "crispy_bootstrap5",
    "localflavor",
    "phonenumber_field",
    "storages",
    "accounts",
    "onboarding",
    "credentialing",
    "directory",
    "training",
    "support",
    "helpdesk",
    "practice",
    "exclusions",
    "verification",
    "fhirapi",  # the public FHIR directory API (top layer, beside portal)
    "portal",  # the top layer, no models: composes the apps below it (README, "Architecture")
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "alma.sessions.SessionTimeoutMiddleware",
    "alma.middleware.StaffMfaRequiredMiddleware",
]
# Staff open the admin only from a session that passed the authenticator-code step (TOTP);
# required in production.
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=False)
# Sessions end (alma/sessions.py): after this long without a request, and for staff also this
# long after signing in, whatever they do.
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=4 * 60)
SESSION_IDLE_TIMEOUT_STAFF_MINUTES = env.int("SESSION_IDLE_TIMEOUT_STAFF_MINUTES", default=30)
SESSION_ABSOLUTE_TIMEOUT_STAFF_HOURS = env.int("SESSION_ABSOLUTE_TIMEOUT_STAFF_HOURS", default=12)
# The server forgets a session this long after it was last saved (Django's default: 14 days);
# an active one is saved about once a minute. The longest of the limits above, so the middleware
# sees an idle session first and can tell the person why they were signed out.
SESSION_COOKIE_AGE = 60 * max(
    SESSION_IDLE_TIMEOUT_MINUTES,
    SESSION_IDLE_TIMEOUT_STAFF_MINUTES,
    60 * SESSION_ABSOLUTE_TIMEOUT_STAFF_HOURS,
)

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "alma.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "alma.context_processors.support",
            ],
        },
    },
]


def with_jit_off(database: dict[str, Any]) -> dict[str, Any]:
    """PostgreSQL connections with JIT compilation off, merged into whatever OPTIONS the URL gave
    (other databases are left as they are). Every settings module that builds DATABASES runs it.

    The planner compiles a query to machine code once its estimated cost passes jit_above_cost;
    the portal's queries are short, so the compile costs more than it saves: at 100,000 providers
    it was 0.84 s of the publishing sweep's 1.5 s, every few minutes (README, "Performance").
    docker-compose.yml's PostgreSQL runs with jit=off for the same reason."""
    if "postgresql" in database["ENGINE"] or "postgis" in database["ENGINE"]:
        options = database.setdefault("OPTIONS", {})
        options["options"] = " ".join(filter(None, [options.get("options", ""), "-c jit=off"]))
    return database


DATABASES = {
    "default": with_jit_off(env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'alma.sqlite3'}"))
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default has a web process and a worker writing at once: WAL lets readers
    # proceed during a write, IMMEDIATE takes the write lock up front instead of failing midway.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# allauth's rate limits count in the cache: use a shared one (Redis) where there are several
# web processes, e.g. CACHE_URL=redis://redis:6379/1.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"

# django-allauth: email is the only identifier; nobody signs up (providers come from signed
# agreements, staff are created by operators) -- see accounts.adapter.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# Step 4 (portal access): the provider sets a first password through allauth's reset-from-key
# link and is signed in straight away (accounts.receivers records the step). The link works
# once, for this long; the portal-access email states it.
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60
# allauth's emails carry their own subjects (the default prefix is the request's host name).
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Staff protect their sign-in with an authenticator app (TOTP), with recovery codes as backup.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Alma"
# Authenticator secrets are stored encrypted with FIELD_ENCRYPTION_KEYS (accounts.adapter).
MFA_ADAPTER = "accounts.adapter.MFAAdapter"

LANGUAGE_CODE = "en-us"
USE_I18N = True
USE_TZ = True
# The company's business day (onboarding promises, SLAs) is counted in this zone.
COMPANY_TIME_ZONE = env("COMPANY_TIME_ZONE", default="America/New_York")
HOLIDAY_COUNTRY = env("HOLIDAY_COUNTRY", default="US")
TIME_ZONE = COMPANY_TIME_ZONE

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (photos now, certificates later) are private: MEDIA_ROOT is never mapped to a URL;
# files are served only through views that check who is asking.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if env("AWS_STORAGE_BUCKET_NAME", default=""):
    # S3-compatible object storage (django-storages) for uploads: private objects, reached only
    # through the portal's access-checked download views, never by a public bucket URL.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
UPLOAD_MAX_BYTES = 10 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
PHONENUMBER_DEFAULT_REGION = "US"

# Email. EMAIL_BACKEND picks the transport (an anymail ESP backend in production); every
# ANYMAIL_* variable becomes a key of ANYMAIL, e.g. ANYMAIL_POSTMARK_SERVER_TOKEN.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
# Seconds Django's SMTP backend waits for each reply. Without it a hung mail server holds a
# sender for ever, past its outbox lease, and another sender sends the email again. Kept well
# below OUTBOX_LEASE_SECONDS (a system check refuses a configuration where it is not).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Alma Provider Onboarding <onboarding@alma.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The domain part of every outbox Message-ID (stable per row, so a resend is recognisable).
EMAIL_MESSAGE_ID_DOMAIN = env("EMAIL_MESSAGE_ID_DOMAIN", default="alma.test")
# Where providers write to Member Support: every page's footer and the forms' help button
# (templates read it as SUPPORT_EMAIL, alma.context_processors.support).
# Where staff notices go through the outbox (an exclusion match, a recredentialing date coming up).
CREDENTIALING_TEAM_EMAIL = env("CREDENTIALING_TEAM_EMAIL", default="credentialing@alma.test")
# The NPPES NPI registry: "http" asks the public API; "fixtures" answers from the JSON files in
# verification/npi_registry/fixtures/ (the embedded demo and the tests: no network).
NPI_REGISTRY = env("NPI_REGISTRY", default="fixtures")
NPI_REGISTRY_URL = env("NPI_REGISTRY_URL", default="https://npiregistry.cms.hhs.gov/api/")
SUPPORT_EMAIL = env("SUPPORT_EMAIL", default="support@alma.test")
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value for key, value in env.ENVIRON.items() if key.startswith("ANYMAIL_")
}

# Links in onboarding emails open the forms without a password; they expire.
FORM_LINK_MAX_AGE_DAYS = env.int("FORM_LINK_MAX_AGE_DAYS", default=30)

# Celery. The database outbox is the source of truth; the broker only carries "send row N now".
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Without it Celery closes the worker's database connection before and after every task
# (celery/fixups/django.py), so every email opened a new PostgreSQL connection: per-row sends
# ran at 0.15x a no-op task. With it, Celery closes the connections only every this many tasks,
# and alma/celery.py runs Django's close_old_connections() around each task instead, as a web
# request does: a connection older than CONN_MAX_AGE, or one that saw an error and fails its
# health check (a restarted server, pg_terminate_backend), is closed and the next query opens a
# fresh one. So CONN_MAX_AGE decides for workers as for web processes: 0 (local, tests) still
# closes after every task; production's 60 s keeps one connection per worker process.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
# Publishing must not hang a web request when the broker is down: fail fast, the sweep
# delivers the row later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {"socket_connect_timeout": 2, "socket_timeout": 5}
OUTBOX_SWEEP_MINUTES = env.int("OUTBOX_SWEEP_MINUTES", default=2)
# Beat reads crontab hours in this zone: "shortly after midnight" means the company's midnight,
# when a new go-live day begins (Celery's default is UTC).
CELERY_TIMEZONE = COMPANY_TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "onboarding-sweep": {
        "task": "onboarding.tasks.onboarding_sweep",
        "schedule": crontab(minute=f"*/{OUTBOX_SWEEP_MINUTES}"),
    },
    # The profiles whose go-live day has just begun, then the same work again every few minutes,
    # so neither a missed run nor a worker restart costs a provider a day. Its own entry: each
    # app owns its periodic work, and a directory failure never skips an email sweep.
    "directory-publish-due": {
        "task": "directory.tasks.publish_due_profiles",
        "schedule": crontab(hour=0, minute=5),
    },
    "directory-sweep": {
        "task": "directory.tasks.publish_due_profiles",
        "schedule": crontab(minute=f"1-59/{OUTBOX_SWEEP_MINUTES}"),
    },
    # The full recompute of who is due, against the stored go-live dates the sweep reads; what it
    # repairs is logged as a warning. At night, after the day's dates came due (00:05).
    "directory-go-live-reconcile": {
        "task": "directory.tasks.reconcile_go_live",
        "schedule": crontab(hour=3, minute=30),
    },
    # The public list's fair order of the new day (materialised, so search reads an index), and
    # hourly after: a day already ranked is left alone, so only a missed midnight gets redone.
    "directory-fair-rank": {
        "task": "directory.tasks.rank_profiles",
        "schedule": crontab(minute=0),
    },
    # Expiry reminders go out in the morning, company time; safe to run again (exactly once each).
    "expiry-reminders": {
        "task": "credentialing.tasks.send_expiry_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Directory data confirmed every 90 days (No Surprises Act): from day 80 the provider is asked,
    # once per period however often it runs; in the morning, company time.
    "directory-reverification": {
        "task": "directory.tasks.ask_directory_reverification",
        "schedule": crontab(hour=7, minute=15),
    },
    # Recredentialing reminders (120/90/30 days before the due date), after the expiry ones;
    # safe to run again: each threshold is queued once (verification.services.recredentialing).
    "recredentialing-reminders": {
        "task": "verification.tasks.queue_recredentialing_reminders",
        "schedule": crontab(hour=7, minute=10),
    },
    # Monthly exclusion monitoring (42 CFR 455.436), run daily as a sweep: each source is matched
    # once a month, and again the day after a newer list is imported; otherwise it does nothing.
    "exclusions-monthly-check": {
        "task": "exclusions.tasks.exclusions_monthly_check",
        "schedule": crontab(hour=6, minute=30),
    },
    # NPI registry checks left pending by an outage, each retried on its own backoff (verification).
    "npi-registry-retry": {
        "task": "verification.tasks.npi_checks_sweep",
        "schedule": crontab(minute="3-59/10"),
    },
}
# Other claimable rows a per-row send claims and sends with its own (onboarding.services.outbox
# COMPANY_ROWS): a burst of per-row tasks goes out at the sweep's rate.
OUTBOX_SEND_COMPANY_ROWS = env.int("OUTBOX_SEND_COMPANY_ROWS", default=20)
# How long a sender holds a claimed outbox row before another may retry it.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=300)
# Every task ends well before a lease it holds runs out: the soft limit raises inside the task
# (the sweep hands its rows back), the hard limit kills the process. onboarding/checks.py
# refuses a configuration where EMAIL_TIMEOUT or these are not well below the lease.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=100)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=120)
# After this many attempts (4xx replies, timeouts, outages: about 5 hours of backoff) a row is
# failed as "gave up" and shown to staff; a 5xx refusal fails it at the first attempt.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=12)

# Content Security Policy (django-csp 4): everything is served from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "style-src": [SELF],
        "script-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
    },
}

# Step 5, the training (training app). The webinar itself (video, length, chapters) is edited in
# admin; a video served from elsewhere than the portal (a CDN) needs its origin here, e.g.
# WEBINAR_MEDIA_ORIGINS=https://media.alma.test, or the browser's CSP refuses to play it.
WEBINAR_MEDIA_ORIGINS = env.list("WEBINAR_MEDIA_ORIGINS", default=[])
CONTENT_SECURITY_POLICY["DIRECTIVES"]["media-src"] = [SELF, *WEBINAR_MEDIA_ORIGINS]
# The quiz passes at this share of right answers, in percent (issue 5: 80 % unless configured).
QUIZ_PASS_MARK = env.int("QUIZ_PASS_MARK", default=80)

SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "alma.logging.JsonFormatter"},
    },
    # Form-link tokens and reset keys travel in URL paths: redacted from every line
    # (alma/logging.py). On the loggers that log requests, so every handler gets the redacted
    # record; on the console handler for any other logger. gunicorn's: gunicorn.conf.py.
    "filters": {
        "redact_secrets": {"()": "alma.logging.RedactSecrets"},
        "drop_template_context": {"()": "alma.logging.DropTemplateContext"},
    },
    # LOG_FORMAT=json for one JSON object per line (log shippers); plain text otherwise.
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("LOG_FORMAT", default="plain"),
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["redact_secrets"]},
        "django.security.csrf": {"filters": ["redact_secrets"]},
        # Its DEBUG lines' tracebacks print the template context (form values, secrets).
        "django.template": {"filters": ["drop_template_context"]},
        # runserver's request lines (Django's default handler for them would be replaced).
        "django.server": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact_secrets"],
        },
    },
}
