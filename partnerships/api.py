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
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from . import members, mfa, policy, selectors, services, tenancy
from .apiconf import NON_FIELD, ApiError, django_errors
from .models import Invitation, Role

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
        # Also points the transaction at the partnership (row-level security).
        membership = selectors.membership_enter(
            user=request.user, slug=self.kwargs["slug"]
        )
        if membership is None:
            raise exceptions.NotFound(_("No such partnership."))
        request.membership = membership
        request.partnership = membership.partnership
        if (
            settings.MFA_REQUIRED
            and membership.partnership.members_need_second_factor
            and not mfa.has_second_factor(request.user)
        ):
            # A token outlives the sign-in it was made in: a partnership that
            # asks a second factor of everyone refuses the API to a member
            # who has none, as its pages send them to add one.
            raise exceptions.PermissionDenied(
                _(
                    "This partnership asks every member to use two-step sign-in. "
                    "Add an authenticator app under Two-step sign-in first."
                )
            )
        super().check_permissions(request)

    def history_context(self) -> pghistory.context:
        """The change history's who and how for this request's writes."""
        return pghistory.context(user=self.request.user.pk, path="api")


class CanEnterValues(BasePermission):
    # Lazy: a class attribute is read once, at import, in whatever language
    # the first request happened to be in; each refusal is in its request's.
    message = gettext_lazy("Only project leads and admins can record values.")

    def has_permission(self, request, view) -> bool:
        return policy.may_enter_figures(request.membership)


class AdminForWrites(BasePermission):
    message = gettext_lazy("Only the partnership's admins can do this.")

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


# Members and invitations ------------------------------------------------------


class AdminOnly(BasePermission):
    message = gettext_lazy("Only the partnership's admins can do this.")

    def has_permission(self, request, view) -> bool:
        return policy.may_administer(request.membership)


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    organisation = serializers.CharField(
        source="organisation.name", allow_null=True, read_only=True
    )
    measures_led = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Codes of the measures this member leads.",
    )
    last_login = serializers.DateTimeField(
        source="user.last_login", allow_null=True, read_only=True
    )


class MemberChangeSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    organisation = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=200,
        help_text="The name of one of the partnership's organisations; null for none.",
    )


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    organisation = serializers.CharField(
        source="organisation.name", allow_null=True, read_only=True
    )
    language = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    sent_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)
    organisation = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=200,
        help_text="The name of one of the partnership's organisations.",
    )
    full_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        help_text="The language of the email; the request's language when left out.",
    )


def _organisation_named(partnership, name: str | None):
    if name is None or name == "":
        return None
    organisation = (
        selectors.organisation_list(partnership=partnership).filter(name=name).first()
    )
    if organisation is None:
        raise ApiError(
            _("The request has errors: see “errors”."),
            errors={
                "organisation": [
                    _("No organisation of this partnership is called “%(name)s”.")
                    % {"name": name}
                ]
            },
        )
    return organisation


