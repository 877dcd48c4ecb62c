"""The framework, read-only: mission, priorities, outcomes, projects."""

from django.http import Http404
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from partnerships.api import (
    AdminForWrites,
    BilingualSerializerMixin,
    FilteredListMixin,
    TenantAPIView,
    error_responses,
)
from partnerships.text_limits import limit_of

from . import selectors, services
from .models import Horizon, Mission, Outcome, Priority, Project


class MissionSerializer(BilingualSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Mission
        fields = [
            "statement",
            "target_year",
            "description",
            "statement_cy",
            "description_cy",
        ]


class PrioritySerializer(BilingualSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Priority
        fields = [
            "id",
            "position",
            "name",
            "mission_statement",
            "name_cy",
            "mission_statement_cy",
        ]


class OutcomeSerializer(BilingualSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Outcome
        fields = [
            "id",
            "priority",
            "position",
            "statement",
            "horizon",
            "what_it_looks_like",
            "statement_cy",
            "what_it_looks_like_cy",
        ]


class ProjectSerializer(BilingualSerializerMixin, serializers.ModelSerializer):
    lead_organisation = serializers.CharField(
        source="lead_organisation.name", allow_null=True, read_only=True
    )
    lead_person = serializers.EmailField(
        source="lead_person.email", allow_null=True, read_only=True
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "description",
            "priority",
            "outcome",
            "lead_organisation",
            "lead_person",
            "status",
            "name_cy",
            "description_cy",
        ]


class PriorityWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    mission_statement = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=limit_of(Priority, "mission_statement"),
        default="",
    )
    position = serializers.IntegerField(
        required=False, min_value=0, max_value=32767, help_text="Last if left out."
    )


@extend_schema_field(OpenApiTypes.INT)
class PartnershipPriorityField(serializers.PrimaryKeyRelatedField):
    """A priority of the request's partnership, by id; another's is unknown."""

    def get_queryset(self):
        return selectors.priority_list(partnership=self.context["partnership"])


class OutcomeWriteSerializer(serializers.Serializer):
    statement = serializers.CharField(max_length=limit_of(Outcome, "statement"))
    priority = PartnershipPriorityField(
        allow_null=True, help_text="The priority's id, or null for the mission."
    )
    horizon = serializers.ChoiceField(choices=Horizon.choices)
    what_it_looks_like = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=limit_of(Outcome, "what_it_looks_like"),
        default="",
    )
    position = serializers.IntegerField(
        required=False, min_value=0, max_value=32767, help_text="Last if left out."
    )


class OutcomeFilters(serializers.Serializer):
    priority = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=gettext_lazy("Only this priority's outcomes."),
    )


class ProjectFilters(serializers.Serializer):
    priority = serializers.IntegerField(required=False, min_value=1)
    outcome = serializers.IntegerField(required=False, min_value=1)


@extend_schema(
    tags=["framework"], responses={200: MissionSerializer, **error_responses()}
)
class MissionDetail(TenantAPIView):
    """The partnership's mission (404 when none is set)."""

    def get(self, request: Request, slug: str) -> Response:
        mission = selectors.mission_get(partnership=request.partnership)
        if mission is None:
            raise Http404
        return Response(MissionSerializer(mission).data)


@extend_schema(
    tags=["framework"],
    responses={200: PrioritySerializer(many=True), **error_responses()},
)
class PriorityList(TenantAPIView, generics.ListAPIView):
    """The partnership's priorities; admins add one with POST."""

    serializer_class = PrioritySerializer
    permission_classes = [IsAuthenticated, AdminForWrites]

    def get_queryset(self):
        return selectors.priority_list(partnership=self.request.partnership)

    @extend_schema(
        request=PriorityWriteSerializer,
        responses={201: PrioritySerializer, **error_responses(400, 403)},
    )
    def post(self, request: Request, slug: str) -> Response:
        incoming = PriorityWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        with self.history_context():
            priority = services.priority_create(
                partnership=request.partnership,
                actor=request.user,
                **incoming.validated_data,
            )
        return Response(
            PrioritySerializer(priority).data, status=status.HTTP_201_CREATED
        )


@extend_schema(
    tags=["framework"], responses={200: PrioritySerializer, **error_responses()}
)
class PriorityDetail(TenantAPIView, generics.RetrieveAPIView):
    serializer_class = PrioritySerializer

    def get_queryset(self):
        return selectors.priority_list(partnership=self.request.partnership)


@extend_schema(
    tags=["framework"],
    parameters=[OutcomeFilters],
    responses={200: OutcomeSerializer(many=True), **error_responses(400)},
)
class OutcomeList(TenantAPIView, FilteredListMixin, generics.ListAPIView):
    """The partnership's outcomes; admins add one with POST."""

    serializer_class = OutcomeSerializer
    filter_serializer_class = OutcomeFilters
    permission_classes = [IsAuthenticated, AdminForWrites]

    def get_queryset(self):
        return selectors.outcome_list(partnership=self.request.partnership).filter(
            **{f"{name}_id": value for name, value in self.filters().items()}
        )

    @extend_schema(
        parameters=[],
        request=OutcomeWriteSerializer,
        responses={201: OutcomeSerializer, **error_responses(400, 403)},
    )
    def post(self, request: Request, slug: str) -> Response:
        incoming = OutcomeWriteSerializer(
            data=request.data, context={"partnership": request.partnership}
        )
        incoming.is_valid(raise_exception=True)
        with self.history_context():
            outcome = services.outcome_create(
                partnership=request.partnership,
                actor=request.user,
                **incoming.validated_data,
            )
        return Response(OutcomeSerializer(outcome).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["framework"], responses={200: OutcomeSerializer, **error_responses()}
)
class OutcomeDetail(TenantAPIView, generics.RetrieveAPIView):
    serializer_class = OutcomeSerializer

    def get_queryset(self):
        return selectors.outcome_list(partnership=self.request.partnership)


@extend_schema(
    tags=["framework"],
    parameters=[ProjectFilters],
    responses={200: ProjectSerializer(many=True), **error_responses(400)},
)
class ProjectList(TenantAPIView, FilteredListMixin, generics.ListAPIView):
    serializer_class = ProjectSerializer
    filter_serializer_class = ProjectFilters

    def get_queryset(self):
        return selectors.project_list(partnership=self.request.partnership).filter(
            **{f"{name}_id": value for name, value in self.filters().items()}
        )


@extend_schema(
    tags=["framework"], responses={200: ProjectSerializer, **error_responses()}
)
class ProjectDetail(TenantAPIView, generics.RetrieveAPIView):
    serializer_class = ProjectSerializer

    def get_queryset(self):
        return selectors.project_list(partnership=self.request.partnership)
