"""The publishing settings through the API: what the publishing page does."""

from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from kpis.selectors import measure_list
from partnerships.api import AdminForWrites, TenantAPIView, error_responses
from reports.models import ReportStatus

from . import disclosure, services
from .models import MAX_THRESHOLD, MIN_THRESHOLD, EditionStatus
from .selectors import publication_get, published_ids, published_report_list


class PublicationSerializer(serializers.Serializer):
    is_published = serializers.BooleanField(
        help_text=gettext_lazy("Whether the public page is published.")
    )
    threshold = serializers.IntegerField(
        min_value=MIN_THRESHOLD,
        max_value=MAX_THRESHOLD,
        help_text=gettext_lazy(
            "Counts below this show as “fewer than …” on public surfaces."
        ),
    )
    priority_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    measure_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    report_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    public_url = serializers.CharField(read_only=True, allow_null=True)
    public_editions = serializers.ListField(
        child=serializers.DictField(),
        read_only=True,
        help_text=gettext_lazy(
            "Each published report's public edition (small numbers withheld): "
            "report, status (queued, rendering, ready, failed), page_count, "
            "threshold, failure, url once ready."
        ),
    )
    measures_withheld = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text=gettext_lazy(
            "The measures whose small figures public pages withhold (they count "
            "people); the others are shown in full."
        ),
    )


def _document(partnership) -> dict:
    publication = publication_get(partnership=partnership)
    chosen = published_ids(partnership=partnership)
    return {
        "is_published": publication.is_published,
        "threshold": publication.threshold,
        "priority_ids": sorted(chosen["priorities"]),
        "measure_ids": sorted(chosen["measures"]),
        "report_ids": sorted(chosen["reports"]),
        "public_url": reverse("public:page", kwargs={"slug": partnership.slug})
        if publication.is_published
        else None,
        "public_editions": [
            {
                "report": edition.report_id,
                "status": edition.status,
                "page_count": edition.page_count,
                "threshold": edition.threshold,
                "failure": edition.failure_message,
                "url": reverse(
                    "public:report_pdf",
                    kwargs={"slug": partnership.slug, "pk": edition.report_id},
                )
                if edition.status == EditionStatus.READY
                and edition.report.status == ReportStatus.READY
                else None,
            }
            for edition in published_report_list(partnership=partnership)
        ],
        "measures_withheld": sorted(
            m.pk
            for m in measure_list(partnership=partnership)
            if disclosure.counts_people(m)
        ),
    }


@extend_schema(tags=["publishing"])
class PublicationDetail(TenantAPIView):
    """The public page's settings: every member reads them, admins change them."""

    permission_classes = [IsAuthenticated, AdminForWrites]

    @extend_schema(responses={200: PublicationSerializer, **error_responses()})
    def get(self, request: Request, slug: str) -> Response:
        return Response(_document(request.partnership))

    @extend_schema(
        summary=gettext_lazy("Publish the public page and choose what it shows"),
        request=PublicationSerializer,
        responses={200: PublicationSerializer, **error_responses(400, 403)},
    )
    def put(self, request: Request, slug: str) -> Response:
        incoming = PublicationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        with self.history_context():
            services.publication_update(
                partnership=request.partnership,
                membership=request.membership,
                is_published=data["is_published"],
                threshold=data["threshold"],
                priority_ids=data["priority_ids"],
                measure_ids=data["measure_ids"],
                report_ids=data["report_ids"],
            )
        return Response(_document(request.partnership))
