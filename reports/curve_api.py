"""Turning the curve through the API: the stories behind a headline measure's
curve and a national indicator's, as the measure's curve page and the
indicator page read and write them (``reports.curve``).

Every member reads them; admins write the current reporting year's story.
Earlier years' stories stay as they were written: a PUT for one is a 400.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from kpis.models import PerformanceMeasure
from partnerships.api import (
    AdminForWrites,
    FilteredListMixin,
    TenantAPIView,
    error_responses,
)
from wellbeing.models import CurveStory, NationalIndicator

from .curve import curve_story_list, curve_story_write
from .indicators import indicator_for_partnership

# A year outside these is no reporting year the API knows (as elsewhere).
_YEARS = (2000, 2100)


class CurveStoryActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CurveStorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    measure = serializers.CharField(
        source="measure.code",
        allow_null=True,
        default=None,
        help_text="The headline measure's code, or null for an indicator's story.",
    )
    indicator = serializers.IntegerField(
        source="indicator.number",
        allow_null=True,
        default=None,
        help_text="The national indicator's number, or null for a measure's story.",
    )
    year = serializers.IntegerField(
        help_text="The reporting year the story was written for (named by the "
        "year it starts in)."
    )
    year_label = serializers.CharField()
    editable = serializers.BooleanField(
        help_text="Whether it is the current reporting year's story, the only "
        "one an admin can change; earlier years' stay as written."
    )
    story = serializers.CharField(help_text="The story behind the curve.")
    partners = serializers.CharField(help_text="Partners with a role to play.")
    what_works = serializers.CharField(
        help_text="What works, including no-cost and low-cost ideas."
    )
    action_plan = serializers.CharField()
    actions = CurveStoryActionSerializer(
        source="linked_actions",
        many=True,
        help_text="The actions that carry out the plan, in plan order.",
    )
    updated_by = serializers.EmailField(
        source="updated_by.email", allow_null=True, default=None
    )
    updated_at = serializers.DateTimeField()


def _text(help_text: str) -> serializers.CharField:
    # The length limit is the service's (the page's message, with the count).
    return serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text=help_text,
    )


class CurveStoryWriteSerializer(serializers.Serializer):
    story = _text("The story behind the curve: causes and forces at work.")
    partners = _text("Partners with a role to play.")
    what_works = _text("What could work, including low-cost ideas.")
    action_plan = _text("What the partnership proposes to do.")
    actions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        default=list,
        max_length=500,
        help_text="Ids of the partnership's actions that carry out the plan "
        "(actions/); the story's links become exactly these.",
    )


class CurveStoryYearFilter(serializers.Serializer):
    year = serializers.IntegerField(
        required=False, min_value=_YEARS[0], max_value=_YEARS[1]
    )


_YEAR_PARAMETER = OpenApiParameter(
    "year",
    int,
    OpenApiParameter.QUERY,
    required=False,
    description=gettext_lazy("Only the stories of this reporting year."),
)


def _measure(request: Request, code: str) -> PerformanceMeasure:
    measure = PerformanceMeasure.objects.filter(
        partnership=request.partnership, code=code, is_headline=True
    ).first()
    if measure is None:
        raise NotFound(
            _(
                "No headline measure has the code “%(code)s”: turning the curve "
                "is written for the headline measures."
            )
            % {"code": code}
        )
    return measure


def _indicator(request: Request, number: int) -> NationalIndicator:
    try:
        return indicator_for_partnership(partnership=request.partnership, number=number)
    except NationalIndicator.DoesNotExist:
        raise NotFound(_("No such indicator in the partnership's framework.")) from None


class _CurveStories(FilteredListMixin, TenantAPIView):
    """A measure's or an indicator's stories, each year's."""

    filter_serializer_class = CurveStoryYearFilter

    def subject(self, request: Request, **kwargs) -> dict:
        raise NotImplementedError

    def get(self, request: Request, slug: str, **kwargs) -> Response:
        subject = self.subject(request, **kwargs)
        stories = curve_story_list(
            partnership=request.partnership, **subject, **self.filters()
        )
        return Response(CurveStorySerializer(stories, many=True).data)


