"""The demo's action plans (``[[actions]]`` in a partnership's file).

Each action is made through delivery's services, and each update written by
the action's lead, submitted and approved as a real quarter's would be, before
the demo's history quarters are locked (``loader._review_history``). Loading
again adds nothing that is there already (actions by name, updates by
quarter).
"""

import datetime

from delivery import services as delivery_services
from delivery.models import Action, ActionUpdate
from kpis import services as kpi_services
from kpis.models import PerformanceMeasure
from kpis.periods import Quarter
from outcomes.models import Outcome, Priority
from partnerships.models import Organisation, Partnership, User
from wellbeing import services as wellbeing_services
from wellbeing.models import CurveStory

from .specs import ActionSpec, PartnershipSpec


def _paragraphs(text: str) -> str:
    """The TOML's indented paragraphs as plain ones."""
    return "\n\n".join(" ".join(part.split()) for part in text.split("\n\n"))


def _quarter(quarters: list[Quarter], index: int | None) -> Quarter | None:
    if index is None:
        return None
    quarter = quarters[min(index, len(quarters) - 1)]
    for _step in range(index - len(quarters) + 1):
        quarter = quarter.next()
    return quarter


def actions_load(
    spec: PartnershipSpec,
    *,
    partnership: Partnership,
    admin: User,
    walk_through_lead: User | None,
    quarters: list[Quarter],
) -> int:
    """Make the spec's actions and their updates; how many updates were made."""
    if not spec.actions:
        return 0
    organisations = {
        o.name: o.pk for o in Organisation.objects.filter(partnership=partnership)
    }
    priorities = {
        p.name: p.pk for p in Priority.objects.filter(partnership=partnership)
    }
    outcomes = list(Outcome.objects.filter(partnership=partnership))
    measures = dict(
        PerformanceMeasure.objects.filter(partnership=partnership).values_list(
            "code", "pk"
        )
    )
    made = 0
    for action_spec in spec.actions:
        name = " ".join(action_spec.name.split())
        lead = (
            walk_through_lead
            if action_spec.walk_through_lead and walk_through_lead
            else admin
        )
        action = Action.objects.filter(partnership=partnership, name=name).first()
        if action is None:
            action = delivery_services.action_create(
                partnership=partnership,
                actor=admin,
                fields=delivery_services.ActionFields(
                    name=name,
                    welsh={"name": " ".join(action_spec.name_cy.split())},
                    priority_id=priorities.get(action_spec.priority),
                    lead_agency_ids=tuple(
                        organisations[n] for n in action_spec.lead_agencies
                    ),
                    lead_person_id=lead.pk,
                    start_quarter=_quarter(quarters, action_spec.start_quarter),
                    due_quarter=_quarter(quarters, action_spec.due_quarter),
                    status=action_spec.status,
                    outcome_ids=_outcome_ids(action_spec, outcomes),
                    measure_ids=tuple(measures[c] for c in action_spec.measures),
                ),
            )
        made += _updates_load(
            action_spec,
            action=action,
            partnership=partnership,
            lead=lead,
            admin=admin,
            quarters=quarters,
        )
    return made


def _outcome_ids(action_spec: ActionSpec, outcomes: list[Outcome]) -> tuple[int, ...]:
    ids = []
    for start in action_spec.outcomes:
        matches = [o.pk for o in outcomes if o.statement.startswith(start)]
        if len(matches) != 1:
            raise ValueError(f"{start!r} names {len(matches)} outcomes, not one")
        ids.append(matches[0])
    return tuple(ids)


def _updates_load(
    action_spec: ActionSpec,
    *,
    action: Action,
    partnership: Partnership,
    lead: User,
    admin: User,
    quarters: list[Quarter],
) -> int:
    made = 0
    for update_spec in sorted(action_spec.updates, key=lambda u: u.quarter):
        quarter = _quarter(quarters, update_spec.quarter)
        period = kpi_services.period_get_or_create(
            partnership=partnership, quarter=quarter
        )
        if (
            period.is_locked
            or ActionUpdate.objects.filter(
                partnership=partnership, action=action, period=period
            ).exists()
        ):
            continue
        update = delivery_services.action_update_save(
            partnership=partnership,
            action=action,
            quarter=quarter,
            actor=lead,
            status=update_spec.status,
            progress=_paragraphs(update_spec.progress),
            risks=list(update_spec.risks),
            next_steps=list(update_spec.next_steps),
        )
        delivery_services.action_updates_submit(
            partnership=partnership, period=period, actor=lead
        )
        delivery_services.action_update_approve(
            partnership=partnership, update_id=update.pk, actor=admin
        )
        made += 1
    return made


def measure_curve_stories_load(
    spec: PartnershipSpec,
    *,
    partnership: Partnership,
    admin: User,
    today: datetime.date,
) -> None:
    """The turn-the-curve stories of headline measures, for this year, linked
    to the actions that carry out their plans. A story there already stays."""
    for story_spec in spec.curve_stories:
        if not story_spec.measure:
            continue
        measure = PerformanceMeasure.objects.get(
            partnership=partnership, code=story_spec.measure
        )
        if CurveStory.objects.filter(partnership=partnership, measure=measure).exists():
            continue
        story = wellbeing_services.curve_story_save(
            partnership=partnership,
            measure=measure,
            actor=admin,
            story=_paragraphs(story_spec.story),
            partners=_paragraphs(story_spec.partners),
            what_works=_paragraphs(story_spec.what_works),
            action_plan=_paragraphs(story_spec.action_plan),
            today=today,
        )
        names = [" ".join(name.split()) for name in story_spec.actions]
        delivery_services.curve_story_actions_set(
            partnership=partnership,
            story=story,
            action_ids=Action.objects.filter(
                partnership=partnership, name__in=names
            ).values_list("pk", flat=True),
            actor=admin,
        )
