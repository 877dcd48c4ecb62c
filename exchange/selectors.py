from django.db.models import Q, QuerySet

from kpis.models import QuarterlyValue
from partnerships import policy as roles
from partnerships.models import Membership, Partnership

from .models import ImportJob


def import_job_list(*, membership: Membership) -> QuerySet[ImportJob]:
    """Admins see every import of the partnership; others their own."""
    jobs = ImportJob.objects.filter(partnership=membership.partnership).select_related(
        "created_by"
    )
    if not roles.may_see_others_imports(membership):
        jobs = jobs.filter(created_by=membership.user_id)
    return jobs


# The columns of ``export_figure_rows``, in its tuples' order.
EXPORT_FIGURE_COLUMNS = (
    "period__year",
    "period__quarter",
    "measure__code",
    "measure__name",
    "value_type",
    "value",
    "numerator",
    "denominator",
    "story",
    "status",
    "measure__breakdown_first__name",
    "measure__breakdown_second__name",
    "breakdown",
)


def export_figure_rows(
    *, partnership: Partnership, year: int | None, broken_down_only: bool = False
) -> list[tuple]:
    """The figures (of one year, or all) as tuples of ``EXPORT_FIGURE_COLUMNS``,
    oldest quarter first and in the framework's order: the one read behind
    both the Values sheet and the Breakdowns sheet.

    The partnership is named on the figures, their measures and their
    quarters beside row-level security, so that the planner starts from the
    year's quarters (the figures' (partnership, period) index) rather than
    walking every measure's whole history.
    """
    figures = QuarterlyValue.objects.filter(
        partnership_id=partnership.pk,
        measure__partnership_id=partnership.pk,
        period__partnership_id=partnership.pk,
    )
    if year is not None:
        figures = figures.filter(period__year=year)
    if broken_down_only:
        figures = figures.exclude(Q(breakdown={}) | Q(breakdown__isnull=True))
    return list(
        figures.order_by(
            "period__year", "period__quarter", "measure__position", "measure__code"
        ).values_list(*EXPORT_FIGURE_COLUMNS)
    )
