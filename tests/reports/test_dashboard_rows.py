"""The dashboard's per-measure markup, written in Python (reports.dashboard_rows),
is what the templates it replaced wrote: each measure's item in its outcome's
RBA columns, each outcome's columns, and each row of a table of measures;
headline or not, with or without a target, missing quarters, milestones due,
a breakdown, names to escape, English and Welsh."""

import re
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.template import Context, Engine, Template, engines
from django.utils import translation

from kpis import recording, services
from kpis.models import Aggregation, Question, ValueType
from kpis.selectors import current_quarter
from outcomes.models import Horizon
from partnerships.models import Role
from reports.dashboard_rows import (
    dashboard_body_html,
    measure_row_html,
    rba_group_html,
    rba_item_html,
)
from reports.year_figures import dashboard_page_get
from tests.factories import (
    DimensionCategoryFactory,
    DimensionFactory,
    MeasureFactory,
    MembershipFactory,
    OutcomeFactory,
    PartnershipFactory,
    PriorityFactory,
)
from tests.reports.every_kind import every_kind_of_measure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

# The dashboard's markup for one item before rba_item, kept as the reference.
REFERENCE = Template(
    """{% load i18n bilingual %}
                    <li>
                      <a href="{{ s.url }}">{% bilingual s.measure "name" %}</a>{% if s.measure.is_headline %} <span class="tag tag--kpi">{% translate "KPI" %}</span>{% endif %}
                      <div class="rba__figure"><span>{{ s.year.display }}</span>{% if s.year.target is not None %} <span class="muted">/ {{ s.year.target_display }}</span>{% endif %}
                        <span class="status status--{{ s.year.status }}">{{ s.year.status.label }}</span>{% if s.year.missing_note %} <span class="status__missing small">{{ s.year.missing_note }}</span>{% endif %}{% if s.year.due_note %} <span class="status__missing small">{{ s.year.due_note }}</span>{% endif %}</div>
                      {% if s.breakdown %}<p class="breakdown-line small">{% blocktranslate with d=s.breakdown.dimension q=s.breakdown.label %}By {{ d }}, {{ q }}:{% endblocktranslate %} {{ s.breakdown.text }}</p>{% endif %}
                    </li>"""  # noqa: E501
)


def _normalised(html: str) -> str:
    """Runs of whitespace read as one space in the page."""
    return re.sub(r"\s+", " ", html).strip()


@pytest.fixture
def partnership():
    partnership = PartnershipFactory()
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    age = DimensionFactory(
        partnership=partnership, name='Age <group> & "kind"', is_exhaustive=True
    )
    children = DimensionCategoryFactory(dimension=age, name="Children", position=0)
    adults = DimensionCategoryFactory(dimension=age, name="Adults & carers", position=1)
    broken_down = MeasureFactory(
        partnership=partnership,
        name="Reports <escalated>",
        name_cy="Adroddiadau a uwchgyfeiriwyd",
        value_type=ValueType.COUNT,
        aggregation=Aggregation.SUM,
        breakdown_first=age,
        is_headline=True,
    )
    MeasureFactory(partnership=partnership, name="No target", annual_target=None)
    MeasureFactory(
        partnership=partnership,
        name="Share of families",
        value_type=ValueType.PERCENTAGE,
        aggregation=Aggregation.RATIO_OF_SUMS,
        is_headline=False,
    )
    MeasureFactory(
        partnership=partnership,
        name="Strategy published",
        value_type=ValueType.MILESTONE,
        aggregation=Aggregation.LATEST,
        annual_target=None,
        is_headline=False,
    )
    now = current_quarter(partnership=partnership)
    for quarter, (young, old) in zip(now.back(2), [(1, 2), (3, 4)], strict=True):
        recording.quarterly_value_record(
            partnership=partnership,
            measure=broken_down,
            period=services.period_get_or_create(
                partnership=partnership, quarter=quarter
            ),
            actor=admin,
            value=D(young + old),
            breakdown={str(children.pk): young, str(adults.pk): old},
        )
    return partnership


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_each_rba_item_is_what_the_template_wrote(partnership, language):
    with translation.override(language):
        summaries = dashboard_page_get(partnership=partnership).all_measures
        assert len(summaries) == 4
        assert any(s.breakdown for s in summaries)
        for summary in summaries:
            reference = REFERENCE.render(Context({"s": summary}))
            assert _normalised(rba_item_html(summary)) == _normalised(reference)
    # The names from data are escaped, not written as markup.
    item = next(rba_item_html(s) for s in summaries if s.breakdown)
    assert "Age &lt;group&gt; &amp; &quot;kind&quot;" in item
    assert "<group>" not in item


