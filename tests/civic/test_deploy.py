"""The documented production settings pass Django's deployment checklist.

Each check runs in a fresh interpreter with a clean environment: only the
variables README's Configuration table documents for production, nothing
inherited from the test run.
"""

import json
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

# README, Configuration: what a production deployment sets.
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "civic.settings.production",
    "DATABASE_URL": "postgres://civic:secret@db.internal:5432/civic",
    "REDIS_URL": "redis://:secret@redis.internal:6379/0",
    "DJANGO_ALLOWED_HOSTS": "civic.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://civic.example.org",
    "CIVIC_SITE_URL": "https://civic.example.org",
    "CIVIC_ADMIN_PATH": "staff-5e0c7a1f/",
}


def run(args: list[str], **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            **PRODUCTION_ENV,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_gives_no_warnings_with_the_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_a_default_is_turned_off():
    """The check above would notice: with HSTS off it fails."""
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_HSTS_SECONDS="0",
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout


PROBE = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({name: getattr(settings, name, None) for name in [
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
]}))
"""


def probe(**env) -> dict:
    result = run(["-c", PROBE], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_defaults_to_https_only_with_a_year_of_hsts():
    found = probe()
    assert found["SECURE_HSTS_SECONDS"] == 365 * 24 * 60 * 60
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert found["SECURE_HSTS_PRELOAD"] is False
    assert found["SECURE_SSL_REDIRECT"] is True
    assert found["SESSION_COOKIE_SECURE"] is True
    assert found["CSRF_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    ("env", "header"),
    [
        ({}, None),
        ({"DJANGO_TRUST_X_FORWARDED_PROTO": "1"}, ["HTTP_X_FORWARDED_PROTO", "https"]),
    ],
)
def test_x_forwarded_proto_is_believed_only_when_a_setting_says_so(env, header):
    assert probe(**env)["SECURE_PROXY_SSL_HEADER"] == header


def test_hsts_preload_and_subdomains_are_each_configurable():
    found = probe(DJANGO_HSTS_PRELOAD="1", DJANGO_HSTS_INCLUDE_SUBDOMAINS="0")
    assert found["SECURE_HSTS_PRELOAD"] is True
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False


@pytest.mark.django_db
def test_the_https_redirect_spares_only_the_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"
    assert client.get("/healthz").status_code == 200


def test_production_requires_an_admin_path_of_its_own():
    for value in ("", "admin/", "/admin"):
        result = run(["manage.py", "check"], CIVIC_ADMIN_PATH=value)
        assert result.returncode != 0
        assert "CIVIC_ADMIN_PATH" in result.stderr


ADMIN_PROBE = """
import django
django.setup()
from django.conf import settings
from django.urls import reverse
print(settings.ADMIN_URL_PREFIX, reverse("admin:index"))
"""


def test_the_admin_site_lives_at_the_configured_path():
    result = run(["-c", ADMIN_PROBE], CIVIC_ADMIN_PATH="/staff-5e0c7a1f")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/staff-5e0c7a1f/", "/staff-5e0c7a1f/"]
