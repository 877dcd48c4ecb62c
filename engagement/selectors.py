"""Every read of the engagement log, scoped to one partnership."""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, QuerySet

from kpis.models import Dimension, DimensionCategory
from partnerships.bilingual import content_language
from partnerships.models import Organisation, Partnership

from .models import (
    Activity,
    ActivityStatus,
    ComputedMeasure,
    ContinuumLevel,
    ContinuumLevelName,
    EngagementStandard,
)


def activity_list(*, partnership: Partnership) -> QuerySet[Activity]:
    """The partnership's activities with their organisations, communities and
    standards met (three queries for any number of activities)."""
    return Activity.objects.filter(partnership=partnership).prefetch_related(
        Prefetch("organisations", queryset=Organisation.objects.order_by("name")),
        Prefetch(
            "communities",
            queryset=DimensionCategory.objects.select_related("dimension").order_by(
                "dimension__position", "position", "name"
            ),
        ),
        Prefetch(
            "standards_met", queryset=EngagementStandard.objects.order_by("position")
        ),
    )


def activities_between(
    *, partnership: Partnership, first: datetime.date, last: datetime.date
) -> QuerySet[Activity]:
    """The activities that run on any day from ``first`` to ``last``."""
    return activity_list(partnership=partnership).filter(
        starts_on__lte=last, ends_on__gte=first
    )


def standard_list(*, partnership: Partnership) -> QuerySet[EngagementStandard]:
    return EngagementStandard.objects.filter(partnership=partnership)


def organisation_list(*, partnership: Partnership) -> QuerySet[Organisation]:
    return Organisation.objects.filter(partnership=partnership)


def dimension_list(*, partnership: Partnership) -> QuerySet[Dimension]:
    """The partnership's dimensions, whose categories name the communities or
    audiences an activity reaches."""
    return Dimension.objects.filter(partnership=partnership).prefetch_related(
        "categories"
    )


def category_list(*, partnership: Partnership) -> QuerySet[DimensionCategory]:
    return DimensionCategory.objects.filter(partnership=partnership).select_related(
        "dimension"
    )


def level_names(*, partnership: Partnership) -> dict[str, str]:
    """Each level's name as this partnership calls it, in the continuum's order."""
    own = dict(
        ContinuumLevelName.objects.filter(partnership=partnership).values_list(
            "level", "name"
        )
    )
    return {
        level: own.get(level) or str(label) for level, label in ContinuumLevel.choices
    }


def computed_measure_list(*, partnership: Partnership) -> QuerySet[ComputedMeasure]:
    return ComputedMeasure.objects.filter(partnership=partnership).select_related(
        "measure", "standard", "organisation", "community"
    )


@dataclass(frozen=True)
class Overlap:
    """Another partner's activity with a community this one reaches, in a
    week this one runs in too: seed 003's risk of duplication."""

    other_id: int
    other_title: str
    other_starts_on: datetime.date
    communities: tuple[str, ...]


# The texts in the reader's language (Welsh, else the English), never the
# unprefixed columns, which hold whichever language was active at the last save.
_TEXTS = {
    "en": ("a.title_en", "c.name_en"),
    "cy": ("coalesce(a.title_cy, a.title_en)", "coalesce(c.name_cy, c.name_en)"),
}

# Two activities overlap when they share a community, run in a common week
# (Monday to Sunday) and are not by the same organisations; cancelled ones
# overlap nothing.
_OVERLAPS = """
WITH orgs AS (
    SELECT activity_id, array_agg(organisation_id ORDER BY organisation_id) AS ids
    FROM engagement_activityorganisation WHERE partnership_id = %(p)s
    GROUP BY activity_id
), spans AS (
    SELECT a.id, TITLE AS title, a.starts_on,
           date_trunc('week', a.starts_on)::date AS first_monday,
           date_trunc('week', a.ends_on)::date AS last_monday,
           coalesce(o.ids, '{}') AS org_ids
    FROM engagement_activity a LEFT JOIN orgs o ON o.activity_id = a.id
    WHERE a.partnership_id = %(p)s AND a.status <> 'cancelled'
)
SELECT mine.id, other.id, other.title, other.starts_on,
       array_agg(CATEGORY ORDER BY d.position, c.position, CATEGORY)
FROM spans mine
JOIN spans other ON other.id <> mine.id
    AND other.first_monday <= mine.last_monday
    AND mine.first_monday <= other.last_monday
    AND other.org_ids IS DISTINCT FROM mine.org_ids
JOIN engagement_activitycommunity mc ON mc.activity_id = mine.id
JOIN engagement_activitycommunity oc
    ON oc.activity_id = other.id AND oc.category_id = mc.category_id
JOIN kpis_dimensioncategory c ON c.id = mc.category_id
JOIN kpis_dimension d ON d.id = c.dimension_id
WHERE mine.id = ANY(%(ids)s)
GROUP BY mine.id, other.id, other.title, other.starts_on
ORDER BY mine.id, other.starts_on, other.id
"""


def overlaps_for(
    *, partnership: Partnership, activity_ids: list[int]
) -> dict[int, list[Overlap]]:
    """For each of these activities, the other partners' activities it may
    duplicate (one query)."""
    found: dict[int, list[Overlap]] = {}
    if not activity_ids:
        return found
    with connection.cursor() as cursor:
        title, category = _TEXTS.get(content_language(), _TEXTS["en"])
        sql = _OVERLAPS.replace("TITLE", title).replace("CATEGORY", category)
        cursor.execute(sql, {"p": partnership.pk, "ids": list(activity_ids)})
        for mine, other, title, starts_on, names in cursor.fetchall():
            found.setdefault(mine, []).append(
                Overlap(other, title, starts_on, tuple(names))
            )
    return found


def held(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    return activities.filter(status=ActivityStatus.HELD)