@extend_schema(tags=["members"])
class MemberList(TenantAPIView, generics.ListAPIView):
    """The partnership's members with role, organisation, the measures they
    lead and when they last signed in (admins only)."""

    permission_classes = [AdminOnly]
    serializer_class = MemberSerializer

    @extend_schema(responses={200: MemberSerializer(many=True), **error_responses(403)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.member_list(partnership=self.request.partnership).order_by(
            "pk"
        )


PK = OpenApiParameter(
    "pk", int, OpenApiParameter.PATH, description="The object's id, as listed."
)


@extend_schema(tags=["members"], parameters=[PK])
class MemberDetail(TenantAPIView):
    """One member: change their role or organisation, or remove them. The
    partnership's last admin cannot be demoted or removed (400)."""

    permission_classes = [AdminOnly]

    def _get(self, pk: int):
        membership = (
            selectors.member_list(partnership=self.request.partnership)
            .filter(pk=pk)
            .first()
        )
        if membership is None:
            raise exceptions.NotFound(_("No such member."))
        return membership

    @extend_schema(responses={200: MemberSerializer, **error_responses(403)})
    def get(self, request, slug: str, pk: int):
        return Response(MemberSerializer(self._get(pk)).data)

    @extend_schema(
        request=MemberChangeSerializer,
        responses={200: MemberSerializer, **error_responses(400, 403)},
    )
    def patch(self, request, slug: str, pk: int):
        self._get(pk)
        incoming = MemberChangeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        change_organisation = "organisation" in data
        organisation = (
            _organisation_named(request.partnership, data["organisation"])
            if change_organisation
            else None
        )
        with self.history_context():
            members.membership_change(
                partnership=request.partnership,
                membership_id=pk,
                role=data.get("role"),
                organisation=organisation,
                change_organisation=change_organisation,
                actor=request.user,
                request=request,
            )
        return Response(MemberSerializer(self._get(pk)).data)

    @extend_schema(responses={204: None, **error_responses(400, 403)})
    def delete(self, request, slug: str, pk: int):
        self._get(pk)
        with self.history_context():
            members.membership_remove(
                partnership=request.partnership,
                membership_id=pk,
                actor=request.user,
                request=request,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["members"])
class InvitationList(TenantAPIView, generics.ListAPIView):
    """Invitations not yet accepted or revoked; POST invites someone by email
    (the link goes only to their inbox, never into the response)."""

    permission_classes = [AdminOnly]
    serializer_class = InvitationSerializer

    def get_queryset(self):
        return selectors.invitation_list(partnership=self.request.partnership).order_by(
            "pk"
        )

    @extend_schema(
        responses={200: InvitationSerializer(many=True), **error_responses(403)}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=InvitationCreateSerializer,
        responses={201: InvitationSerializer, **error_responses(400, 403)},
    )
    def post(self, request, slug: str):
        incoming = InvitationCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        organisation = _organisation_named(
            request.partnership, data.get("organisation")
        )
        sent = members.invitation_create(
            partnership=request.partnership,
            email=data["email"],
            role=data["role"],
            full_name=data.get("full_name", ""),
            organisation=organisation,
            language=data.get("language"),
            actor=request.user,
            request=request,
        )
        return Response(
            InvitationSerializer(sent.invitation).data, status=status.HTTP_201_CREATED
        )


class _InvitationAction(TenantAPIView):
    permission_classes = [AdminOnly]

    def act(self, request, pk: int):
        raise NotImplementedError

    def post(self, request, slug: str, pk: int):
        try:
            invitation = self.act(request, pk)
        except Invitation.DoesNotExist:
            raise exceptions.NotFound(_("No such invitation.")) from None
        return Response(InvitationSerializer(invitation).data)


@extend_schema(
    tags=["members"],
    parameters=[PK],
    request=None,
    responses={200: InvitationSerializer, **error_responses(400, 403)},
)
class InvitationResend(_InvitationAction):
    """Send an open invitation again, with a new link valid for 7 days; the
    link sent before stops working."""

    def act(self, request, pk: int):
        return members.invitation_resend(
            partnership=request.partnership,
            invitation_id=pk,
            actor=request.user,
            request=request,
        ).invitation


@extend_schema(
    tags=["members"],
    parameters=[PK],
    request=None,
    responses={200: InvitationSerializer, **error_responses(400, 403)},
)
class InvitationRevoke(_InvitationAction):
    """Withdraw an open invitation: its link stops working at once."""

    def act(self, request, pk: int):
        return members.invitation_revoke(
            partnership=request.partnership,
            invitation_id=pk,
            actor=request.user,
            request=request,
        )


# Organisations ----------------------------------------------------------------


class OrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    member_count = serializers.IntegerField(read_only=True)


class OrganisationMergeSerializer(serializers.Serializer):
    into = serializers.IntegerField(
        min_value=1, help_text="The id of the organisation to keep."
    )


def _organisation(request, pk: int):
    organisation = (
        selectors.organisation_list(partnership=request.partnership)
        .filter(pk=pk)
        .first()
    )
    if organisation is None:
        raise exceptions.NotFound(_("No such organisation."))
    return organisation


@extend_schema(tags=["members"])
class OrganisationList(TenantAPIView, generics.ListAPIView):
    """The partner bodies members and projects belong to; POST adds one."""

    permission_classes = [AdminOnly]
    serializer_class = OrganisationSerializer

    def get_queryset(self):
        return selectors.organisation_list(partnership=self.request.partnership)

    @extend_schema(
        responses={200: OrganisationSerializer(many=True), **error_responses(403)}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=OrganisationSerializer,
        responses={201: OrganisationSerializer, **error_responses(400, 403)},
    )
    def post(self, request, slug: str):
        incoming = OrganisationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        organisation = members.organisation_add(
            partnership=request.partnership,
            name=incoming.validated_data["name"],
            actor=request.user,
            request=request,
        )
        return Response(
            OrganisationSerializer(_organisation(request, organisation.pk)).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["members"], parameters=[PK])
class OrganisationDetail(TenantAPIView):
    """One organisation; PATCH renames it."""

    permission_classes = [AdminOnly]

    @extend_schema(responses={200: OrganisationSerializer, **error_responses(403)})
    def get(self, request, slug: str, pk: int):
        return Response(OrganisationSerializer(_organisation(request, pk)).data)

    @extend_schema(
        request=OrganisationSerializer,
        responses={200: OrganisationSerializer, **error_responses(400, 403)},
    )
    def patch(self, request, slug: str, pk: int):
        _organisation(request, pk)
        incoming = OrganisationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        members.organisation_rename(
            partnership=request.partnership,
            organisation_id=pk,
            name=incoming.validated_data["name"],
            actor=request.user,
            request=request,
        )
        return Response(OrganisationSerializer(_organisation(request, pk)).data)


@extend_schema(
    tags=["members"],
    parameters=[PK],
    request=OrganisationMergeSerializer,
    responses={200: OrganisationSerializer, **error_responses(400, 403)},
)
class OrganisationMerge(TenantAPIView):
    """Merge this organisation into ``into``: its members, invitations and
    projects move to the kept one, and this one is gone. Answers the kept one."""

    permission_classes = [AdminOnly]

    def post(self, request, slug: str, pk: int):
        _organisation(request, pk)
        incoming = OrganisationMergeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        kept = members.organisation_merge(
            partnership=request.partnership,
            organisation_id=pk,
            into_id=incoming.validated_data["into"],
            actor=request.user,
            request=request,
        )
        return Response(OrganisationSerializer(_organisation(request, kept.pk)).data)


class BilingualSerializerMixin:
    """A serializer of texts held in English and Welsh (django-modeltranslation).

    Each field named in ``Meta.fields`` that has ``<field>_cy`` in ``fields``
    too is the stored English text, whatever language the request asks for;
    ``<field>_cy`` is the Welsh text, null while there is none (a Welsh page
    then shows the English). So a client reads both, and its ``name`` does not
    change with its ``Accept-Language``.
    """

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for name in list(data):
            if f"{name}_cy" in data and hasattr(instance, f"{name}_en"):
                data[name] = getattr(instance, f"{name}_en") or ""
        return data


class SecondFactorRequirementAsk(serializers.Serializer):
    members_need_second_factor = serializers.BooleanField(
        help_text=(
            "Every member must use two-step sign-in (admins must in any case). "
            "Members without a second factor are sent to add one, and the API "
            "refuses them (403) until they have."
        ),
    )


@extend_schema(tags=["members"])
class SecondFactorRequirement(TenantAPIView):
    """Whether the partnership asks a second factor of all its members; PUT
    changes it (admins; a browser session needs a recent sign-in, as the
    Settings page does)."""

    permission_classes = [AdminOnly]

    def _answer(self, request) -> Response:
        return Response(
            {
                "members_need_second_factor": (
                    request.partnership.members_need_second_factor
                )
            }
        )

    @extend_schema(responses={200: SecondFactorRequirementAsk, **error_responses(403)})
    def get(self, request, slug: str):
        return self._answer(request)

    @extend_schema(
        request=SecondFactorRequirementAsk,
        responses={200: SecondFactorRequirementAsk, **error_responses(400, 403)},
    )
    def put(self, request, slug: str):
        incoming = SecondFactorRequirementAsk(data=request.data)
        incoming.is_valid(raise_exception=True)
        if request.auth is None and not mfa.authenticated_recently(request):
            raise exceptions.PermissionDenied(
                _(
                    "Nothing was changed. Confirm it is you (sign in again), "
                    "or use an API token, then try again."
                )
            )
        services.partnership_second_factor_requirement_set(
            partnership=request.partnership,
            required=incoming.validated_data["members_need_second_factor"],
            actor=request.user,
            request=request,
        )
        return self._answer(request)
