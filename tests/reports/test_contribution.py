"""The contribution map: the matrix read model and its pages."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from partnerships.models import Role
from reports.contribution import (
    DIRECT,
    VIA_OUTCOME,
    VIA_PRIORITY,
    contribution_map_get,
)
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    NationalFrameworkFactory,
    NationalIndicatorFactory,
    OutcomeFactory,
    PartnershipFactory,
    PriorityFactory,
    ProjectFactory,
    WayOfWorkingFactory,
    WellbeingGoalFactory,
)
from wellbeing import services
from wellbeing.selectors import framework_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapped():
    """A framework of three goals, two ways and three indicators, and a
    partnership whose work is linked at every level."""
    framework = NationalFrameworkFactory(name="Test Act", nation="Testland")
    goals = [WellbeingGoalFactory(framework=framework) for _ in range(3)]
    ways = [WayOfWorkingFactory(framework=framework) for _ in range(2)]
    indicators = [NationalIndicatorFactory(framework=framework) for _ in range(3)]
    partnership = PartnershipFactory(framework=framework)
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    priority = PriorityFactory(partnership=partnership, name="Keeping well")
    outcome = OutcomeFactory(partnership=partnership, priority=priority)
    under_outcome = MeasureFactory(partnership=partnership, outcome=outcome)
    on_priority = MeasureFactory(
        partnership=partnership, outcome=None, priority=priority
    )
    mission_wide = MeasureFactory(partnership=partnership, outcome=None, priority=None)
    project = ProjectFactory(partnership=partnership, priority=priority)

    def link(source, target):
        services.contribution_link(
            partnership=partnership, source=source, target=target, actor=admin
        )

    link(priority, goals[0])
    link(outcome, goals[1])
    link(under_outcome, goals[1])  # direct beats through-the-outcome
    link(on_priority, ways[0])
    link(project, indicators[2])
    link(mission_wide, indicators[0])
    return {
        "framework": framework,
        "partnership": partnership,
        "admin": admin,
        "goals": goals,
        "ways": ways,
        "indicators": indicators,
        "priority": priority,
        "outcome": outcome,
        "under_outcome": under_outcome,
        "on_priority": on_priority,
        "mission_wide": mission_wide,
        "project": project,
    }


def _cells(matrix, obj) -> list[str]:
    for group in matrix.groups:
        for row in group.rows:
            if row.obj == obj:
                return [cell.via for cell in row.cells]
    raise AssertionError(f"{obj} has no row")


def test_a_measure_contributes_through_its_outcome_and_its_priority(mapped):
    contribution = contribution_map_get(partnership=mapped["partnership"])
    goals = contribution.goals
    assert goals.columns == mapped["goals"]
    assert _cells(goals, mapped["priority"]) == [DIRECT, "", ""]
    assert _cells(goals, mapped["outcome"]) == [VIA_PRIORITY, DIRECT, ""]
    assert _cells(goals, mapped["under_outcome"]) == [VIA_PRIORITY, DIRECT, ""]
    assert _cells(goals, mapped["on_priority"]) == [VIA_PRIORITY, "", ""]
    assert _cells(goals, mapped["mission_wide"]) == ["", "", ""]
    assert _cells(contribution.ways, mapped["on_priority"]) == [DIRECT, ""]


def test_a_measure_under_a_linked_outcome_shows_it(mapped):
    outcome = mapped["outcome"]
    other = MeasureFactory(partnership=mapped["partnership"], outcome=outcome)
    contribution = contribution_map_get(partnership=mapped["partnership"])
    assert _cells(contribution.goals, other) == [VIA_PRIORITY, VIA_OUTCOME, ""]


def test_a_goal_no_work_contributes_to_is_listed(mapped):
    contribution = contribution_map_get(partnership=mapped["partnership"])
    assert contribution.goals.empty_columns == [mapped["goals"][2]]
    assert contribution.ways.empty_columns == [mapped["ways"][1]]


def test_rows_are_grouped_by_priority_with_mission_wide_work_last(mapped):
    contribution = contribution_map_get(partnership=mapped["partnership"])
    groups = contribution.goals.groups
    assert [g.priority for g in groups] == [mapped["priority"], None]
    assert [(row.kind, row.obj) for row in groups[0].rows] == [
        ("priority", mapped["priority"]),
        ("outcome", mapped["outcome"]),
        ("measure", mapped["under_outcome"]),
        ("measure", mapped["on_priority"]),
        ("project", mapped["project"]),
    ]
    assert [row.obj for row in groups[1].rows] == [mapped["mission_wide"]]


def test_the_indicator_table_has_only_the_indicators_linked(mapped):
    contribution = contribution_map_get(partnership=mapped["partnership"])
    first, _unused, third = mapped["indicators"]
    assert contribution.indicators.columns == [first, third]
    assert _cells(contribution.indicators, mapped["mission_wide"]) == [DIRECT, ""]
    assert _cells(contribution.indicators, mapped["project"]) == ["", DIRECT]
    assert [(e.indicator, e.rows) for e in contribution.indicator_key] == [
        (first, 1),
        (third, 1),
    ]


def test_another_partnerships_links_never_appear(mapped):
    framework = mapped["framework"]
    theirs = PartnershipFactory(framework=framework)
    their_admin = MembershipFactory(partnership=theirs, role=Role.ADMIN).user
    their_priority = PriorityFactory(partnership=theirs)
    for target in [*mapped["goals"], *mapped["indicators"]]:
        services.contribution_link(
            partnership=theirs, source=their_priority, target=target, actor=their_admin
        )
    contribution = contribution_map_get(partnership=mapped["partnership"])
    assert contribution.goals.empty_columns == [mapped["goals"][2]]
    assert len(contribution.indicators.columns) == 2
    rows = [row.obj for g in contribution.goals.groups for row in g.rows]
    assert their_priority not in rows


def url(partnership, name="contribution"):
    return reverse(f"reports:{name}", args=[partnership.slug])


@pytest.mark.parametrize("role", [Role.VIEWER, Role.LEAD, Role.ADMIN])
def test_every_member_sees_the_matrix(client, mapped, role):
    partnership = mapped["partnership"]
    member = MembershipFactory(partnership=partnership, role=role).user
    client.force_login(member)
    page = client.get(url(partnership)).content.decode()
    assert "<caption" in page and 'scope="col"' in page and 'scope="row"' in page
    assert mapped["goals"][0].name in page
    assert "Goals with no contribution" in page
    assert "Contributes through its priority" in page
    assert f'href="{url(partnership)}" aria-current="page"' in page
    indicators = client.get(url(partnership, "contribution_indicators"))
    assert mapped["indicators"][2].title in indicators.content.decode()
    chooser = 'action="{}"'.format(url(partnership, "contribution_framework"))
    assert (chooser in page) == (role == Role.ADMIN)


def test_unconfirmed_indicators_are_marked(client, mapped):
    indicator = mapped["indicators"][0]
    indicator.confirmed = False
    indicator.save()
    client.force_login(mapped["admin"])
    page = client.get(url(mapped["partnership"], "contribution_indicators"))
    assert "wording unconfirmed" in page.content.decode()


def test_a_partnership_with_no_framework_is_told_so(client):
    partnership = PartnershipFactory()
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
    client.force_login(viewer)
    for name in ("contribution", "contribution_indicators"):
        response = client.get(url(partnership, name))
        assert response.status_code == 200
        assert "No national framework chosen" in response.content.decode()


def test_non_members_get_404(client, mapped):
    outsider = MembershipFactory(partnership=PartnershipFactory()).user
    client.force_login(outsider)
    partnership = mapped["partnership"]
    for name in ("contribution", "contribution_indicators"):
        assert client.get(url(partnership, name)).status_code == 404
    post = client.post(url(partnership, "contribution_framework"), {"framework": ""})
    assert post.status_code == 404
    partnership.refresh_from_db()
    assert framework_for(partnership=partnership) == mapped["framework"]


def test_an_admin_chooses_another_framework_or_none(client, mapped):
    partnership = mapped["partnership"]
    other = NationalFrameworkFactory(name="An English framework", nation="England")
    client.force_login(mapped["admin"])
    response = client.post(
        url(partnership, "contribution_framework"), {"framework": other.pk}
    )
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert framework_for(partnership=partnership) == other
    client.post(url(partnership, "contribution_framework"), {"framework": ""})
    partnership.refresh_from_db()
    assert framework_for(partnership=partnership) is None


def test_a_viewer_cannot_choose_the_framework(client, mapped):
    partnership = mapped["partnership"]
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
    client.force_login(viewer)
    response = client.post(
        url(partnership, "contribution_framework"), {"framework": ""}
    )
    assert response.status_code == 403
    partnership.refresh_from_db()
    assert framework_for(partnership=partnership) == mapped["framework"]


def test_the_matrix_pages_run_a_fixed_number_of_queries(
    client, mapped, django_assert_max_num_queries
):
    partnership, framework = mapped["partnership"], mapped["framework"]
    admin = mapped["admin"]
    client.force_login(admin)
    with django_assert_max_num_queries(20) as small:
        client.get(url(partnership))
    for _ in range(5):
        priority = PriorityFactory(partnership=partnership)
        outcome = OutcomeFactory(partnership=partnership, priority=priority)
        goal = WellbeingGoalFactory(framework=framework)
        indicator = NationalIndicatorFactory(framework=framework)
        for source in (
            priority,
            outcome,
            MeasureFactory(partnership=partnership, outcome=outcome),
            ProjectFactory(partnership=partnership, priority=priority),
        ):
            for target in (goal, indicator):
                services.contribution_link(
                    partnership=partnership, source=source, target=target, actor=admin
                )
    for name in ("contribution", "contribution_indicators"):
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert client.get(url(partnership, name)).status_code == 200


def test_a_partnership_with_no_links_sees_every_goal_uncovered(client):
    framework = NationalFrameworkFactory()
    goals = [WellbeingGoalFactory(framework=framework) for _ in range(2)]
    partnership = PartnershipFactory(framework=framework)
    MeasureFactory(partnership=partnership)
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
    client.force_login(viewer)
    page = client.get(url(partnership)).content.decode()
    assert "No work is linked to a well-being goal yet" in page
    assert 'id="goals-matrix"' not in page
    for goal in goals:
        assert f"<li>{goal.name}</li>" in page
    indicators = client.get(url(partnership, "contribution_indicators")).content
    assert "No work is linked to a national indicator yet." in indicators.decode()


# The matrix's groups and rows as the template wrote them before
# Matrix.body_html, kept as the reference.
BODY_REFERENCE = """{% load i18n bilingual %}
  {% for group in matrix.groups %}
    <tbody>
      <tr class="matrix__group">
        <th scope="rowgroup" colspan="{{ matrix.columns|length|add:1 }}"><span class="matrix__group__name">{% if group.priority %}{% translate "Priority:" %} {% bilingual group.priority "name" %}{% else %}{% translate "Mission-wide (under no priority)" %}{% endif %}</span></th>
      </tr>
      {% for row in group.rows %}
        <tr class="matrix__row matrix__row--{{ row.kind }}">
          <th scope="row">
            {% if row.kind == "measure" %}
              <a href="{% url 'reports:measure_detail' map.partnership.slug row.obj.pk %}">{% bilingual row.obj "name" %}</a> <span class="muted small">{{ row.obj.code }}</span>
            {% elif row.kind == "priority" %}
              {% translate "The priority as a whole" %}
            {% elif row.kind == "outcome" %}
              <span class="tag">{% translate "Outcome" %}</span> {% bilingual row.obj "statement" words=16 %}
            {% else %}
              <span class="tag">{% translate "Project" %}</span> {% bilingual row.obj "name" %}
            {% endif %}
          </th>
          {% for cell in row.cells %}
            {% if cell.via %}
              <td class="matrix__cell matrix__cell--{{ cell.via }}"><span aria-hidden="true">{% if cell.via == "direct" %}●{% else %}○{% endif %}</span><span class="visually-hidden">{{ cell.text }}</span></td>
            {% else %}
              <td class="matrix__cell"></td>
            {% endif %}
          {% endfor %}
        </tr>
      {% endfor %}
    </tbody>
  {% endfor %}
