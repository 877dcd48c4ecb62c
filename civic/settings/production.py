"""Production: every secret and host comes from the environment.

Secure by default: cookies over HTTPS only, plain HTTP redirected to HTTPS,
HSTS for a year including subdomains (not preloaded unless asked). Each has
its variable (README, Configuration) for a deployment that must differ.
"""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SECURE_COOKIES", "1")
os.environ.setdefault("DJANGO_SSL_REDIRECT", "1")
os.environ.setdefault("DJANGO_HSTS_SECONDS", str(365 * 24 * 60 * 60))
os.environ.setdefault("DJANGO_HSTS_INCLUDE_SUBDOMAINS", "1")

from .base import *  # noqa: E402,F403
from .base import SECRET_KEY  # noqa: E402

if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
# A default in the repository would be no less public than /admin/: each
# deployment chooses its own.
if not os.environ.get("CIVIC_ADMIN_PATH", "").strip("/"):
    raise ImproperlyConfigured(
        "CIVIC_ADMIN_PATH must be set in production: the admin site's path, "
        "e.g. staff-<random>/ (not admin/)."
    )
if os.environ["CIVIC_ADMIN_PATH"].strip("/") == "admin":
    raise ImproperlyConfigured("CIVIC_ADMIN_PATH must not be admin/ in production.")
