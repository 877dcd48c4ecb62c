"""The API's review cycle: what the Quarter and My measures pages do.

Included under /api/v1/p/<slug>/ in the ``api`` namespace (kpis/api_urls.py).
A quarter is named "YYYY-Q" in the URL, by the calendar year its reporting
year starts in. The services are kpis.review's, as the pages use them.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from partnerships import policy as roles
from partnerships.api import TenantAPIView, error_responses
from partnerships.apiconf import ApiError

from . import review, selectors
from .api import QuarterlyValueSerializer
from .models import QuarterlyValue
from .periods import Quarter


def _quarter(request: Request, key: str) -> Quarter:
    """The quarter a URL's "YYYY-Q" names; 404 for one outside 2000-2100 (as
    the rest of the API's years)."""
    try:
        quarter = Quarter.parse_key(key, request.partnership.reporting_year_start_month)
    except ValueError:
        quarter = None
    if quarter is None or not 2000 <= quarter.year <= 2100:
        raise NotFound(_("No such quarter: give it as YYYY-Q, e.g. 2024-1."))
    return quarter


def _admin_only(request: Request) -> None:
    if not roles.may_lock(request.membership):
        raise PermissionDenied(_("Only the partnership's admins can do this."))


class QuarterRowSerializer(serializers.Serializer):
    measure = serializers.CharField(source="measure.code")
    state = serializers.CharField(
        help_text="missing, draft, submitted, returned or approved."
    )
    value_id = serializers.IntegerField(source="value.pk", allow_null=True)
    version = serializers.IntegerField(source="value.version", allow_null=True)
    figure = serializers.CharField(source="figure_display")
    story = serializers.CharField(source="value.story", allow_null=True)
    return_reason = serializers.CharField(source="value.return_reason", allow_null=True)
    flags = serializers.SerializerMethodField(
        help_text="What the plausibility checks say about the figure."
    )
    leads = serializers.SerializerMethodField()

    def get_flags(self, row) -> list[str]:
        return [str(flag.message) for flag in row.flags]

    def get_leads(self, row) -> list[str]:
        return [user.email for user in row.leads]


class QuarterSerializer(serializers.Serializer):
    quarter = serializers.CharField(source="quarter.key")
    label = serializers.CharField(source="quarter.label")
    locked = serializers.BooleanField(source="is_locked")
    deadline = serializers.DateField()
    counts = serializers.SerializerMethodField(
        help_text="How many measures are in each state."
    )
    can_lock = serializers.BooleanField()
    rows = QuarterRowSerializer(many=True)

    def get_counts(self, quarter_review) -> dict[str, int]:
        return {state: count for state, _label, count in quarter_review.totals.labelled}


@extend_schema(
    tags=["review"],
    summary="A quarter's progress: every measure's state (admins and viewers)",
    responses={200: QuarterSerializer, **error_responses(403)},
)
class QuarterDetail(TenantAPIView):
    def get(self, request: Request, slug: str, key: str) -> Response:
        if not roles.may_follow_progress(request.membership):
            raise PermissionDenied(
                _("The quarter's progress is for admins and steering-group members.")
            )
        quarter = _quarter(request, key)
        return Response(
            QuarterSerializer(
                review.quarter_review_with_flags(
                    partnership=request.partnership, quarter=quarter
                )
            ).data
        )


class SubmitSerializer(serializers.Serializer):
    measures = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        max_length=1000,
        help_text="Measure codes to submit; leave out for all of yours.",
    )


class SubmitResultSerializer(serializers.Serializer):
    submitted = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="Your measures with no figure yet."
    )


@extend_schema(
    tags=["review"],
    summary="Submit your figures for the quarter for review",
    description=(
        "What My measures' submit does: every figure of your measures not yet "
        "submitted (or returned), or none. A figure the plausibility checks flag "
        "needs its story first: then nothing is submitted and the answer is 400 "
        "with the flagged measures under `errors.measures`."
    ),
    request=SubmitSerializer,
    responses={200: SubmitResultSerializer, **error_responses(400, 403)},
)
class QuarterSubmit(TenantAPIView):
    def post(self, request: Request, slug: str, key: str) -> Response:
        quarter = _quarter(request, key)
        incoming = SubmitSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        codes = incoming.validated_data.get("measures")
        measure_ids = None
        if codes is not None:
            found = dict(
                selectors.measure_list(partnership=request.partnership)
                .filter(code__in=codes)
                .values_list("code", "pk")
            )
            unknown = sorted(set(codes) - set(found))
            if unknown:
                raise ApiError(
                    _("Some measure codes are unknown; nothing was submitted."),
                    errors={"measures": [", ".join(unknown)]},
                )
            measure_ids = list(found.values())
        with self.history_context():
            result = review.quarter_submit(
                partnership=request.partnership,
                quarter=quarter,
                actor=request.user,
                measure_ids=measure_ids,
            )
        if result.needs_note:
            codes_by_pk = dict(
                selectors.measure_list(partnership=request.partnership)
                .filter(pk__in=list(result.needs_note))
                .values_list("pk", "code")
            )
            raise ApiError(
                _(
                    "Some figures need the story behind them before they can be "
                    "submitted; nothing was submitted."
                ),
                errors={
                    "measures": {
                        codes_by_pk[pk]: [str(flag.message) for flag in flags]
                        for pk, flags in result.needs_note.items()
                    }
                },
            )
        return Response(
            {
                "submitted": [v.measure.code for v in result.submitted],
                "missing": [m.code for m in result.missing],
            }
        )


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why it is returned: the lead sees it beside it."
    )


