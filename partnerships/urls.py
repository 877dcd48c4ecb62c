"""Pages outside any partnership: the list of one's partnerships, the health
check, one's API tokens and one's sign-in security."""

from django.urls import path

from . import account_views, views

app_name = "partnerships"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("account/tokens/", views.api_tokens, name="api_tokens"),
    path(
        "account/tokens/<int:pk>/revoke/",
        views.api_token_revoke,
        name="api_token_revoke",
    ),
    path("account/security/", account_views.mfa_overview, name="mfa_overview"),
    path("account/security/verify/", account_views.mfa_verify, name="mfa_verify"),
    path("account/security/authenticator/", account_views.mfa_enrol, name="mfa_enrol"),
    path(
        "account/security/authenticator/<int:pk>/remove/",
        account_views.mfa_device_remove,
        name="mfa_device_remove",
    ),
    path(
        "account/security/recovery-codes/",
        account_views.mfa_recovery_regenerate,
        name="mfa_recovery_regenerate",
    ),
    path("account/confirm/", account_views.reauthenticate, name="reauthenticate"),
    # A partnership's page, but the partnerships app's: under /p/<slug>/ like
    # every tenant page (the tenant middleware reads the slug).
    path("p/<slug:slug>/security/", views.security_events, name="security_events"),
]
