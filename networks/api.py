"""The learning networks through the API: what the network pages do, through
the same services and selectors. The network endpoints read the shared
copies alone."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from partnerships.api import AdminForWrites, TenantAPIView, error_responses
from partnerships.bilingual import text_for

from . import selectors, services
from .models import Network
from .views import copy_language


class NetworkMembershipSerializer(serializers.Serializer):
    network_id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField(
        help_text=gettext_lazy("invited, accepted, declined or left.")
    )


class ResponseSerializer(serializers.Serializer):
    accept = serializers.BooleanField(
        help_text=gettext_lazy("True accepts the invitation, false declines it.")
    )


class AdoptionSerializer(serializers.Serializer):
    measure_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("One of the partnership's measures to link."),
    )
    new_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text=gettext_lazy("Instead: make a new measure with this code."),
    )
    new_priority_id = serializers.IntegerField(required=False, allow_null=True)
    is_shared = serializers.BooleanField(default=False)


class SharedFiguresSerializer(serializers.Serializer):
    partnership = serializers.CharField()
    measure = serializers.JSONField(
        help_text=gettext_lazy(
            "The shared measure as published to the network: figures by "
            "quarter and year with small numbers withheld, the chart, the curve."
        )
    )
    curve_stories = serializers.JSONField()


class SharedMeasureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    question = serializers.CharField()
    value_type = serializers.CharField()
    definition = serializers.CharField()
    data_source = serializers.CharField()
    adopted_measure_id = serializers.IntegerField(allow_null=True)
    is_shared = serializers.BooleanField()
    shared = SharedFiguresSerializer(many=True)


class NetworkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    shared_measures = SharedMeasureSerializer(many=True)


def _membership(m) -> dict:
    return {
        "network_id": m.network_id,
        "name": text_for(m.network, "name").text,
        "description": text_for(m.network, "description").text,
        "status": m.status,
    }


def _network(request, pk: int) -> Network:
    network = (
        selectors.network_list(partnership=request.partnership).filter(pk=pk).first()
    )
    if network is None:
        raise exceptions.NotFound(gettext_lazy("No such network."))
    return network


def _document(request, network: Network) -> dict:
    language = copy_language()
    pages = selectors.network_page_get(partnership=request.partnership, network=network)
    return {
        "id": network.pk,
        "name": text_for(network, "name").text,
        "description": text_for(network, "description").text,
        "shared_measures": [
            {
                "id": page.shared_measure.pk,
                "name": text_for(page.shared_measure, "name").text,
                "question": page.shared_measure.question,
                "value_type": page.shared_measure.value_type,
                "definition": text_for(page.shared_measure, "definition").text,
                "data_source": text_for(page.shared_measure, "data_source").text,
                "adopted_measure_id": page.adoption.measure_id
                if page.adoption
                else None,
                "is_shared": bool(page.adoption and page.adoption.is_shared),
                "shared": [
                    {
                        "partnership": copy.partnership_name,
                        "measure": copy.payload["languages"][language],
                        "curve_stories": copy.payload.get("curve_stories", []),
                    }
                    for copy in page.copies
                ],
            }
            for page in pages
        ],
    }


def _validation(error: ValidationError):
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(error.message_dict)
    return exceptions.ValidationError({"detail": error.messages})


@extend_schema(tags=["networks"])
class NetworkMembershipList(TenantAPIView):
    """The partnership's invitations and networks."""

    @extend_schema(
        responses={200: NetworkMembershipSerializer(many=True), **error_responses()}
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(
            [
                _membership(m)
                for m in selectors.network_membership_list(
                    partnership=request.partnership
                )
            ]
        )


@extend_schema(tags=["networks"])
class NetworkDetail(TenantAPIView):
    """A network the partnership is a member of: its library, and each
    sharing partnership's published figures."""

    @extend_schema(responses={200: NetworkSerializer, **error_responses()})
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(_document(request, _network(request, pk)))


@extend_schema(tags=["networks"])
class NetworkResponse(TenantAPIView):
    """Accept or decline an invitation (admins)."""

    permission_classes = [IsAuthenticated, AdminForWrites]

    @extend_schema(
        request=ResponseSerializer,
        responses={200: NetworkMembershipSerializer, **error_responses(400, 403)},
    )
    def post(self, request: Request, slug: str, pk: int) -> Response:
        incoming = ResponseSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            selectors.invited_network_get(partnership=request.partnership, pk=pk)
        except Network.DoesNotExist:
            raise exceptions.NotFound(gettext_lazy("No such invitation.")) from None
        membership = services.invitation_respond(
            partnership=request.partnership,
            membership=request.membership,
            network_id=pk,
            accept=incoming.validated_data["accept"],
        )
        return Response(_membership(membership))


@extend_schema(tags=["networks"])
class NetworkLeave(TenantAPIView):
    """Leave the network: everything shared with it is withdrawn (admins)."""

    permission_classes = [IsAuthenticated, AdminForWrites]

    @extend_schema(
        request=None,
        responses={200: NetworkMembershipSerializer, **error_responses(403)},
    )
    def post(self, request: Request, slug: str, pk: int) -> Response:
        network = _network(request, pk)
        membership = services.network_leave(
            partnership=request.partnership,
            membership=request.membership,
            network_id=network.pk,
        )
        return Response(_membership(membership))


@extend_schema(tags=["networks"])
class AdoptionDetail(TenantAPIView):
    """Adopt a shared measure and choose whether to share its figures (admins)."""

    permission_classes = [IsAuthenticated, AdminForWrites]

    def _shared_measure(self, request, pk: int, measure_pk: int):
        network = _network(request, pk)
        item = (
            selectors.shared_measure_list(network=network).filter(pk=measure_pk).first()
        )
        if item is None:
            raise exceptions.NotFound(gettext_lazy("No such shared measure."))
        return network, item

    @extend_schema(
        request=AdoptionSerializer,
        responses={200: NetworkSerializer, **error_responses(400, 403)},
    )
    def put(self, request: Request, slug: str, pk: int, measure_pk: int) -> Response:
        network, item = self._shared_measure(request, pk, measure_pk)
        incoming = AdoptionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            with self.history_context():
                services.adoption_set(
                    partnership=request.partnership,
                    membership=request.membership,
                    actor=request.user,
                    shared_measure=item,
                    measure_id=data.get("measure_id"),
                    new_code=(data.get("new_code") or "").strip(),
                    new_priority_id=data.get("new_priority_id"),
                    is_shared=data["is_shared"],
                )
        except ValidationError as error:
            raise _validation(error) from None
        return Response(_document(request, network))

    @extend_schema(request=None, responses={204: None, **error_responses(403)})
    def delete(self, request: Request, slug: str, pk: int, measure_pk: int) -> Response:
        _network_, item = self._shared_measure(request, pk, measure_pk)
        services.adoption_remove(
            partnership=request.partnership,
            membership=request.membership,
            shared_measure=item,
        )
        return Response(status=204)
