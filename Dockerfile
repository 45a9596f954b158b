# syntax=docker/dockerfile:1
#
# The Alma provider portal. One image serves every role; docker-compose.yml picks the command:
#   web     gunicorn alma.wsgi:application (the default CMD below)
#   worker  celery -A alma worker -l info
#   beat    celery -A alma beat -l info --schedule /tmp/celerybeat-schedule
#   migrate python manage.py migrate --noinput
# Production settings are the default; they refuse to start until the real secrets are given
# at run time (DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, CELERY_BROKER_URL,
# EMAIL_BACKEND, SITE_URL). None of them is baked into the image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=alma.settings.production \
    MEDIA_ROOT=/app/var/media

WORKDIR /app

RUN groupadd --system --gid 10001 alma \
 && useradd --system --uid 10001 --gid alma --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin alma

# Dependencies before the code, so a code change does not reinstall them.
# requirements.lock (the full pinned resolution, runtime dependencies only) is used when it is
# there; otherwise the direct pins in pyproject.toml. `pip install .` is not an option: the
# repository is a flat layout of several top-level packages, which setuptools refuses to
# auto-discover. The glob lets the COPY succeed when requirements.lock is absent.
COPY pyproject.toml requirements.lock* ./
RUN if [ -f requirements.lock ]; then \
        pip install -r requirements.lock; \
    else \
        python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
            > /tmp/requirements.txt \
        && pip install -r /tmp/requirements.txt \
        && rm /tmp/requirements.txt; \
    fi \
 && pip check

# The code stays owned by root, so the running process cannot modify it.
COPY . .

# collectstatic imports the production settings, which need their secrets to exist. These
# placeholders live only for this one command: they are not ENV, so they are not in the image
# and nothing connects to the database, broker or mail server they name.
RUN DJANGO_SECRET_KEY=build-time-placeholder-only-for-collectstatic \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://build:build@localhost:5432/build \
    CELERY_BROKER_URL=redis://localhost:6379/0 \
    EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend \
    SITE_URL=http://localhost \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/var/media \
 && chown -R alma:alma /app/var

# Private uploads (MEDIA_ROOT) are the only place the app writes; a named volume mounted here
# starts out owned by alma because the directory already is.
USER alma:alma

EXPOSE 8000

# Extra gunicorn options (e.g. --workers) can be given in GUNICORN_CMD_ARGS. gunicorn.conf.py
# redacts form-link tokens and reset keys from the access log printed here.
CMD ["gunicorn", "alma.wsgi:application", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", \
     "--workers", "3", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
