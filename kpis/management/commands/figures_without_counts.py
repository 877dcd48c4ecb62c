from django.core.management.base import BaseCommand
from django.db.models import Q

from kpis.models import Aggregation, QuarterlyValue, ValueType
from partnerships.tenancy import scope


class Command(BaseCommand):
    help = (
        "List the stored quarterly figures that give only a percentage for a "
        "measure whose year adds up numerators and denominators (a ratio of "
        "sums): the year's figure cannot use them, and entry now refuses them. "
        "One line per figure: partnership, measure, quarter. Changes nothing; "
        "an admin fixes each by entering the number and the total it is out of."
    )

    def handle(self, *args, **options):
        with scope(platform=True):
            rows = list(
                QuarterlyValue.objects.filter(
                    measure__aggregation=Aggregation.RATIO_OF_SUMS,
                    measure__value_type__in=[
                        ValueType.PERCENTAGE,
                        ValueType.NUMBER_AND_PERCENTAGE,
                    ],
                    value__isnull=False,
                )
                .filter(Q(numerator__isnull=True) | Q(denominator__isnull=True))
                .select_related("partnership", "measure", "period")
                .order_by(
                    "partnership__name",
                    "measure__code",
                    "period__year",
                    "period__quarter",
                )
            )
        for row in rows:
            self.stdout.write(
                f"{row.partnership.slug}\t{row.measure.code} {row.measure.name}"
                f"\t{row.period.label}"
            )
        message = (
            f"{len(rows)} figure(s) give only a percentage: enter the number "
            "and the total it is out of for each."
            if rows
            else "Every pooled percentage has its number and total."
        )
        self.stdout.write(self.style.SUCCESS(message) if not rows else message)
