"""The engagement log over the API: /api/v1/p/<slug>/activities/.

The same services as the pages: leads log activity for their organisation,
admins for all; another partnership's activity is a 404.
"""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from partnerships.api import (
    BilingualSerializerMixin,
    FilteredListMixin,
    TenantAPIView,
    error_responses,
)

from . import selectors, services
from .models import Activity, ActivityStatus, ContinuumLevel


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CommunitySerializer(NamedSerializer):
    dimension = serializers.CharField(source="dimension.name")


class ActivitySerializer(BilingualSerializerMixin, serializers.ModelSerializer):
    level_name = serializers.SerializerMethodField(
        help_text=gettext_lazy("The level as the partnership names it.")
    )
    organisations = NamedSerializer(many=True)
    communities = CommunitySerializer(many=True)
    standards_met = NamedSerializer(many=True)
    participant_breakdown = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=gettext_lazy("Participants by category id: counts only."),
    )

    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "starts_on",
            "ends_on",
            "status",
            "level",
            "level_name",
            "method",
            "organisations",
            "communities",
            "participants",
            "participant_breakdown",
            "standards_met",
            "feedback_said",
            "feedback_done",
            "updated_at",
            "title_cy",
        ]

    def get_level_name(self, activity) -> str:
        return self.context["level_names"][activity.level]


class ActivityWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=services.TITLE_MAX)
    title_cy = serializers.CharField(
        max_length=services.TITLE_MAX,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text=gettext_lazy(
            "The title in Welsh; empty clears it, left out or null keeps it."
        ),
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(
        required=False, help_text=gettext_lazy("The first day if left out.")
    )
    status = serializers.ChoiceField(
        choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    level = serializers.ChoiceField(choices=ContinuumLevel.choices)
    method = serializers.CharField(
        max_length=services.METHOD_MAX, required=False, allow_blank=True, default=""
    )
    organisations = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        max_length=100,
        help_text=gettext_lazy("Organisation ids: a lead's own is among them."),
    )
    communities = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        max_length=200,
        required=False,
        default=list,
        help_text=gettext_lazy("Category ids of the partnership's dimensions."),
    )
    standards_met = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        max_length=100,
        required=False,
        default=list,
        help_text=gettext_lazy("Ids of the standards the activity met."),
    )
    participants = serializers.IntegerField(
        min_value=0, max_value=10_000_000, required=False, allow_null=True, default=None
    )
    participant_breakdown = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=10_000_000),
        required=False,
        default=dict,
        help_text=gettext_lazy("Participants by category id (as a string key)."),
    )
    feedback_said = serializers.CharField(
        max_length=services.FEEDBACK_MAX, required=False, allow_blank=True, default=""
    )
    feedback_done = serializers.CharField(
        max_length=services.FEEDBACK_MAX, required=False, allow_blank=True, default=""
    )

    def validate_participant_breakdown(self, value: dict) -> dict[int, int]:
        if len(value) > 200:
            raise serializers.ValidationError(
                gettext_lazy("Break the participants down by at most 200 categories.")
            )
        if not all(str(key).isdecimal() and len(str(key)) < 19 for key in value):
            raise serializers.ValidationError(
                gettext_lazy('Each key is a category id, such as "12".')
            )
        return {int(key): count for key, count in value.items()}

    def as_input(self) -> services.ActivityInput:
        data = self.validated_data
        return services.ActivityInput(
            title=data["title"],
            title_cy=data["title_cy"],
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on") or data["starts_on"],
            status=data["status"],
            level=data["level"],
            method=data["method"],
            organisation_ids=data["organisations"],
            community_ids=data["communities"],
            standard_ids=data["standards_met"],
            participants=data["participants"],
            breakdown=data["participant_breakdown"],
            feedback_said=data["feedback_said"],
            feedback_done=data["feedback_done"],
        )


class ActivityFilters(serializers.Serializer):
    starts_from = serializers.DateField(
        required=False, help_text=gettext_lazy("Only activities running on or after.")
    )
    ends_by = serializers.DateField(
        required=False, help_text=gettext_lazy("Only activities running on or before.")
    )
    level = serializers.ChoiceField(choices=ContinuumLevel.choices, required=False)
    status = serializers.ChoiceField(choices=ActivityStatus.choices, required=False)
    organisation = serializers.IntegerField(
        required=False, min_value=1, max_value=2**62
    )


class _ActivityView(TenantAPIView):
    def get_queryset(self):
        return selectors.activity_list(partnership=self.request.partnership)

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "level_names": selectors.level_names(partnership=self.request.partnership),
        }

    def _read(self, activity: Activity) -> dict:
        activity = self.get_queryset().get(pk=activity.pk)
        return ActivitySerializer(activity, context=self.get_serializer_context()).data


@extend_schema(
    tags=["engagement"],
    parameters=[ActivityFilters],
    responses={200: ActivitySerializer(many=True), **error_responses(400)},
)
class ActivityList(_ActivityView, FilteredListMixin, generics.ListAPIView):
    """The engagement log: each activity's dates, continuum level,
    participants and standards met; leads and admins log one with POST."""

    serializer_class = ActivitySerializer
    filter_serializer_class = ActivityFilters

    def get_queryset(self):
        activities = super().get_queryset()
        filters = self.filters()
        if "starts_from" in filters:
            activities = activities.filter(ends_on__gte=filters["starts_from"])
        if "ends_by" in filters:
            activities = activities.filter(starts_on__lte=filters["ends_by"])
        for name in ("level", "status"):
            if name in filters:
                activities = activities.filter(**{name: filters[name]})
        if "organisation" in filters:
            activities = activities.filter(
                activityorganisation__organisation_id=filters["organisation"]
            )
        return activities

    @extend_schema(
        parameters=[],
        request=ActivityWriteSerializer,
        responses={201: ActivitySerializer, **error_responses(400, 403)},
    )
    def post(self, request: Request, slug: str) -> Response:
        incoming = ActivityWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        with self.history_context():
            activity = services.activity_create(
                partnership=request.partnership,
                actor=request.user,
                data=incoming.as_input(),
            )
        return Response(self._read(activity), status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["engagement"], responses={200: ActivitySerializer, **error_responses()}
)
class ActivityDetail(_ActivityView, generics.RetrieveAPIView):
    serializer_class = ActivitySerializer

    @extend_schema(
        request=ActivityWriteSerializer,
        responses={200: ActivitySerializer, **error_responses(400, 403)},
    )
    def put(self, request: Request, slug: str, pk: int) -> Response:
        activity = self.get_object()
        incoming = ActivityWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        with self.history_context():
            activity = services.activity_update(
                partnership=request.partnership,
                actor=request.user,
                activity=activity,
                data=incoming.as_input(),
            )
        return Response(self._read(activity))

    @extend_schema(responses={204: None, **error_responses(400, 403)})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        activity = self.get_object()
        with self.history_context():
            services.activity_delete(
                partnership=request.partnership, actor=request.user, activity=activity
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
