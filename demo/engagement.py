"""Wakefield Together's engagement log in the demo (data/wakefield_engagement.toml):
its community dimension, its standards, two years of sample activities (the
demo's history) at every
level of the continuum, and the three measures computed from the log.

Loaded before the history quarters are approved and locked (the loader's
order), so the computed figures go through the review cycle as the others
do. Loading again adds no activity once the log holds any: a locked quarter's
activities cannot change, and the sample year is laid out from the first
load's today.
"""

import datetime
import tomllib
from decimal import Decimal
from pathlib import Path

from engagement.computing import computed_figures_refresh
from engagement.models import Activity, ActivityStatus, EngagementStandard
from engagement.services import (
    ActivityInput,
    ComputationInput,
    activity_create,
    computed_measure_set,
    standard_create,
)
from kpis import services as kpi_services
from kpis.models import DimensionCategory, ValueType
from kpis.periods import Quarter
from outcomes.models import Outcome
from partnerships.models import Organisation, Partnership, User

ENGAGEMENT_FILE = Path(__file__).parent / "data" / "wakefield_engagement.toml"
SLUG = "wakefield-together"
OUTCOME_STARTS = "Community engagement activity is coordinated"
_ACTIVITY_KEYS = {
    "quarter", "day", "days_ahead", "title", "title_cy", "status", "level", "method",
    "organisations", "communities", "participants", "standards", "said", "done",
}  # fmt: skip


def engagement_data() -> dict:
    data = tomllib.loads(ENGAGEMENT_FILE.read_text(encoding="utf-8"))
    for activity in data["activities"]:
        unknown = set(activity) - _ACTIVITY_KEYS
        if unknown:
            raise ValueError(f"Unknown activity keys: {sorted(unknown)}")
    return data


def _day(activity: dict, today: datetime.date, current: Quarter):
    """The activity's first day, or None for one of this quarter yet to come."""
    if "days_ahead" in activity:
        return today + datetime.timedelta(days=activity["days_ahead"])
    quarter = current.back(activity["quarter"] + 1)[0]
    day = quarter.starts_on + datetime.timedelta(days=activity["day"] - 1)
    if day > min(today, quarter.ends_on):
        return None
    return day


def engagement_load(
    *, partnership: Partnership, admin: User, today: datetime.date, label: str
) -> int:
    """Load the log for Wakefield Together (nothing for the other demo
    partnerships). Returns the activities added. The computed figures carry
    ``label`` as their story, as the demo's other figures do."""
    if partnership.slug != SLUG:
        return 0
    data = engagement_data()
    dimension = kpi_services.dimension_upsert(
        partnership=partnership,
        name=data["community_dimension"],
        categories=data["communities"],
        is_exhaustive=False,
        welsh_name=data.get("community_dimension_cy", ""),
        welsh_categories=list(data.get("communities_cy", ())),
    )
    communities = dict(
        DimensionCategory.objects.filter(dimension=dimension).values_list("name", "pk")
    )
    known = set(
        EngagementStandard.objects.filter(partnership=partnership).values_list(
            "name", flat=True
        )
    )
    for standard in data["standards"]:
        if standard["name"] not in known:
            standard_create(
                partnership=partnership,
                actor=admin,
                name=standard["name"],
                description=standard["description"],
            )
    standards = dict(
        EngagementStandard.objects.filter(partnership=partnership).values_list(
            "name", "pk"
        )
    )
    organisations = dict(
        Organisation.objects.filter(partnership=partnership).values_list("name", "pk")
    )
    added = 0
    if not Activity.objects.filter(partnership=partnership).exists():
        current = Quarter.containing(today, partnership.reporting_year_start_month)
        for activity in data["activities"]:
            day = _day(activity, today, current)
            if day is None:
                continue
            status = activity.get("status", ActivityStatus.HELD)
            said = activity.get("said", "")
            activity_create(
                partnership=partnership,
                actor=admin,
                refresh=False,
                data=ActivityInput(
                    title=activity["title"] + data["title_suffix"],
                    title_cy=(
                        activity["title_cy"] + data["title_suffix_cy"]
                        if activity.get("title_cy")
                        else None
                    ),
                    starts_on=day,
                    ends_on=day,
                    status=status,
                    level=activity["level"],
                    method=activity["method"],
                    organisation_ids=[
                        organisations[o] for o in activity["organisations"]
                    ],
                    community_ids=[communities[c] for c in activity["communities"]],
                    standard_ids=[standards[s] for s in activity.get("standards", [])],
                    participants=activity.get("participants"),
                    feedback_said=f"{data['label']}\n{said}" if said else data["label"],
                    feedback_done=activity.get("done", ""),
                ),
            )
            added += 1
    outcome = (
        Outcome.objects.filter(
            partnership=partnership, statement__startswith=OUTCOME_STARTS
        )
        .order_by("pk")
        .first()
    )
    for spec in data["measures"]:
        percentage = spec["value_type"] == ValueType.PERCENTAGE
        measure = kpi_services.measure_upsert(
            partnership=partnership,
            code=spec["code"],
            name=spec["name"],
            outcome=outcome,
            question="how_well" if percentage else "how_much",
            value_type=spec["value_type"],
            aggregation=spec["aggregation"],
            direction="up",
            unit=spec["unit"],
            annual_target=Decimal(spec["target"]),
            is_headline=False,
            definition=spec["definition"],
            data_source="Wakefield Together engagement log",
            welsh={
                "name": spec.get("name_cy", ""),
                "unit": spec.get("unit_cy", ""),
                "definition": spec.get("definition_cy", ""),
                "data_source": "Cofnod ymgysylltu Wakefield Together",
            },
        )
        kpi_services.measure_assign_lead(
            partnership=partnership, measure=measure, user=admin
        )
        computed_measure_set(
            partnership=partnership,
            actor=admin,
            measure=measure,
            data=ComputationInput(
                kind=spec["kind"],
                standard_id=standards[spec["standard"]] if "standard" in spec else None,
            ),
            today=today,
        )
    computed_figures_refresh(
        partnership=partnership, actor=admin, story=label, today=today
    )
    return added
