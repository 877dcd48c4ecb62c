"""Production: every secret and host comes from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SECURE_COOKIES", "1")

from .base import *  # noqa: E402,F403
from .base import SECRET_KEY  # noqa: E402

if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0"))
