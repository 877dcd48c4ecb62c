"""Imports through the API: upload a spreadsheet, follow its check, confirm it.

The same jobs, services and workers as the Import and export pages: the
upload is stored and checked by a worker, the preview and every problem (by
sheet, row and column) are read from the job, and nothing is written until
the job is confirmed.
"""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from partnerships.api import TenantAPIView, error_responses

from . import services
from .models import ImportJob, ImportKind
from .selectors import import_job_list


class ImportProblemSerializer(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    message = serializers.CharField()


class ImportJobSerializer(serializers.ModelSerializer):
    created_by = serializers.EmailField(source="created_by.email", allow_null=True)
    preview = serializers.JSONField(
        help_text=gettext_lazy(
            "What the check found: counts of rows to create, change and leave "
            "(counts), the first rows (rows) and how many more there are "
            "(more_rows); once imported, what was written (written)."
        )
    )
    problems = ImportProblemSerializer(many=True)
    failure_code = serializers.CharField(
        help_text="Why the check or import failed, as a stable code; empty "
        "unless it failed."
    )
    failure_reason = serializers.CharField(
        source="failure_message",
        help_text="Why it failed, in the request's language.",
    )

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "status",
            "original_name",
            "size_bytes",
            "created_by",
            "created_at",
            "progress",
            "progress_text",
            "preview",
            "problems",
            "failure_code",
            "failure_reason",
            "confirmed_at",
            "finished_at",
        ]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=ImportKind.choices,
        help_text="What the file holds: the framework workbook, quarterly "
        "figures or engagement activities.",
    )
    file = serializers.FileField(
        help_text=gettext_lazy("The spreadsheet: XLSX, or CSV text.")
    )


class _ImportView(TenantAPIView):
    def get_queryset(self):
        return import_job_list(membership=self.request.membership)


class ImportList(_ImportView, generics.ListAPIView):
    """Your imports (admins: everyone's in the partnership), newest first."""

    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(responses={200: ImportJobSerializer(many=True), **error_responses()})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=gettext_lazy("Upload a spreadsheet to check and import"),
        description=gettext_lazy(
            "Stores the file and queues its check; answers 202 with the job. "
            "Poll the job until it is ready (or rejected, with its problems), "
            "then confirm it. Leads import figures and, when they belong to an "
            "organisation, engagement activities; admins anything."
        ),
        request={"multipart/form-data": ImportUploadSerializer},
        responses={202: ImportJobSerializer, **error_responses(400, 403)},
    )
    def post(self, request: Request, slug: str) -> Response:
        incoming = ImportUploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        job = services.import_job_create(
            partnership=request.partnership,
            membership=request.membership,
            kind=incoming.validated_data["kind"],
            upload=incoming.validated_data["file"],
            actor=request.user,
        )
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(
    tags=["imports"], responses={200: ImportJobSerializer, **error_responses()}
)
class ImportDetail(_ImportView, generics.RetrieveAPIView):
    serializer_class = ImportJobSerializer


class ImportConfirm(_ImportView):
    serializer_class = ImportJobSerializer

    @extend_schema(
        tags=["imports"],
        summary=gettext_lazy("Confirm a checked import"),
        description=gettext_lazy(
            "Queues the import of a job that is ready; answers 202 with the job. "
            "Everything is written, or nothing. 400 when the job is not ready."
        ),
        request=None,
        responses={202: ImportJobSerializer, **error_responses(400, 403)},
    )
    def post(self, request: Request, slug: str, pk: int) -> Response:
        job = generics.get_object_or_404(self.get_queryset(), pk=pk)
        job = services.import_job_confirm(
            partnership=request.partnership,
            membership=request.membership,
            job_id=job.pk,
            actor=request.user,
        )
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
