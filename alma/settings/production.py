"""Production: secrets have no defaults, so a missing one stops the process at start-up."""

from alma.settings.base import *  # noqa: F403
from alma.settings.base import env, with_jit_off

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
# Newest first. A new key: python -c "from cryptography.fernet import Fernet as F; print(F.generate_key())"
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": with_jit_off(env.db("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
EMAIL_BACKEND = env("EMAIL_BACKEND")
SITE_URL = env("SITE_URL").rstrip("/")
# Where staff notices go (confirmed exclusion matches, recredentialing reminders): a real
# mailbox the credentialing team reads, never base.py's test address.
CREDENTIALING_TEAM_EMAIL = env("CREDENTIALING_TEAM_EMAIL")

STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=True)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# allauth's sign-in rate limits count per client address. Production runs behind one
# TLS-terminating reverse proxy (the load balancer) that appends the address it saw to
# X-Forwarded-For, so the client is the last entry. With 0 every visitor would share the proxy's
# address (ten bad passwords a minute from anyone would lock everyone out); with more than the
# proxies you run, a client could pick its own address. Set it to the number of proxies.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=1)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Only docker compose on a laptop (plain http) turns this off; `check --deploy` runs with it on.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[SITE_URL])
# The health check (/healthz) is probed over plain HTTP inside the cluster.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Production asks the public NPPES registry (base.py defaults to the offline fixtures).
NPI_REGISTRY = env("NPI_REGISTRY", default="http")
