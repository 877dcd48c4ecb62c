"""The framework, read-only: mission, priorities, outcomes, projects."""

from django.http import Http404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from partnerships.api import FilteredListMixin, TenantAPIView, error_responses

from . import selectors
from .models import Mission, Outcome, Priority, Project


class MissionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Mission
        fields = ["statement", "target_year", "description"]


class PrioritySerializer(serializers.ModelSerializer):
    class Meta:
        model = Priority
        fields = ["id", "position", "name", "mission_statement"]


class OutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outcome
        fields = [
            "id",
            "priority",
            "position",
            "statement",
            "horizon",
            "what_it_looks_like",
        ]


class ProjectSerializer(serializers.ModelSerializer):
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
        ]


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
    serializer_class = PrioritySerializer

    def get_queryset(self):
        return selectors.priority_list(partnership=self.request.partnership)


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
    serializer_class = OutcomeSerializer
    filter_serializer_class = OutcomeFilters

    def get_queryset(self):
        return selectors.outcome_list(partnership=self.request.partnership).filter(
            **{f"{name}_id": value for name, value in self.filters().items()}
        )


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
