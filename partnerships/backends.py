from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Sign in by email address, whatever its case or stray spaces."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None:
            username = username.strip().lower()
        return super().authenticate(
            request, username=username, password=password, **kwargs
        )
