"""Reads for the publishing page (members, in their tenant context)."""

from partnerships.models import Partnership

from .models import Publication, PublishedMeasure, PublishedPriority, PublishedReport


def publication_get(*, partnership: Partnership) -> Publication:
    """The partnership's publication settings (unsaved defaults if none yet)."""
    return Publication.objects.filter(partnership=partnership).first() or Publication(
        partnership=partnership
    )


def published_ids(*, partnership: Partnership) -> dict[str, set[int]]:
    return {
        "priorities": set(
            PublishedPriority.objects.filter(partnership=partnership).values_list(
                "priority_id", flat=True
            )
        ),
        "measures": set(
            PublishedMeasure.objects.filter(partnership=partnership).values_list(
                "measure_id", flat=True
            )
        ),
        "reports": set(
            PublishedReport.objects.filter(partnership=partnership).values_list(
                "report_id", flat=True
            )
        ),
    }


def published_report_list(*, partnership: Partnership):
    """The published reports and their public editions' progress."""
    return (
        PublishedReport.objects.filter(partnership=partnership)
        .select_related("report")
        .order_by("-report__year", "report__language", "pk")
    )
