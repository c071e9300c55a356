"""What production settings read from the environment (besides the deploy check)."""

import json

import pytest

from tests.cms.test_deploy_check import manage, production_env  # noqa: F401 (fixture)

SHOW_SETTINGS = (
    "import json; from django.conf import settings; print(json.dumps({"
    "'storage': settings.STORAGES['default']['BACKEND'],"
    "'introspection': settings.CMS_API['INTROSPECTION'],"
    "'graphiql': settings.GRAPHIQL,"
    "'cors': settings.CORS_ALLOWED_ORIGINS,"
    "'cache': settings.CACHES['default']['BACKEND'],"
    "'log_format': settings.LOGGING['handlers']['console']['formatter']}))"
)


def settings_under(env):
    result = manage(env, "shell", "-c", SHOW_SETTINGS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_defaults_are_locked_down(production_env):  # noqa: F811
    shown = settings_under(production_env)
    assert shown == {
        "storage": "django.core.files.storage.FileSystemStorage",
        "introspection": False,
        "graphiql": False,
        "cors": [],
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "log_format": "json",
    }


@pytest.mark.parametrize(
    "env, expected",
    [
        (
            {"API_INTROSPECTION": "true", "GRAPHIQL": "true"},
            {"introspection": True, "graphiql": True},
        ),
        (
            {"CORS_ALLOWED_ORIGINS": "https://research.example.org, https://preview.example.org"},
            {"cors": ["https://research.example.org", "https://preview.example.org"]},
        ),
        ({"REDIS_URL": "redis://127.0.0.1:6379/3"}, {"cache": "django_redis.cache.RedisCache"}),
        (
            {"AWS_STORAGE_BUCKET_NAME": "research-media"},
            {"storage": "storages.backends.s3.S3Storage"},
        ),
    ],
)
def test_production_features_are_switched_on_from_the_environment(
    production_env,  # noqa: F811
    env,
    expected,
):
    shown = settings_under({**production_env, **env})
    assert {key: shown[key] for key in expected} == expected
