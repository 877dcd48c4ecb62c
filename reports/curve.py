"""Turning the curve on a headline measure: the measure page's section.

The same four questions, model (``wellbeing.CurveStory``) and form
(``reports.forms.CurveStoryForm``) as a national indicator's story behind the curve, for
the partnership's own headline measure and a reporting year, with the
actions (``delivery``) that carry out its plan.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from delivery import selectors as delivery_selectors
from delivery import services as delivery_services
from kpis.models import PerformanceMeasure
from kpis.periods import Quarter, year_label
from partnerships.models import Partnership, User
from wellbeing import services as wellbeing_services
from wellbeing.models import CurveStory, NationalIndicator


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


def curve_story_write(
    *,
    partnership: Partnership,
    actor: User,
    action_ids: Iterable[int],
    indicator: NationalIndicator | None = None,
    measure: PerformanceMeasure | None = None,
    **texts,
) -> CurveStory:
    """Save the current year's story and link the actions that carry out its
    plan, both or neither: the pages' forms and the API write through here."""
    with transaction.atomic():
        story = wellbeing_services.curve_story_save(
            partnership=partnership,
            indicator=indicator,
            measure=measure,
            actor=actor,
            **texts,
        )
        delivery_services.curve_story_actions_set(
            partnership=partnership, story=story, action_ids=action_ids, actor=actor
        )
    return story


def curve_story_list(
    *,
    partnership: Partnership,
    measure: PerformanceMeasure | None = None,
    indicator: NationalIndicator | None = None,
    year: int | None = None,
) -> list[CurveStory]:
    """The partnership's stories behind curves, newest year first: one
    measure's or indicator's, or every one; of one year, or all. Each carries
    ``linked_actions`` (plan order), ``year_label`` and ``editable`` (written
    for the current year: earlier years' stay as written), in two queries."""
    stories = CurveStory.objects.filter(partnership=partnership).select_related(
        "measure", "indicator", "updated_by"
    )
    if measure is not None:
        stories = stories.filter(measure=measure)
    if indicator is not None:
        stories = stories.filter(indicator=indicator)
    if year is not None:
        stories = stories.filter(year=year)
    stories = list(
        stories.order_by("-year", "measure__code", "indicator__number", "pk")
    )
    linked = delivery_selectors.curve_story_actions(
        partnership=partnership, story_ids=[s.pk for s in stories]
    )
    start = partnership.reporting_year_start_month
    this_year = current_year(partnership)
    for story in stories:
        story.linked_actions = linked.get(story.pk, [])
        story.year_label = year_label(story.year, start)
        story.editable = story.year == this_year
    return stories
