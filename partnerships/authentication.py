"""API authentication by the personal tokens people make at /account/tokens/."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .models import ApiToken
from .services import api_token_digest


class BearerTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>``.

    A request without the header is left to the next method (the session);
    a header naming a token that is unknown or revoked is refused with 401,
    never passed on, so a script with a dead token finds out at once.
    """

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as “Authorization: Bearer <token>”.")
            )
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Unknown API token.")) from None
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=api_token_digest(secret))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Unknown API token."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(
                _(
                    "This API token has been revoked. Make a new one at /account/tokens/."
                )
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                _("The account this token belongs to is disabled.")
            )
        self._touch(token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'

    @staticmethod
    def _touch(token: ApiToken) -> None:
        """Record the use, at most once a minute per token.

        The condition sits in the UPDATE too, so concurrent requests write
        the row once rather than queueing on its lock every time.
        """
        now = timezone.now()
        cutoff = now - timedelta(seconds=settings.API_TOKEN_TOUCH_SECONDS)
        if token.last_used_at is not None and token.last_used_at >= cutoff:
            return
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=cutoff)
        ).update(last_used_at=now)
        token.last_used_at = now


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from /account/tokens/.",
        }
