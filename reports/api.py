"""Annual reports: request one (admins), follow its status, download the PDF."""

from dataclasses import dataclass

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from partnerships.api import AdminForWrites, TenantAPIView, error_responses

from . import services
from .forms import default_report_language
from .models import AnnualReport, ReportLanguage, ReportStatus
from .selectors import (
    CURVE_LABELS,
    annual_report_list,
    measure_history_get,
    measure_pk_for_code,
)
from .views import ready_report_file


class AnnualReportSerializer(serializers.ModelSerializer):
    requested_by = serializers.EmailField(source="requested_by.email", allow_null=True)
    withdrawn_by = serializers.EmailField(
        source="withdrawn_by.email",
        allow_null=True,
        help_text="Who withdrew the report; null unless withdrawn.",
    )
    download_url = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Where to fetch the PDF once the report is ready; null until then."
        )
    )
    failure_code = serializers.CharField(
        read_only=True,
        help_text="Why the report failed, as a stable code; empty unless failed.",
    )
    failure_reason = serializers.CharField(
        source="failure_message",
        read_only=True,
        help_text="Why the report failed, in the language the request asked for.",
    )

    class Meta:
        model = AnnualReport
        fields = [
            "id",
            "year",
            "year_label",
            "language",
            "status",
            "failure_code",
            "failure_reason",
            "requested_by",
            "requested_at",
            "finished_at",
            "page_count",
            "size_bytes",
            "download_url",
            "withdrawn_at",
            "withdrawn_by",
        ]
        read_only_fields = fields

    def get_download_url(self, report: AnnualReport) -> str | None:
        if report.status != ReportStatus.READY:
            return None
        return reverse(
            "api:report_download",
            kwargs={"slug": report.partnership.slug, "pk": report.pk},
        )


class ReportRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy(
            "A reporting year that has figures (named by the year it starts in)."
        ),
    )
    language = serializers.ChoiceField(
        choices=ReportLanguage.choices,
        required=False,
        help_text=(
            "The report's language: en-gb, cy, or bilingual (Welsh, then English). "
            "Defaults to the request's language (Accept-Language)."
        ),
    )


