"""The site's URLs: each app routes its own pages in its ``urls.py``, under
its own namespace (``{% url 'kpis:my_measures' slug %}``); a partnership's
pages all live under /p/<slug>/."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import urls as auth_urls
from django.urls import include, path, re_path

from partnerships import views as partnership_views
from partnerships.apiconf import not_found as api_not_found

tenant_patterns = [
    path("", include("reports.urls")),
    path("", include("kpis.urls")),
    path("", include("exchange.urls")),
]

# Django's sign-in and password views, some of them replaced by ones that
# record security events (or, the sign-in, say whether MFA applies), at the
# same addresses and names.
RECORDED = {
    "login": partnership_views.LoginView,
    "password_change": partnership_views.PasswordChangeView,
    "password_reset_confirm": partnership_views.PasswordResetConfirmView,
}
account_patterns = [
    path(str(pattern.pattern), RECORDED[pattern.name].as_view(), name=pattern.name)
    if pattern.name in RECORDED
    else pattern
    for pattern in auth_urls.urlpatterns
]

urlpatterns = [
    path("", include("partnerships.urls")),
    # Django's own sign-in and password pages keep Django's un-namespaced
    # names ("login", "password_reset"), which its views reverse.
    path("accounts/", include(account_patterns)),
    path(settings.ADMIN_URL_PREFIX.lstrip("/"), admin.site.urls),
    path("p/<slug:slug>/", include(tenant_patterns)),
    path("api/v1/", include("civic.api_urls")),
    re_path(r"^api/", api_not_found),
]
