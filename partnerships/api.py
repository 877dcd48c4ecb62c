"""What every API endpoint shares: tenancy, errors, pages, throttles.

Every path under ``/api/v1/p/<slug>/`` belongs to one partnership. Token
authentication happens inside DRF, after the tenant middleware has opened the
request's transaction, so ``TenantAPIView`` finishes the middleware's work
once DRF knows who is asking: it names the user to row-level security,
resolves the membership (404 for a partnership the user is not a member of,
exactly as for one that does not exist) and points the transaction at the
partnership. Writes name the user and the path "api" in the change history.
"""

import pghistory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.views import APIView

from . import policy, selectors, tenancy
from .apiconf import NON_FIELD, ApiError, django_errors
from .models import Role

__all__ = ["NON_FIELD", "ApiError", "django_errors"]


class CivicAPIView(APIView):
    """Names a token's user to row-level security once DRF has found them."""

    def perform_authentication(self, request) -> None:
        super().perform_authentication(request)
        if request.user.is_authenticated:
            tenancy.set_user(request.user.pk)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "slug",
            str,
            OpenApiParameter.PATH,
            description=gettext_lazy(
                "The partnership's short name, as in its web address."
            ),
        )
    ]
)
class TenantAPIView(CivicAPIView):
    """An endpoint under /api/v1/p/<slug>/: members only, 404 for others."""

    def check_permissions(self, request) -> None:
        if not request.user.is_authenticated:
            self.permission_denied(request)
        membership = selectors.membership_for_slug(
            user=request.user, slug=self.kwargs["slug"]
        )
        if membership is None:
            raise exceptions.NotFound(_("No such partnership."))
        request.membership = membership
        request.partnership = membership.partnership
        tenancy.set_partnership(membership.partnership_id)
        super().check_permissions(request)

    def history_context(self) -> pghistory.context:
        """The change history's who and how for this request's writes."""
        return pghistory.context(user=self.request.user.pk, path="api")


class CanEnterValues(BasePermission):
    message = _("Only project leads and admins can record values.")

    def has_permission(self, request, view) -> bool:
        return policy.may_enter_figures(request.membership)


class AdminForWrites(BasePermission):
    message = _("Only the partnership's admins can do this.")

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or policy.may_administer(
            request.membership
        )


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(
        help_text=gettext_lazy("What went wrong, in a sentence.")
    )
    errors = serializers.DictField(
        child=serializers.JSONField(),
        help_text=(
            gettext_lazy(
                "Messages by field, each a list of strings; rows of a list are keyed "
                "by their index. Empty for errors that concern no field."
            )
        ),
    )


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """The documented error responses of an operation (401, 404 and 429 always)."""
    descriptions = {
        400: "The request has errors, listed by field.",
        401: "No credentials, or an unknown or revoked token.",
        403: "Your role in the partnership does not allow this.",
        404: "No such object, or a partnership you are not a member of.",
        409: "The stored value changed since the version you sent.",
        429: "Too many requests; retry after the Retry-After header's seconds.",
    }
    return {
        code: OpenApiResponse(ErrorSerializer, description=descriptions[code])
        for code in sorted({401, 404, 429, *codes})
    }


class FilteredListMixin:
    """A list whose query parameters are validated by ``filter_serializer_class``.

    A bad filter (``?year=soon``) is a 400 with the field's message, not an
    empty page that looks like "no data".
    """

    filter_serializer_class: type[serializers.Serializer] | None = None

    def filters(self) -> dict:
        if self.filter_serializer_class is None:
            return {}
        serializer = self.filter_serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return {k: v for k, v in serializer.validated_data.items() if v is not None}


class MembershipSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="partnership.slug")
    name = serializers.CharField(source="partnership.name")
    role = serializers.ChoiceField(choices=Role.choices)
    reporting_year_start_month = serializers.IntegerField(
        source="partnership.reporting_year_start_month",
        help_text=gettext_lazy(
            "1 = January … 9 = September; a year is named by the year it starts in."
        ),
    )


@extend_schema(
    tags=["partnerships"],
    responses={200: MembershipSerializer(many=True), **error_responses()},
)
class PartnershipList(CivicAPIView, generics.ListAPIView):
    """The partnerships you belong to, with your role in each."""

    serializer_class = MembershipSerializer

    def get_queryset(self):
        return selectors.membership_list_for_user(user=self.request.user).order_by(
            "partnership__name", "pk"
        )