@extend_schema(tags=["reports"])
class ReportList(TenantAPIView, generics.ListAPIView):
    """Every member sees the partnership's reports; admins request new ones."""

    serializer_class = AnnualReportSerializer
    permission_classes = [IsAuthenticated, AdminForWrites]

    def get_queryset(self):
        return annual_report_list(partnership=self.request.partnership)

    @extend_schema(
        responses={200: AnnualReportSerializer(many=True), **error_responses()}
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=gettext_lazy("Request a year's annual report (admins)"),
        description=(
            gettext_lazy(
                "Queues the PDF's rendering and answers 201 with the new report. "
                "When a report of the same year and language with the same "
                "figures is already queued, rendering or ready, answers 200 with "
                "that one instead."
            )
        ),
        request=ReportRequestSerializer,
        responses={
            201: AnnualReportSerializer,
            200: AnnualReportSerializer,
            **error_responses(400, 403),
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        incoming = ReportRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        with self.history_context():
            report, created = services.annual_report_request(
                partnership=request.partnership,
                membership=request.membership,
                year=incoming.validated_data["year"],
                language=incoming.validated_data.get(
                    "language", default_report_language()
                ),
                actor=request.user,
            )
        return Response(
            AnnualReportSerializer(report).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@extend_schema(
    tags=["reports"], responses={200: AnnualReportSerializer, **error_responses()}
)
class ReportDetail(TenantAPIView, generics.RetrieveAPIView):
    serializer_class = AnnualReportSerializer

    def get_queryset(self):
        return annual_report_list(partnership=self.request.partnership)


@extend_schema(
    tags=["reports"],
    summary=gettext_lazy("Download a ready report's PDF"),
    responses={
        (200, "application/pdf"): OpenApiResponse(
            OpenApiTypes.BINARY, description=gettext_lazy("The PDF.")
        ),
        **error_responses(),
    },
)
class ReportDownload(TenantAPIView):
    """The PDF of a ready report; 404 while it is queued, rendering or failed."""

    def perform_content_negotiation(self, request, force=False):
        # The answer is a PDF whatever the Accept header asked for; errors
        # are JSON.
        return super().perform_content_negotiation(request, force=True)

    def get(self, request: Request, slug: str, pk: int) -> FileResponse:
        return ready_report_file(partnership=request.partnership, pk=pk)


@extend_schema(
    tags=["reports"],
    summary=gettext_lazy("Withdraw a ready report (admins)"),
    description=gettext_lazy(
        "The report stays listed as withdrawn, with who withdrew it and when; "
        "its PDF is deleted and its download answers 404. Withdrawing it again "
        "changes nothing. Only a ready report can be withdrawn (400 otherwise)."
    ),
    request=None,
    responses={200: AnnualReportSerializer, **error_responses(400, 403)},
)
class ReportWithdraw(TenantAPIView):
    def post(self, request: Request, slug: str, pk: int) -> Response:
        try:
            report = services.annual_report_withdraw(
                partnership=request.partnership,
                membership=request.membership,
                report_id=pk,
                actor=request.user,
            )
        except AnnualReport.DoesNotExist:
            raise NotFound(_("No such report.")) from None
        return Response(AnnualReportSerializer(report).data)


class MeasureYearSerializer(serializers.Serializer):
    """One reporting year of a measure, as the measure page shows it."""

    year = serializers.IntegerField(
        source="summary.year",
        help_text="The reporting year, named by the calendar year it starts in.",
    )
    year_label = serializers.CharField(source="summary.label")
    figure = serializers.DecimalField(
        source="summary.figure",
        max_digits=16,
        decimal_places=2,
        allow_null=True,
        help_text="The year's figure by the measure's own rule; null with no figures.",
    )
    figure_display = serializers.CharField(source="summary.display")
    target = serializers.DecimalField(
        source="summary.target",
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        help_text="The annual target the year is judged against.",
    )
    pro_rata_target = serializers.DecimalField(
        source="summary.pro_rata_target",
        max_digits=16,
        decimal_places=2,
        allow_null=True,
        help_text="For measures that add up over the year: the target's share "
        "for the quarters reported.",
    )
    status = serializers.CharField(
        source="summary.status.value",
        help_text="on_track, at_risk, off_track, no_target or no_data.",
    )
    status_label = serializers.CharField(source="summary.status.label")
    quarters_reported = serializers.ListField(
        source="summary.reported", child=serializers.IntegerField()
    )
    quarters_ended = serializers.IntegerField(
        source="summary.quarters_ended",
        help_text="How many of the year's quarters have ended (from the "
        "partnership's first reporting quarter on).",
    )
    quarters_missing = serializers.ListField(
        source="summary.missing",
        child=serializers.IntegerField(),
        help_text="Quarters that have ended with no figure: missing, never zero.",
    )
    missing_note = serializers.CharField(source="summary.missing_note")
    due_quarter = serializers.CharField(
        source="summary.due.key",
        allow_null=True,
        default=None,
        help_text="A milestone's due quarter (YYYY-Q), or null: a milestone not "
        "done is on track until its due quarter has ended, off track after.",
    )
    due_note = serializers.CharField(
        source="summary.due_note",
        help_text="For a milestone not done: why its status is what it is "
        "(not due yet, or past its due quarter); empty otherwise.",
    )
    curve = serializers.CharField(
        help_text="Turning the curve at the year's latest ended quarter: "
        "turning, not_turning or not_enough_history."
    )
    curve_label = serializers.CharField()


@dataclass
class _Year:
    summary: object
    curve: str

    @property
    def curve_label(self) -> str:
        return str(CURVE_LABELS[self.curve])


@extend_schema(
    tags=["measures"],
    summary="A measure's year figures",
    responses={200: MeasureYearSerializer(many=True), **error_responses()},
)
class MeasureYears(TenantAPIView):
    """Each reporting year of the measure, newest first: its figure by the
    measure's rule, target, status, quarters reported, ended and missing, and
    whether it is turning the curve (the measure page's figures)."""

    def get(self, request: Request, slug: str, code: str) -> Response:
        pk = measure_pk_for_code(partnership=request.partnership, code=code)
        if pk is None:
            raise NotFound(_("No measure has the code “%(code)s”.") % {"code": code})
        history = measure_history_get(partnership=request.partnership, pk=pk)
        years = [_Year(summary=y, curve=history.curve(y.year)) for y in history.years]
        return Response(MeasureYearSerializer(years, many=True).data)
