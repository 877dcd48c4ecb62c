from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Sign in by email address, whatever its case or stray spaces."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None:
            username = username.strip().lower()
        return super().authenticate(
            request, username=username, password=password, **kwargs
        )


def login_username(request, credentials: dict | None) -> str | None:
    """The sign-in's email address as the lockout counts it (django-axes):
    normalised as EmailBackend normalises it, so " Ann@X.org" and "ann@x.org"
    are one account's failures."""
    username = (credentials or {}).get("username")
    if username is None:
        username = request.POST.get("username")
    if username is None:
        return None
    return username.strip().lower()
