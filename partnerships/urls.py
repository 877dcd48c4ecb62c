"""Pages outside any partnership (the list of one's partnerships, the health
check, one's API tokens and sign-in security, accepting an invitation,
platform staff's new partnership page) and the partnerships app's pages under
/p/<slug>/: security events, members, invitations, organisations."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog

from . import account_views, passkey_views, views

app_name = "partnerships"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("account/", views.account, name="account"),
    path("account/language/", views.language_switch, name="language_switch"),
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
    path(
        "account/security/passkey/",
        account_views.mfa_passkey_add,
        name="mfa_passkey_add",
    ),
    path(
        "account/security/passkey/added/",
        account_views.mfa_passkey_added,
        name="mfa_passkey_added",
    ),
    path(
        "account/security/passkey/<int:pk>/remove/",
        account_views.mfa_passkey_remove,
        name="mfa_passkey_remove",
    ),
    # The ceremonies' JSON endpoints, for django-otp-webauthn's scripts.
    path(
        "account/security/passkey/registration/begin/",
        passkey_views.PasskeyRegistrationBegin.as_view(),
        name="passkey_registration_begin",
    ),
    path(
        "account/security/passkey/registration/complete/",
        passkey_views.PasskeyRegistrationComplete.as_view(),
        name="passkey_registration_complete",
    ),
    path(
        "account/security/passkey/authentication/begin/",
        passkey_views.PasskeyAuthenticationBegin.as_view(),
        name="passkey_authentication_begin",
    ),
    path(
        "account/security/passkey/authentication/complete/",
        passkey_views.PasskeyAuthenticationComplete.as_view(),
        name="passkey_authentication_complete",
    ),
    path(
        "account/security/passkey/jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="passkey_javascript_catalog",
    ),
    path("account/confirm/", account_views.reauthenticate, name="reauthenticate"),
    # A partnership's page, but the partnerships app's: under /p/<slug>/ like
    # every tenant page (the tenant middleware reads the slug).
    path("p/<slug:slug>/security/", views.security_events, name="security_events"),
    path("p/<slug:slug>/members/", views.members, name="members"),
    path("p/<slug:slug>/members/invite/", views.member_invite, name="member_invite"),
    path("p/<slug:slug>/members/<int:pk>/", views.member_change, name="member_change"),
    path(
        "p/<slug:slug>/members/<int:pk>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "p/<slug:slug>/invitations/<int:pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "p/<slug:slug>/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("p/<slug:slug>/organisations/", views.organisations, name="organisations"),
    path(
        "p/<slug:slug>/organisations/<int:pk>/",
        views.organisation_rename,
        name="organisation_rename",
    ),
    path(
        "p/<slug:slug>/organisations/<int:pk>/merge/",
        views.organisation_merge,
        name="organisation_merge",
    ),
    # The emailed link: its secret in the path, outside any partnership (the
    # person is not a member yet).
    path(
        "invitations/<str:secret>/",
        views.invitation_accept,
        name="invitation_accept",
    ),
    path("staff/partnerships/new/", views.partnership_new, name="partnership_new"),
]