class _CurveStoryYear(TenantAPIView):
    """One year's story of a measure or an indicator."""

    permission_classes = [IsAuthenticated, AdminForWrites]

    def subject(self, request: Request, **kwargs) -> dict:
        raise NotImplementedError

    def _story(self, request: Request, subject: dict, year: int) -> CurveStory:
        stories = (
            curve_story_list(partnership=request.partnership, **subject, year=year)
            if _YEARS[0] <= year <= _YEARS[1]
            else []
        )
        if not stories:
            raise NotFound(_("No story behind the curve was written for that year."))
        return stories[0]

    def get(self, request: Request, slug: str, year: int, **kwargs) -> Response:
        subject = self.subject(request, **kwargs)
        story = self._story(request, subject, int(year))
        return Response(CurveStorySerializer(story).data)

    def put(self, request: Request, slug: str, year: int, **kwargs) -> Response:
        # A measure's path is a regular expression: its year comes as text.
        year = int(year)
        subject = self.subject(request, **kwargs)
        incoming = CurveStoryWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        existed = (
            _YEARS[0] <= year <= _YEARS[1]
            and CurveStory.objects.filter(
                partnership=request.partnership, year=year, **subject
            ).exists()
        )
        with self.history_context():
            curve_story_write(
                partnership=request.partnership,
                actor=request.user,
                action_ids=data.pop("actions"),
                year=year,
                **subject,
                **data,
            )
        return Response(
            CurveStorySerializer(self._story(request, subject, year)).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


_READ = {200: CurveStorySerializer(many=True), **error_responses(400)}
_ONE = {200: CurveStorySerializer, **error_responses()}
_WRITE = {
    200: CurveStorySerializer,
    201: CurveStorySerializer,
    **error_responses(400, 403),
}
_PUT_DESCRIPTION = gettext_lazy(
    "Writes the current reporting year's four answers and the actions that "
    "carry out the plan (201 when the year had no story yet). Fields left out "
    "are emptied, as on the page's form. Another year's story is a 400: "
    "earlier years' stay as they were written."
)


@extend_schema(tags=["turning the curve"])
class MeasureCurveStories(_CurveStories):
    @extend_schema(
        summary="A headline measure's stories behind the curve, newest year first",
        parameters=[_YEAR_PARAMETER],
        responses=_READ,
    )
    def get(self, request: Request, slug: str, **kwargs) -> Response:
        return super().get(request, slug, **kwargs)

    def subject(self, request: Request, code: str) -> dict:
        return {"measure": _measure(request, code)}


@extend_schema(tags=["turning the curve"])
class MeasureCurveStoryYear(_CurveStoryYear):
    @extend_schema(summary="A headline measure's story for a year", responses=_ONE)
    def get(self, request: Request, slug: str, year: int, **kwargs) -> Response:
        return super().get(request, slug, year, **kwargs)

    @extend_schema(
        summary="Write a headline measure's story for the current year (admins)",
        description=_PUT_DESCRIPTION,
        request=CurveStoryWriteSerializer,
        responses=_WRITE,
    )
    def put(self, request: Request, slug: str, year: int, **kwargs) -> Response:
        return super().put(request, slug, year, **kwargs)

    def subject(self, request: Request, code: str) -> dict:
        return {"measure": _measure(request, code)}


@extend_schema(tags=["turning the curve"])
class IndicatorCurveStories(_CurveStories):
    @extend_schema(
        summary="A national indicator's stories behind the curve, newest year first",
        parameters=[_YEAR_PARAMETER],
        responses=_READ,
    )
    def get(self, request: Request, slug: str, **kwargs) -> Response:
        return super().get(request, slug, **kwargs)

    def subject(self, request: Request, number: int) -> dict:
        return {"indicator": _indicator(request, number)}


@extend_schema(tags=["turning the curve"])
class IndicatorCurveStoryYear(_CurveStoryYear):
    @extend_schema(summary="A national indicator's story for a year", responses=_ONE)
    def get(self, request: Request, slug: str, year: int, **kwargs) -> Response:
        return super().get(request, slug, year, **kwargs)

    @extend_schema(
        summary="Write a national indicator's story for the current year (admins)",
        description=_PUT_DESCRIPTION,
        request=CurveStoryWriteSerializer,
        responses=_WRITE,
    )
    def put(self, request: Request, slug: str, year: int, **kwargs) -> Response:
        return super().put(request, slug, year, **kwargs)

    def subject(self, request: Request, number: int) -> dict:
        return {"indicator": _indicator(request, number)}


@extend_schema(tags=["turning the curve"])
class CurveStoryList(FilteredListMixin, TenantAPIView):
    filter_serializer_class = CurveStoryYearFilter

    @extend_schema(
        summary="Every story behind a curve, measures' and indicators', newest "
        "year first",
        parameters=[_YEAR_PARAMETER],
        responses=_READ,
    )
    def get(self, request: Request, slug: str) -> Response:
        stories = curve_story_list(partnership=request.partnership, **self.filters())
        return Response(CurveStorySerializer(stories, many=True).data)
