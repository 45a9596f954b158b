"""Deployment: the production settings, the container image and the docker compose stack.

Nothing here touches the database. The settings tests run manage.py in a subprocess under
alma.settings.production (the system checks they run never connect to anything); the others
read Dockerfile, .dockerignore and docker-compose.yml.
"""

import ast
import shlex
from urllib.parse import urlsplit

import pytest
import yaml

from tests.helpers import REPO, argv_of, dockerfile_instructions, manage, production_env

# What an operator must provide before the production settings will load.
REQUIRED_IN_PRODUCTION = (
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "EMAIL_BACKEND",
    "SITE_URL",
    "FIELD_ENCRYPTION_KEYS",
    "CREDENTIALING_TEAM_EMAIL",
)

APP_SERVICES = ("migrate", "web", "worker", "beat")


def variables_production_requires() -> set[str]:
    """Names production.py reads with env(...) / env.list(...) / env.db(...) and no default=."""
    tree = ast.parse((REPO / "alma" / "settings" / "production.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        reads_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env"
        )
        first = node.args[0]
        has_default = any(keyword.arg == "default" for keyword in node.keywords)
        if reads_env and isinstance(first, ast.Constant) and isinstance(first.value, str) and not has_default:
            names.add(first.value)
    return names


# --- production settings -------------------------------------------------------------------


def test_check_deploy_passes_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in result.stdout, output
    assert "WARNINGS" not in output


@pytest.mark.parametrize("missing", REQUIRED_IN_PRODUCTION)
def test_production_refuses_to_start_without(missing):
    result = manage("check", env=production_env(without=missing))

    assert result.returncode != 0, result.stdout
    assert f"Set the {missing} environment variable" in result.stderr


def test_required_variables_are_the_ones_production_reads_without_default():
    assert variables_production_requires() == set(REQUIRED_IN_PRODUCTION)


# --- docker compose ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def service_env(compose, service: str) -> dict[str, str]:
    environment = compose["services"][service].get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {name: str(value) for name, value in environment.items()}


def command_of(compose, service: str) -> str:
    command = compose["services"][service]["command"]
    return command if isinstance(command, str) else shlex.join(command)


def test_compose_runs_the_whole_stack(compose):
    assert set(compose["services"]) >= {"postgres", "redis", "mailpit", *APP_SERVICES}


def test_app_services_run_production_settings_with_every_required_variable(compose):
    required = variables_production_requires()
    for service in APP_SERVICES:
        env = service_env(compose, service)
        assert env.get("DJANGO_SETTINGS_MODULE") == "alma.settings.production", service
        missing = sorted(name for name in required if not env.get(name))
        assert not missing, f"{service} would not start: {missing} unset"


def test_app_services_share_the_database_and_broker_on_compose_services(compose):
    envs = [service_env(compose, service) for service in APP_SERVICES]
    database_urls = {env["DATABASE_URL"] for env in envs}
    broker_urls = {env["CELERY_BROKER_URL"] for env in envs}
    assert len(database_urls) == 1
    assert len(broker_urls) == 1

    database = urlsplit(database_urls.pop())
    postgres = compose["services"]["postgres"]["environment"]
    assert database.hostname == "postgres"
    assert (database.username, database.password, database.path.lstrip("/")) == (
        postgres["POSTGRES_USER"],
        postgres["POSTGRES_PASSWORD"],
        postgres["POSTGRES_DB"],
    )
    assert urlsplit(broker_urls.pop()).hostname == "redis"


def test_app_services_send_email_to_mailpit(compose):
    for service in ("web", "worker"):
        env = service_env(compose, service)
        assert env["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
        assert (env["EMAIL_HOST"], env["EMAIL_PORT"]) == ("mailpit", "1025")


def test_compose_keeps_hsts_at_the_production_default(compose):
    for service in APP_SERVICES:
        assert "DJANGO_SECURE_HSTS_SECONDS" not in service_env(compose, service), service


def test_worker_and_beat_run_the_alma_celery_app(compose):
    assert command_of(compose, "worker").startswith("celery -A alma worker")
    assert command_of(compose, "beat").startswith("celery -A alma beat")


def test_web_serves_gunicorn_after_migrations(compose):
    web = compose["services"]["web"]
    assert command_of(compose, "web").startswith("gunicorn alma.wsgi:application")
    assert "0.0.0.0:8000" in command_of(compose, "web")
    assert any(str(port).endswith("8000:8000") for port in web["ports"])
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert web["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert web["depends_on"]["redis"]["condition"] == "service_healthy"
    assert command_of(compose, "migrate") == "python manage.py migrate --noinput"
    assert compose["services"]["migrate"].get("restart") == "no"


def test_services_have_healthchecks_the_stack_waits_on(compose):
    services = compose["services"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "redis-cli ping" in " ".join(services["redis"]["healthcheck"]["test"])
    web_probe = " ".join(services["web"]["healthcheck"]["test"])
    assert "urllib" in web_probe
    assert "http://localhost:8000/healthz" in web_probe


def test_uploads_and_database_live_on_named_volumes(compose):
    media_root = service_env(compose, "web")["MEDIA_ROOT"]
    for service in ("web", "worker"):
        assert service_env(compose, service)["MEDIA_ROOT"] == media_root
        mounts = {
            volume.split(":")[1]: volume.split(":")[0] for volume in compose["services"][service]["volumes"]
        }
        assert mounts.get(media_root) in compose["volumes"], f"{service} does not keep uploads"
    postgres_mounts = [volume.split(":") for volume in compose["services"]["postgres"]["volumes"]]
    assert any(
        source in compose["volumes"] and target == "/var/lib/postgresql/data"
        for source, target in postgres_mounts
    )


# --- the image -----------------------------------------------------------------------------


def test_image_does_not_run_as_root():
    users = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "USER"]
    assert users, "the image runs as root: no USER instruction"
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_image_serves_the_portal_with_gunicorn():
    instructions = dockerfile_instructions()
    entrypoint = [argv_of(arguments) for keyword, arguments in instructions if keyword == "ENTRYPOINT"]
    cmd = [argv_of(arguments) for keyword, arguments in instructions if keyword == "CMD"]
    argv = (entrypoint[-1] if entrypoint else []) + (cmd[-1] if cmd else [])
    assert argv[:2] == ["gunicorn", "alma.wsgi:application"]
    assert "0.0.0.0:8000" in argv


def test_image_bakes_in_no_production_secret():
    for keyword, arguments in dockerfile_instructions():
        if keyword in {"ENV", "ARG"}:
            for name in REQUIRED_IN_PRODUCTION:
                assert name not in arguments, f"{keyword} {name} would be baked into the image"


def test_build_context_leaves_out_local_state():
    ignored = {line.strip() for line in (REPO / ".dockerignore").read_text().splitlines()}
    assert {".env", ".venv", ".git", "var", "media", "staticfiles"} <= ignored


def test_production_requires_staff_two_factor_unless_told_otherwise():
    show = "from django.conf import settings; print(settings.STAFF_MFA_REQUIRED)"
    assert manage("shell", "--no-imports", "-c", show, env=production_env()).stdout.strip() == "True"
    relaxed = production_env() | {"STAFF_MFA_REQUIRED": "false"}
    assert manage("shell", "--no-imports", "-c", show, env=relaxed).stdout.strip() == "False"