class ReviewAction(TenantAPIView):
    """approve / return one figure (admins)."""

    action = ""

    def post(self, request: Request, slug: str, pk: int) -> Response:
        _admin_only(request)
        try:
            with self.history_context():
                if self.action == "approve":
                    value = review.value_approve(
                        partnership=request.partnership,
                        value_id=pk,
                        actor=request.user,
                    )
                else:
                    incoming = ReturnSerializer(data=request.data)
                    incoming.is_valid(raise_exception=True)
                    value = review.value_return(
                        partnership=request.partnership,
                        value_id=pk,
                        actor=request.user,
                        reason=incoming.validated_data["reason"],
                    )
        except QuarterlyValue.DoesNotExist:
            raise NotFound(_("No such figure.")) from None
        value = selectors.value_list(partnership=request.partnership).get(pk=value.pk)
        return Response(QuarterlyValueSerializer(value).data)


@extend_schema(
    tags=["review"],
    summary="Approve one submitted figure (admins)",
    request=None,
    responses={200: QuarterlyValueSerializer, **error_responses(400, 403)},
)
class ValueApprove(ReviewAction):
    action = "approve"


@extend_schema(
    tags=["review"],
    summary="Return one figure to its lead with a reason (admins)",
    request=ReturnSerializer,
    responses={200: QuarterlyValueSerializer, **error_responses(400, 403)},
)
class ValueReturn(ReviewAction):
    action = "return"


class SeenSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=1)
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class ApproveSubmittedSerializer(serializers.Serializer):
    values = SeenSerializer(
        many=True,
        allow_empty=False,
        max_length=5000,
        help_text="The submitted figures you checked, each with the version you "
        "saw (from GET quarters/<key>/).",
    )


class ApproveResultSerializer(serializers.Serializer):
    approved = serializers.IntegerField()
    skipped = serializers.IntegerField(
        help_text="Figures no longer submitted at the version you sent: left alone."
    )


@extend_schema(
    tags=["review"],
    summary="Approve the submitted figures you checked, at once (admins)",
    request=ApproveSubmittedSerializer,
    responses={200: ApproveResultSerializer, **error_responses(400, 403)},
)
class QuarterApproveSubmitted(TenantAPIView):
    def post(self, request: Request, slug: str, key: str) -> Response:
        _admin_only(request)
        quarter = _quarter(request, key)
        incoming = ApproveSubmittedSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        period = (
            selectors.period_list(partnership=request.partnership)
            .filter(year=quarter.year, quarter=quarter.quarter)
            .first()
        )
        seen = {row["id"]: row["version"] for row in incoming.validated_data["values"]}
        if period is None:
            return Response({"approved": 0, "skipped": len(seen)})
        with self.history_context():
            result = review.values_approve_submitted(
                partnership=request.partnership,
                period=period,
                actor=request.user,
                seen=seen,
            )
        return Response({"approved": result.approved, "skipped": result.skipped})


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Kept in the history of every figure of the quarter."
    )


class LockResultSerializer(serializers.Serializer):
    quarter = serializers.CharField()
    locked = serializers.BooleanField()


@extend_schema(
    tags=["review"],
    summary="Lock a quarter whose figures are all approved (admins)",
    request=None,
    responses={200: LockResultSerializer, **error_responses(400, 403)},
)
class QuarterLock(TenantAPIView):
    def post(self, request: Request, slug: str, key: str) -> Response:
        _admin_only(request)
        quarter = _quarter(request, key)
        with self.history_context():
            review.period_lock(
                partnership=request.partnership, quarter=quarter, actor=request.user
            )
        return Response({"quarter": quarter.key, "locked": True})


@extend_schema(
    tags=["review"],
    summary="Reopen a locked quarter, with the reason (admins)",
    request=ReopenSerializer,
    responses={200: LockResultSerializer, **error_responses(400, 403)},
)
class QuarterReopen(TenantAPIView):
    def post(self, request: Request, slug: str, key: str) -> Response:
        _admin_only(request)
        quarter = _quarter(request, key)
        incoming = ReopenSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        with self.history_context():
            review.period_reopen(
                partnership=request.partnership,
                quarter=quarter,
                actor=request.user,
                reason=incoming.validated_data["reason"],
            )
        return Response({"quarter": quarter.key, "locked": False})
