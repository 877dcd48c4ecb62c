"""Writes of a partnership's place in a national framework: which framework it
adopts, its contribution map, and the stories behind the curves."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kpis.models import PerformanceMeasure
from kpis.periods import Quarter
from kpis.services import require_admin
from outcomes.models import Outcome, Priority, Project
from partnerships.models import Partnership, User
from partnerships.text_limits import MaxTextLength, limit_of

from .models import (
    Contribution,
    CurveStory,
    FrameworkAdoption,
    NationalFramework,
    NationalIndicator,
    WayOfWorking,
    WellbeingGoal,
)
from .selectors import framework_id_for

_SOURCE_FIELDS = (
    (Priority, "priority"),
    (Outcome, "outcome"),
    (PerformanceMeasure, "measure"),
    (Project, "project"),
)
_TARGET_FIELDS = (
    (WellbeingGoal, "goal"),
    (WayOfWorking, "way_of_working"),
    (NationalIndicator, "indicator"),
)


def _field_for(obj, fields, what: str) -> str:
    for model, name in fields:
        if isinstance(obj, model):
            return name
    raise TypeError(f"Not a {what}: {obj!r}")


@transaction.atomic
def framework_adopt(
    *, partnership: Partnership, framework: NationalFramework | None, actor: User
) -> FrameworkAdoption | None:
    """Choose the national framework the partnership contributes to, or none.

    Links to another framework's goals and indicators are kept (a partnership
    that switches back finds them again) but no longer shown.
    """
    require_admin(partnership, actor)
    if framework is None:
        FrameworkAdoption.objects.filter(partnership=partnership).delete()
        return None
    adoption, _created = FrameworkAdoption.objects.update_or_create(
        partnership=partnership, defaults={"framework": framework}
    )
    return adoption


@transaction.atomic
def contribution_link(
    *,
    partnership: Partnership,
    source: "Priority | Outcome | PerformanceMeasure | Project",
    target: "WellbeingGoal | WayOfWorking | NationalIndicator",
    actor: User,
    note: str = "",
) -> tuple[Contribution, bool]:
    """Record that a piece of the partnership's work contributes to a goal,
    way of working or indicator of its framework. Linking twice is a no-op."""
    require_admin(partnership, actor)
    source_field = _field_for(
        source, _SOURCE_FIELDS, "priority, outcome, measure or project"
    )
    target_field = _field_for(
        target, _TARGET_FIELDS, "goal, way of working or indicator"
    )
    if source.partnership_id != partnership.pk:
        raise ValidationError(_("That work belongs to another partnership."))
    framework_id = framework_id_for(partnership=partnership)
    if framework_id is None:
        raise ValidationError(
            _("Choose the partnership's national framework before linking to it.")
        )
    if target.framework_id != framework_id:
        raise ValidationError(
            _("That belongs to another framework than the partnership's.")
        )
    contribution, created = Contribution.objects.get_or_create(
        partnership=partnership,
        **{source_field: source, target_field: target},
        defaults={"note": note, "created_by": actor},
    )
    return contribution, created


@transaction.atomic
def contribution_unlink(
    *, partnership: Partnership, contribution_id: int, actor: User
) -> bool:
    """Remove one of the partnership's links; False if there was none."""
    require_admin(partnership, actor)
    deleted, _by_model = Contribution.objects.filter(
        partnership=partnership, pk=contribution_id
    ).delete()
    return bool(deleted)


@transaction.atomic
def curve_story_save(
    *,
    partnership: Partnership,
    story: str,
    indicator: NationalIndicator | None = None,
    measure: PerformanceMeasure | None = None,
    partners: str = "",
    what_works: str = "",
    action_plan: str = "",
    actor: User,
    year: int | None = None,
    today: datetime.date | None = None,
) -> CurveStory:
    """Write the partnership's story behind a curve for the current reporting
    year (the one ``today`` falls in: the local date unless given): a
    national indicator's, or one of its own headline measures'. Earlier
    years' stories are never changed: they record what the partnership
    thought then."""
    require_admin(partnership, actor)
    if (indicator is None) == (measure is None):
        raise ValueError("A story is about an indicator or a measure.")
    if indicator is not None and indicator.framework_id != framework_id_for(
        partnership=partnership
    ):
        raise ValidationError(
            _("That indicator is not in the partnership's framework.")
        )
    if measure is not None:
        if measure.partnership_id != partnership.pk:
            raise PermissionDenied
        if not measure.is_headline:
            raise ValidationError(
                _("Turning the curve is written for the headline measures.")
            )
    current = Quarter.containing(
        today or timezone.localdate(), partnership.reporting_year_start_month
    ).year
    year = current if year is None else year
    if year != current:
        raise ValidationError(
            _("Only the current reporting year's story can be edited.")
        )
    texts = {
        "story": story.strip(),
        "partners": partners.strip(),
        "what_works": what_works.strip(),
        "action_plan": action_plan.strip(),
    }
    errors = {}
    for name, text in texts.items():
        try:
            MaxTextLength(limit_of(CurveStory, name))(text)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    curve_story, _created = CurveStory.objects.update_or_create(
        partnership=partnership,
        indicator=indicator,
        measure=measure,
        year=year,
        defaults={
            **texts,
            "updated_by": actor,
            "updated_at": timezone.now(),
        },
    )
    return curve_story
