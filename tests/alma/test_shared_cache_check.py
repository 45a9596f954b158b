"""A deployment whose cache is process-local fails `check --deploy` (alma.E004): the sign-in
rate limits and the NPI registry's throttle would count per process, so with four gunicorn
workers a guesser gets four times the bad passwords. Local runs keep the in-process default."""

import pytest
from django.core.management import call_command

from alma.checks import shared_cache_check
from tests.helpers import manage, production_env


@pytest.mark.parametrize(
    "backend",
    ["django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache"],
)
def test_a_process_local_cache_is_an_error(settings, backend):
    settings.CACHES = {"default": {"BACKEND": backend}}
    [error] = shared_cache_check()
    assert error.id == "alma.E004"
    assert "CACHE_URL" in error.hint


def test_a_shared_cache_passes(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://r:6379/1"}
    }
    assert shared_cache_check() == []


def test_local_settings_start_with_the_in_process_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    call_command("check")  # only `check --deploy` asks for a shared cache


def test_check_deploy_fails_in_production_without_cache_url():
    result = manage("check", "--deploy", env=production_env(without="CACHE_URL"))
    assert result.returncode == 1
    assert "alma.E004" in result.stderr
    assert "CACHE_URL" in result.stderr


def test_check_deploy_passes_in_production_with_a_shared_cache_url():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
