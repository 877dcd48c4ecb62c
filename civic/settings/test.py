"""Defaults for the test suite; the databases come from the environment."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-test-key")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
# The manifest storage needs collectstatic; tests serve the source files.
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)
# Generous API rates: the suite makes many requests a minute from one address.
# The throttling tests set their own.
os.environ.setdefault("CIVIC_API_RATE_ANON", "100000/minute")
os.environ.setdefault("CIVIC_API_RATE_USER", "100000/minute")
os.environ.setdefault("CIVIC_API_RATE_WRITE", "100000/minute")

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Serve static files from the source folders; tests never run collectstatic.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The suite's tests each run in one transaction that is rolled back, never
# committed, so the data version, which moves at commit (partnerships
# migration 0020), would never move in them: their connections move it at
# each statement instead, as it did before. The tests that commit for real
# (tests/partnerships/test_data_version_concurrency.py) set it back.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = (  # noqa: F405
    "-c civic.data_version_at=statement"
)
