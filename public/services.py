"""Publishing: an admin chooses what the partnership's public page shows."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kpis.selectors import measure_list
from outcomes.selectors import priority_list
from partnerships import policy as roles
from partnerships.models import Membership, Partnership
from reports.models import ReportStatus
from reports.selectors import annual_report_list

from .models import (
    MAX_THRESHOLD,
    MIN_THRESHOLD,
    Publication,
    PublicSnapshot,
    PublishedMeasure,
    PublishedPriority,
    PublishedReport,
)


def _chosen(queryset, ids: Iterable[int], field: str) -> set[int]:
    ids = set(ids)
    found = set(queryset.filter(pk__in=ids).values_list("pk", flat=True))
    if ids - found:
        raise ValidationError({field: _("Choose only this partnership's own items.")})
    return found


def _replace(model, partnership, field: str, ids: set[int]) -> None:
    rows = model.objects.filter(partnership=partnership)
    rows.exclude(**{f"{field}__in": ids}).delete()
    have = set(rows.values_list(field, flat=True))
    model.objects.bulk_create(
        [model(partnership=partnership, **{field: pk}) for pk in ids - have]
    )


@transaction.atomic
def publication_update(
    *,
    partnership: Partnership,
    membership: Membership | None,
    is_published: bool,
    threshold: int,
    priority_ids: Iterable[int] = (),
    measure_ids: Iterable[int] = (),
    report_ids: Iterable[int] = (),
) -> Publication:
    """Publish (or unpublish) the public page and choose what it shows.

    Unpublishing keeps the choices for next time and drops the published
    copy at once; the page, its embeds and open data answer 404 from then.
    """
    if not roles.may_administer(membership):
        raise PermissionDenied(_("Only the partnership's admins can do this."))
    if not MIN_THRESHOLD <= threshold <= MAX_THRESHOLD:
        raise ValidationError(
            {
                "threshold": _("Give a whole number from %(min)s to %(max)s.")
                % {"min": MIN_THRESHOLD, "max": MAX_THRESHOLD}
            }
        )
    priorities = _chosen(
        priority_list(partnership=partnership), priority_ids, "priorities"
    )
    measures = _chosen(measure_list(partnership=partnership), measure_ids, "measures")
    reports = _chosen(
        annual_report_list(partnership=partnership).filter(status=ReportStatus.READY),
        report_ids,
        "reports",
    )
    publication, _created = Publication.objects.get_or_create(partnership=partnership)
    if is_published and not publication.is_published:
        publication.published_at = timezone.now()
    publication.is_published = is_published
    publication.threshold = threshold
    publication.data_version = F("data_version") + 1
    publication.save()
    publication.refresh_from_db()
    _replace(PublishedPriority, partnership, "priority_id", priorities)
    _replace(PublishedMeasure, partnership, "measure_id", measures)
    _replace(PublishedReport, partnership, "report_id", reports)
    if not is_published:
        PublicSnapshot.objects.filter(partnership=partnership).delete()
    publication.refresh_from_db()
    return publication
