"""The site's URLs: each app routes its own pages in its ``urls.py``, under
its own namespace (``{% url 'kpis:my_measures' slug %}``); a partnership's
pages all live under /p/<slug>/.

Every page has an English address and a Welsh one, the same under /cy/
(``i18n_patterns`` without a prefix for English, so English addresses are
the ones they always were). The API and the admin site have one address,
and follow the caller's Accept-Language (partnerships.i18n)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import urls as auth_urls
from django.urls import include, path, re_path

from partnerships import views as partnership_views
from partnerships.apiconf import not_found as api_not_found

tenant_patterns = [
    path("", include("reports.urls")),
    path("", include("kpis.urls")),
    path("", include("delivery.urls")),
    path("", include("exchange.urls")),
    path("", include("engagement.urls")),
    path("", include("public.tenant_urls")),
    path("", include("networks.urls")),
]

# Django's sign-in and password views, some replaced by ones that record
# security events, say whether MFA applies (sign-in) or speak the person's
# language, at the same addresses and names.
RECORDED = {
    "login": partnership_views.LoginView,
    "password_reset": partnership_views.PasswordResetView,
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
    path(settings.ADMIN_URL_PREFIX.lstrip("/"), admin.site.urls),
    path("api/v1/", include("civic.api_urls")),
    re_path(r"^api/", api_not_found),
    *i18n_patterns(
        path("", include("partnerships.urls")),
        path("", include("networks.staff_urls")),
        # Django's own sign-in and password pages keep Django's un-namespaced
        # names ("login", "password_reset"), which its views reverse.
        path("accounts/", include(account_patterns)),
        path("p/<slug:slug>/", include(tenant_patterns)),
        # Published pages: no sign-in, the published copy only (public/).
        path("public/", include("public.urls")),
        prefix_default_language=False,
    ),
]
