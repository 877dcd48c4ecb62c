"""Turning the curve on a headline measure: the measure page's section.

The same four questions, model (``wellbeing.CurveStory``) and form
(``reports.forms.CurveStoryForm``) as a national indicator's story behind the curve, for
the partnership's own headline measure and a reporting year, with the
actions (``delivery``) that carry out its plan.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from delivery import selectors as delivery_selectors
from kpis.models import PerformanceMeasure
from kpis.periods import Quarter, year_label
from partnerships.models import Partnership
from wellbeing.models import CurveStory


@dataclass
class MeasureCurveStory:
    story: CurveStory
    year_label: str
    actions: list = field(default_factory=list)


@dataclass
class MeasureCurve:
    current_year: int
    current_year_label: str
    current: MeasureCurveStory | None
    earlier: list[MeasureCurveStory]


def current_year(partnership: Partnership) -> int:
    return Quarter.containing(
        timezone.localdate(), partnership.reporting_year_start_month
    ).year


def measure_curve_get(
    *, partnership: Partnership, measure: PerformanceMeasure
) -> MeasureCurve:
    stories = list(
        CurveStory.objects.filter(partnership=partnership, measure=measure)
        .select_related("updated_by")
        .order_by("-year")
    )
    linked = delivery_selectors.curve_story_actions(
        partnership=partnership, story_ids=[s.pk for s in stories]
    )
    start = partnership.reporting_year_start_month
    items = [
        MeasureCurveStory(
            story=s, year_label=year_label(s.year, start), actions=linked.get(s.pk, [])
        )
        for s in stories
    ]
    year = current_year(partnership)
    current = next((item for item in items if item.story.year == year), None)
    return MeasureCurve(
        current_year=year,
        current_year_label=year_label(year, start),
        current=current,
        earlier=[item for item in items if item.story.year < year],
    )


def measure_story_for_year(
    *, partnership: Partnership, measure: PerformanceMeasure, year: int
) -> MeasureCurveStory | None:
    """The story written for ``year`` (for the annual report), if any."""
    story = CurveStory.objects.filter(
        partnership=partnership, measure=measure, year=year
    ).first()
    if story is None:
        return None
    linked = delivery_selectors.curve_story_actions(
        partnership=partnership, story_ids=[story.pk]
    )
    return MeasureCurveStory(
        story=story,
        year_label=year_label(year, partnership.reporting_year_start_month),
        actions=linked.get(story.pk, []),
    )