# The RBA columns of an outcome before rba_group_html, kept as the reference.
GROUP_REFERENCE = Template(
    """{% load i18n bilingual %}
      <div class="rba">
        <h3 class="rba__title">{% if group.outcome %}{% bilingual group.outcome "statement" words=18 %}{% else %}{% translate "Measures for this priority" %}{% endif %}</h3>
        <div class="rba__columns">
          {% for heading, summaries in group.columns %}
            <div class="rba__column">
              <h4>{{ heading }}</h4>
              {% if summaries %}
                <ul class="rba__list">
                  {% for s in summaries %}{{ s.rba_item }}{% endfor %}
                </ul>
              {% else %}
                <p class="muted">{% translate "None" %}</p>
              {% endif %}
            </div>
          {% endfor %}
        </div>
      </div>"""  # noqa: E501
)

# A table of measures' row before measure_row_html, kept as the reference.
ROW_REFERENCE = Template(
    """{% load i18n bilingual %}
{% blocktranslate with year=dashboard.year_label asvar so_far %}{{ year }} so far{% endblocktranslate %}
{% translate "Latest quarter" as latest_label %}{% translate "Annual target" as target_label %}{% translate "Status" as status_label %}{% translate "Last eight quarters" as trend_label %}{% translate "Against the forecast" as forecast_label %}
      <tr>
        <th scope="row"><a href="{{ s.url }}">{% bilingual s.measure "name" %}</a>
          <span class="muted small">{{ s.measure.question_label }}</span>{% if s.breakdown %}<p class="breakdown-line small">{% blocktranslate with d=s.breakdown.dimension q=s.breakdown.label %}By {{ d }}, {{ q }}:{% endblocktranslate %} {{ s.breakdown.text }}</p>{% endif %}</th>
        <td data-label="{{ latest_label }}">{% if s.latest %}{{ s.latest_display }} <span class="muted small">{{ s.latest.label }}</span>{% else %}—{% endif %}</td>
        <td data-label="{{ so_far }}">{{ s.year.display }}</td>
        <td data-label="{{ target_label }}">{{ s.year.target_display }}{% if s.year.pro_rata_target is not None and s.year.pro_rata_target != s.year.target %} <span class="muted small">({% blocktranslate with t=s.year.pro_rata_display %}{{ t }} pro rata{% endblocktranslate %})</span>{% endif %}</td>
        <td data-label="{{ status_label }}"><span class="status status--{{ s.year.status }}">{{ s.year.status.label }}</span>{% if s.year.missing_note %} <span class="status__missing small">{{ s.year.missing_note }}</span>{% endif %}{% if s.year.due_note %} <span class="status__missing small">{{ s.year.due_note }}</span>{% endif %}</td>
        <td data-label="{{ trend_label }}">{{ s.sparkline }}</td>
        <td data-label="{{ forecast_label }}"><span class="curve curve--{{ s.curve }}">{{ s.curve_label }}</span>{% if s.curve_disagreement %}<p class="muted small curve__why">{{ s.curve_disagreement }}</p>{% endif %}</td>
      </tr>"""  # noqa: E501
)


class _WithItems:
    """A summary whose ``rba_item`` the group reference writes."""

    def __init__(self, summary):
        self.summary = summary
        self.rba_item = rba_item_html(summary)

    def __getattr__(self, name):
        return getattr(self.summary, name)