"""  # noqa: E501


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_matrix_rows_written_in_python_are_what_the_template_wrote(
    mapped, language
):
    partnership = mapped["partnership"]
    # Names to escape, a Welsh name missing (the English one is marked), an
    # outcome statement to shorten, a project with its own link.
    priority = PriorityFactory(
        partnership=partnership, name="Safe <streets> & homes", name_cy=""
    )
    outcome = OutcomeFactory(
        partnership=partnership,
        priority=priority,
        statement=" ".join(f"word{n}" for n in range(30)),
    )
    measure = MeasureFactory(
        partnership=partnership,
        outcome=outcome,
        name="Calls <answered>",
        name_cy="Galwadau a atebwyd",
    )
    project = ProjectFactory(partnership=partnership, priority=priority)
    for source, target in (
        (outcome, mapped["goals"][2]),
        (measure, mapped["ways"][1]),
        (project, mapped["goals"][0]),
    ):
        services.contribution_link(
            partnership=partnership,
            source=source,
            target=target,
            actor=mapped["admin"],
        )
    reference = Template(BODY_REFERENCE)
    with translation.override(language):
        contribution = contribution_map_get(partnership=partnership)
        for matrix in (contribution.goals, contribution.ways, contribution.indicators):
            expected = reference.render(
                Context({"matrix": matrix, "map": contribution})
            )
            assert re.sub(r"\s+", " ", matrix.body_html).strip() == (
                re.sub(r"\s+", " ", expected).strip()
            )
            assert "&lt;streets&gt;" in matrix.body_html
        assert "matrix__row--project" in contribution.goals.body_html


def test_each_page_builds_only_the_tables_it_shows(mapped):
    partnership = mapped["partnership"]
    goals_page = contribution_map_get(
        partnership=partnership, tables=("goal", "way_of_working")
    )
    assert goals_page.goals and goals_page.ways
    assert goals_page.indicators is None and goals_page.indicator_key == []
    indicators_page = contribution_map_get(
        partnership=partnership, tables=("indicator",)
    )
    assert indicators_page.goals is None and indicators_page.ways is None
    assert indicators_page.indicators.groups == (
        contribution_map_get(partnership=partnership).indicators.groups
    )
    assert len(indicators_page.indicator_key) == 2
