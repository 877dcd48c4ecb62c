"""What happens when someone signs in: Django's and django-axes' sign-in
signals are the only hook into their login views (the site's and the admin
site's), so the receivers here are connected in PartnershipsConfig.ready."""

from django.contrib.auth.signals import user_logged_in

from .middleware import session_start


def on_logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        session_start(request, user)


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="civic_signed_in")
