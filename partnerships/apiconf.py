"""The API's hooks that DRF's settings name: errors, pages, throttles.

DRF imports these while it loads its own views, so this module must not
import ``rest_framework.views`` at import time.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, pagination, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from .outages import CACHE_ERRORS

logger = logging.getLogger(__name__)

NON_FIELD = "non_field_errors"


class ApiError(exceptions.APIException):
    """An error with field-level messages and any status, in the one body shape."""

    def __init__(
        self,
        detail: str,
        *,
        status_code: int = status.HTTP_400_BAD_REQUEST,
        errors: dict | None = None,
        extra: dict | None = None,
    ):
        super().__init__(detail)
        self.status_code = status_code
        self.errors = errors or {}
        self.extra = extra or {}


def django_errors(error: DjangoValidationError) -> dict:
    """A Django ValidationError as ``{field: [messages]}``."""
    if hasattr(error, "error_dict"):
        return {
            (NON_FIELD if name == "__all__" else name): messages
            for name, messages in error.message_dict.items()
        }
    return {NON_FIELD: error.messages}


def _by_index(errors):
    """Rows of a list as ``{"3": {...}}``: only the rows that have errors.

    DRF reports a list of nested objects as one entry per row, most of them
    empty; keyed by index, a client finds the bad rows without counting.
    """
    if isinstance(errors, dict):
        return {key: _by_index(value) for key, value in errors.items()}
    if isinstance(errors, list) and any(isinstance(item, dict) for item in errors):
        return {str(i): _by_index(item) for i, item in enumerate(errors) if item}
    return errors


def exception_handler(exc, context):
    """Every error as ``{"detail": "...", "errors": {field: [messages]}}``."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_errors(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApiError):
        body = {"detail": str(exc.detail), "errors": exc.errors, **exc.extra}
    elif isinstance(exc, exceptions.ValidationError):
        errors = response.data
        if not isinstance(errors, dict):
            errors = {NON_FIELD: errors}
        body = {
            "detail": _("The request has errors: see “errors”."),
            "errors": _by_index(errors),
        }
    else:
        detail = response.data.get("detail", "") if response.data else ""
        body = {"detail": str(detail), "errors": {}}
    response.data = body
    return response


@csrf_exempt
def not_found(request, *args, **kwargs) -> JsonResponse:
    """Unknown paths under /api/ answer in the API's shape, not an HTML page
    (a write to one too: it changes nothing, so no CSRF page before it)."""
    return JsonResponse({"detail": _("Not found."), "errors": {}}, status=404)


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE


class CacheUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _(
        "Changes cannot be accepted for a moment (a service is down). Nothing "
        "was saved: try again in a few minutes."
    )
    default_code = "service_unavailable"


class _OutageTolerant:
    """A throttle that survives its cache (Redis) being down.

    The counts live in the cache. Without it a read is let through uncounted
    (fail open: pages of figures stay readable during an outage), and a write
    is refused with a 503 and nothing saved (fail closed: the write rate is
    what keeps a runaway script from flooding the figures).
    """

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as error:
            logger.warning(
                "API throttle cache unavailable (%s): %s",
                type(error).__name__,
                "read let through" if request.method in SAFE_METHODS else "refused",
            )
            if request.method in SAFE_METHODS:
                return True
            raise CacheUnavailable from error


class AnonThrottle(_OutageTolerant, AnonRateThrottle):
    pass


class UserThrottle(_OutageTolerant, UserRateThrottle):
    pass


class WriteRateThrottle(_OutageTolerant, UserRateThrottle):
    """A tighter rate for writes (bulk upserts, report requests) than reads."""

    scope = "write"

    def allow_request(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
