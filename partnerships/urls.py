"""Pages outside any partnership: the list of one's partnerships, the health
check and one's API tokens."""

from django.urls import path

from . import views

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
    # A partnership's page, but the partnerships app's: under /p/<slug>/ like
    # every tenant page (the tenant middleware reads the slug).
    path("p/<slug:slug>/security/", views.security_events, name="security_events"),
]
