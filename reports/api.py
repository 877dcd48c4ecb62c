"""Annual reports: request one (admins), follow its status, download the PDF."""

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from partnerships.api import AdminForWrites, TenantAPIView, error_responses

from . import services
from .models import AnnualReport, ReportStatus
from .selectors import annual_report_list
from .views import ready_report_file


class AnnualReportSerializer(serializers.ModelSerializer):
    requested_by = serializers.EmailField(source="requested_by.email", allow_null=True)
    download_url = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Where to fetch the PDF once the report is ready; null until then."
        )
    )

    class Meta:
        model = AnnualReport
        fields = [
            "id",
            "year",
            "year_label",
            "status",
            "failure_reason",
            "requested_by",
            "requested_at",
            "finished_at",
            "page_count",
            "size_bytes",
            "download_url",
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
            "A reporting year that has quarters (named by the year it starts in)."
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
                "Queues the PDF's rendering and answers 201 with the new report. When "
                "a report of the same year with the same figures is already queued, "
                "rendering or ready, answers 200 with that one instead."
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
