"""English and Welsh: which language a page, an API answer or an email is in.

Pages: the address says (``/cy/...`` is Welsh, every other page English), so
each Welsh page has its own address and the link on every page to its twin
in the other language is a plain link. The API and the admin site are not
prefixed: they follow the caller's Accept-Language. Emails: the recipient's
own choice (``User.language``), whatever language the request that caused
them was in.
"""

from collections.abc import Hashable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation

WELSH = "cy"
ENGLISH = "en-gb"
WELSH_PREFIX = f"/{WELSH}/"


def language_of(user) -> str:
    """The language this person reads: their choice, else the site's."""
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        return settings.LANGUAGE_CODE
    return language


@contextmanager
def in_language_of(user) -> Iterator[str]:
    """Render what is sent to ``user`` (subject, body, links) in their language."""
    language = language_of(user)
    with translation.override(language):
        yield language


def _unprefixed(path: str) -> bool:
    """Paths outside the language prefix: the API, the admin site, /healthz,
    static files and uploads."""
    return (
        path.startswith(
            (
                settings.API_URL_PREFIX,
                settings.ADMIN_URL_PREFIX,
                "/" + settings.STATIC_URL.lstrip("/"),
                "/" + settings.MEDIA_URL.lstrip("/"),
            )
        )
        or path in settings.TENANT_EXEMPT_PATHS
    )


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, but the API and the admin site follow Accept-Language.

    With ``prefix_default_language=False`` Django's middleware treats every
    unprefixed path as English; that is right for pages (English pages keep
    their addresses) but the API has no Welsh address, so a Welsh client
    says so in Accept-Language instead. No language cookie is read or set:
    the address decides a page's language.
    """

    def process_request(self, request):
        if _unprefixed(request.path_info):
            language = translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if request.path_info.startswith(settings.PUBLIC_PATH_PREFIXES):
            # A page's language is its address's (/cy/ or none), never the
            # visitor's Accept-Language: shared caches need not key on it.
            vary = [
                v.strip()
                for v in response.get("Vary", "").split(",")
                if v.strip() and v.strip().lower() != "accept-language"
            ]
            if vary:
                response["Vary"] = ", ".join(vary)
            elif "Vary" in response:
                del response["Vary"]
        return response


def twin_path(path: str, language: str) -> str:
    """The same page (path and query) in ``language``: the Welsh page is the
    English one under /cy/. The API, the admin site and the like have one
    address, which stays as it is."""
    if path == f"/{WELSH}" or path.startswith(WELSH_PREFIX):
        english = path[len(WELSH_PREFIX) - 1 :] or "/"
    else:
        english = path
    if language == WELSH and not _unprefixed(english.split("?", 1)[0]):
        return f"/{WELSH}{english}"
    return english


def language_twin(request) -> dict:
    """Template context: the other language, and this page's address in it."""
    path = request.get_full_path()
    if _unprefixed(request.path_info):
        return {}
    current = translation.get_language()
    other = ENGLISH if current == WELSH else WELSH
    return {
        "twin_language": other,
        "twin_language_name": dict(settings.LANGUAGES)[other],
        "twin_url": twin_path(path, other),
        "twin_home_url": twin_path("/", other),
    }


# A few labels are shown hundreds of times a page (a status on each of 150
# measures), and each str() of a lazy translation looks the text up through
# every catalogue's fallback: they are looked up once per language instead.
_LABELS: dict[tuple[str | None, Hashable], str] = {}


def label_once(key: Hashable, lazy) -> str:
    """``str(lazy)`` in the active language, looked up once per language for
    ``key`` (which names the label, e.g. ``("status", Status.ON_TRACK)``)."""
    language = translation.get_language()
    try:
        return _LABELS[language, key]
    except KeyError:
        text = _LABELS[language, key] = str(lazy)
        return text


@receiver(setting_changed)
def _labels_forget(*, setting, **kwargs) -> None:
    # What changes the catalogues (tests override these): looked up again.
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _LABELS.clear()
