"""The seed files read into specs, and hold together."""

import datetime

import pytest

from demo.loader import USERS, partnership_specs
from demo.specs import (
    DATA_DIR,
    MeasureSpec,
    PartnershipSpec,
    partnership_spec_load,
    spec_from_dict,
)
from kpis.models import ALLOWED_AGGREGATIONS, Question
from outcomes.models import Horizon


def _outcomes(spec: PartnershipSpec):
    yield from spec.outcomes
    for priority in spec.priorities:
        yield from priority.outcomes


def _projects(spec: PartnershipSpec):
    yield from spec.projects
    for priority in spec.priorities:
        yield from priority.projects
    for outcome in _outcomes(spec):
        yield from outcome.projects


def test_each_seed_file_reads_into_a_partnership_spec():
    civic, cohesion, wakefield = partnership_specs()
    assert civic.slug == "wrexham-civic-mission"
    assert civic.baseline_day == datetime.date(2023, 9, 1)
    assert len(civic.all_measures()) == 30
    assert cohesion.slug == "wrexham-community-cohesion"
    assert len(cohesion.all_measures()) == 60
    assert wakefield.slug == "wakefield-together"
    assert wakefield.reporting_year_start_month == 4
    assert not wakefield.framework


@pytest.mark.parametrize("spec", partnership_specs(), ids=lambda spec: spec.slug)
def test_a_seed_file_names_only_what_it_defines(spec):
    organisations = set(spec.organisations)
    dimensions = {dimension.name for dimension in spec.dimensions}
    projects = [project.name for project in _projects(spec)]
    assert {project.lead for project in _projects(spec)} <= organisations
    assert len(projects) == len(set(projects))
    codes = []
    for outcome in _outcomes(spec):
        assert outcome.horizon in Horizon.values
    for measure in _every_measure(spec):
        codes.append(measure.code)
        assert measure.question in Question.values
        assert measure.aggregation in ALLOWED_AGGREGATIONS[measure.value_type]
        assert set(measure.breakdown) <= dimensions
        assert not measure.project or measure.project in projects
    assert len(codes) == len(set(codes))


def _every_measure(spec: PartnershipSpec):
    yield from spec.measures
    for priority in spec.priorities:
        yield from priority.measures
    for outcome in _outcomes(spec):
        yield from outcome.measures


def test_the_walk_throughs_lead_and_project_are_in_the_data():
    emails = {user.email for user in USERS.users}
    assert {USERS.admin, USERS.lead, USERS.steering} <= emails
    civic = next(s for s in partnership_specs() if s.slug == USERS.lead_partnership)
    assert USERS.lead_project in {project.name for project in _projects(civic)}


def test_an_unknown_key_is_refused_rather_than_ignored():
    with pytest.raises(ValueError, match="no field tagret"):
        spec_from_dict(
            MeasureSpec,
            {
                "code": "X1",
                "name": "X",
                "question": "how_much",
                "value_type": "count",
                "aggregation": "sum",
                "tagret": 3,
            },
        )


def test_tables_become_specs_and_lists_tuples(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(
        'name = "Small"\nslug = "small"\nreporting_year_start_month = 4\n'
        'mission_statement = "M"\nmission_target_year = 2030\n'
        'mission_description = ""\norganisations = ["Org"]\n'
        "[[priorities]]\n"
        'name = "P"\nmission_statement = ""\n'
        "[[priorities.outcomes]]\n"
        'statement = "O"\nhorizon = "short"\n'
        "[[priorities.outcomes.measures]]\n"
        'code = "M1"\nname = "Events"\nquestion = "how_much"\n'
        'value_type = "count"\naggregation = "sum"\ntarget = 4\n',
        encoding="utf-8",
    )
    spec = partnership_spec_load(path)
    assert spec.organisations == ("Org",)
    assert spec.priorities[0].outcomes[0].measures == (
        MeasureSpec(
            code="M1",
            name="Events",
            question="how_much",
            value_type="count",
            aggregation="sum",
            target=4,
        ),
    )
    assert DATA_DIR.is_dir()