@pytest.mark.parametrize("language", ["en-gb", "cy"])
@pytest.mark.parametrize("years_back", [0, 1])
def test_every_row_and_column_is_what_the_templates_wrote(language, years_back):
    partnership = every_kind_of_measure()
    year = current_quarter(partnership=partnership).year - years_back
    with translation.override(language):
        dashboard = dashboard_page_get(partnership=partnership, year=year)
        groups = [g for p in dashboard.priorities for g in p.sections if g.measures]
        assert any(g.outcome is None for g in groups)
        assert any(not summaries for g in groups for _h, summaries in g.columns)
        for group in groups:
            items = type(group)(group.outcome, [_WithItems(s) for s in group.measures])
            reference = GROUP_REFERENCE.render(Context({"group": items}))
            assert _normalised(rba_group_html(group)) == _normalised(reference)
        summaries = dashboard.all_measures
        for summary in summaries:
            reference = ROW_REFERENCE.render(
                Context({"s": summary, "dashboard": dashboard})
            )
            assert _normalised(measure_row_html(summary)) == _normalised(reference)
            # What the template wrote with get_question_display.
            assert summary.measure.question_label == str(
                Question(summary.measure.question).label
            )
    # What makes a row differ is in this data.
    assert any(s.year.due_note for s in summaries) or years_back
    assert any(s.breakdown for s in summaries) or years_back
    assert any(s.curve_disagreement for s in summaries) or years_back
    assert any(s.year.pro_rata_target not in (None, s.year.target) for s in summaries)
    assert any(s.year.missing_note for s in summaries) or not years_back
    assert any(s.latest is None for s in summaries)
    assert any(s.measure.name_cy is None for s in summaries)
    assert any(s.measure.name_cy for s in summaries)


REFERENCE_DIR = Path(__file__).parent / "reference"


def _body_reference(dashboard) -> str:
    """The dashboard's body as its templates wrote it before
    dashboard_body_html (tests/reports/reference/, the tags of the project's
    engine)."""
    engine = Engine(
        dirs=[str(REFERENCE_DIR)], libraries=engines["django"].engine.libraries
    )
    return engine.get_template("dashboard_body.html").render(
        Context({"dashboard": dashboard})
    )


def _strategy_around(partnership):
    """What makes the body's parts differ, beside every_kind_of_measure's: a
    mission that names its year and one that does not, a priority without
    measures, a name to escape and one without Welsh, an outcome with what
    it will look like, and work under no priority."""
    PriorityFactory(
        partnership=partnership,
        name='Homes <safe> & "warm"',
        name_cy='Cartrefi <diogel> & "cynnes"',
        mission_statement="",
    )
    OutcomeFactory(
        partnership=partnership,
        priority=PriorityFactory(partnership=partnership, name="Only English"),
        what_it_looks_like="Families <say> so",
        what_it_looks_like_cy="Teuluoedd yn dweud",
        horizon=Horizon.LONG,
    )
    OutcomeFactory(partnership=partnership, priority=None, statement="Loose outcome")


@pytest.mark.parametrize("language", ["en-gb", "cy"])
@pytest.mark.parametrize("years_back", [0, 1])
def test_the_dashboard_body_is_what_its_templates_wrote(language, years_back):
    partnership = every_kind_of_measure()
    _strategy_around(partnership)
    year = current_quarter(partnership=partnership).year - years_back
    with translation.override(language):
        dashboard = dashboard_page_get(partnership=partnership, year=year)
        html = dashboard_body_html(dashboard)
        assert _normalised(html) == _normalised(_body_reference(dashboard))
        # The parts that differ are in this data.
        assert dashboard.mission.target_year_unsaid is False
        assert dashboard.mission_measures
        assert any(p.priority is None for p in dashboard.priorities)
        assert any(not p.status_counts for p in dashboard.priorities)
        assert any(p.headline for p in dashboard.priorities)
        assert any(
            o.what_it_looks_like for p in dashboard.priorities for o in p.outcomes
        )
        # Mission that does not name its year: "(by 2030)".
        dashboard.mission.statement = dashboard.mission.statement_en = "Fair work"
        dashboard.mission.statement_cy = None
        assert dashboard.mission.target_year_unsaid
        html = dashboard_body_html(dashboard)
        assert _normalised(html) == _normalised(_body_reference(dashboard))
    # Names from data are escaped, not written as markup.
    escaped = {
        "en-gb": "Homes &lt;safe&gt; &amp;",
        "cy": "Cartrefi &lt;diogel&gt; &amp;",
    }
    assert escaped[language] in html
    assert "<safe>" not in html and "<diogel>" not in html


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_an_empty_dashboard_body_is_what_its_templates_wrote(language):
    partnership = PartnershipFactory()
    with translation.override(language):
        dashboard = dashboard_page_get(partnership=partnership)
        assert not dashboard.priorities and dashboard.mission is None
        html = dashboard_body_html(dashboard)
        assert _normalised(html) == _normalised(_body_reference(dashboard))
