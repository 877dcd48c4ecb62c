"""The demo's links to a national well-being framework and its population data.

Every use the demo makes of the national frameworks (their models, the
shipped reference files and their services) is in this one module.
"""

import datetime

from kpis import services as kpi_services
from kpis.models import PerformanceMeasure
from outcomes.models import Priority
from partnerships.models import Partnership, User
from wellbeing import services as wellbeing_services
from wellbeing.frameworks import REFERENCE_DIR, load_frameworks
from wellbeing.models import (
    CurveStory,
    NationalFramework,
    NationalIndicator,
    WayOfWorking,
    WellbeingGoal,
)
from wellbeing.population import indicator_series_import
from wellbeing.selectors import framework_id_for

from .specs import PartnershipSpec

__all__ = ["contributions_load", "load_frameworks", "population_load"]


def contributions_load(
    spec: PartnershipSpec, *, partnership: Partnership, actor: User
) -> None:
    """The strategy's links to its national framework (none if it names none)."""
    if not spec.framework:
        return
    framework = NationalFramework.objects.get(slug=spec.framework)
    if framework_id_for(partnership=partnership) != framework.pk:
        wellbeing_services.framework_adopt(
            partnership=partnership, framework=framework, actor=actor
        )
    indicators = {
        i.number: i for i in NationalIndicator.objects.filter(framework=framework)
    }
    ways = {w.code: w for w in WayOfWorking.objects.filter(framework=framework)}
    goals = {g.code: g for g in WellbeingGoal.objects.filter(framework=framework)}

    def link(source, numbers=(), way_codes=(), goal_codes=()) -> None:
        targets = [
            *(indicators[n] for n in numbers),
            *(ways[c] for c in way_codes),
            *(goals[c] for c in goal_codes),
        ]
        for target in targets:
            wellbeing_services.contribution_link(
                partnership=partnership, source=source, target=target, actor=actor
            )

    codes = [measure.code for measure in spec.measures]
    for measure in PerformanceMeasure.objects.filter(
        partnership=partnership, code__in=codes
    ):
        link(measure, spec.mission_indicators, spec.mission_ways_of_working)
    priorities = {p.name: p for p in Priority.objects.filter(partnership=partnership)}
    for priority_spec in spec.priorities:
        link(
            priorities[priority_spec.name],
            priority_spec.indicators,
            priority_spec.ways_of_working,
            priority_spec.goals,
        )


def population_load(
    spec: PartnershipSpec,
    *,
    partnership: Partnership,
    actor: User,
    today: datetime.date,
) -> None:
    """The partnership's areas, the sample indicator series (SAMPLE DATA,
    made-up figures) and its stories behind the curve. Idempotent."""
    if not spec.framework:
        return
    if (partnership.area_code, partnership.comparator_area_code) != (
        spec.area_code,
        spec.comparator_area_code,
    ):
        kpi_services.partnership_areas_set(
            partnership=partnership,
            area_code=spec.area_code,
            comparator_area_code=spec.comparator_area_code,
            actor=actor,
        )
    framework = NationalFramework.objects.get(slug=spec.framework)
    if spec.sample_series:
        text = (REFERENCE_DIR / spec.sample_series).read_text(encoding="utf-8")
        indicator_series_import(text=text, framework=framework)
    for story in spec.curve_stories:
        if story.indicator is None:
            continue  # a measure's: demo.actions loads it, after the actions
        indicator = NationalIndicator.objects.get(
            framework=framework, number=story.indicator
        )
        if not CurveStory.objects.filter(
            partnership=partnership, indicator=indicator
        ).exists():
            wellbeing_services.curve_story_save(
                partnership=partnership,
                indicator=indicator,
                actor=actor,
                story=story.story,
                partners=story.partners,
                what_works=story.what_works,
                action_plan=story.action_plan,
                today=today,
            )
