"""The measure page's repeated rows, written in Python (reports.measure_rows),
are what the template they replaced wrote: each reporting year's row, each
row of the chart's table, each quarter's story, breakdown (one dimension or
two, with and without a unit) and history, and the measure's own changes;
returned, locked, saved by nobody, stories and names to escape, every kind of
value and rule, English and Welsh."""

import re
from decimal import Decimal as D

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from kpis import recording, review, services
from kpis.models import PerformanceMeasure, QuarterlyValue, ReviewStatus
from kpis.selectors import current_quarter
from partnerships.models import Role
from tests.factories import (
    DimensionCategoryFactory,
    DimensionFactory,
    MeasureFactory,
    MembershipFactory,
    PartnershipFactory,
)
from tests.reports.every_kind import every_kind_of_measure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

# The measure page's markup before reports.measure_rows, kept as the reference.
YEARS_REFERENCE = Template(
    """{% load i18n %}{% translate "Quarters reported" as reported_label %}{% translate "Year so far" as so_far_label %}{% translate "Target (pro rata)" as pro_rata_label %}{% translate "Status" as status_label %}
  {% for year in page.years %}
    <tr><th scope="row">{{ year.label }}</th><td data-label="{{ reported_label }}">{% blocktranslate with reported=year.reported|length ended=year.quarters_ended %}{{ reported }} of {{ ended }}{% endblocktranslate %}</td><td data-label="{{ so_far_label }}">{{ year.display }}</td><td data-label="{{ pro_rata_label }}">{{ year.pro_rata_display }}</td>
      <td data-label="{{ status_label }}"><span class="status status--{{ year.status }}">{{ year.status.label }}</span>{% if year.missing_note %} <span class="status__missing small">{{ year.missing_note }}</span>{% endif %}{% if year.due_note %} <span class="status__missing small">{{ year.due_note }}</span>{% endif %}</td></tr>
  {% endfor %}"""  # noqa: E501
)
SERIES_REFERENCE = Template(
    """{% load i18n %}{% translate "Not reported" as not_reported %}{% for point in page.series %}<tr><th scope="row">{{ point.label }}</th><td>{% if point.value is None %}{{ not_reported }}{% else %}{{ point.value|floatformat:"-2" }}{% endif %}</td></tr>{% endfor %}"""  # noqa: E501
)
STORIES_REFERENCE = Template(
    """{% load i18n breakdown_labels %}{% translate "When" as when_label %}{% translate "Who" as who_label %}{% translate "How" as how_label %}{% translate "What changed" as what_label %}
{% translate "Locked" as locked_label %}{% translate "No story given." as no_story %}{% translate "Breakdown" as breakdown_label %}{% translate "All" as all_label %}{% translate "Breakdown total" as breakdown_total %}{% translate "History" as history_label %}
  {% for row in value_rows %}{% with period=row.value.period %}{% with quarter_label=period.label %}
    <li id="quarter-{{ period.as_quarter.key }}">
      <h3 class="stories__quarter">{{ quarter_label }}
        <span class="review review--{{ row.value.status }}">{{ row.value.get_status_display }}</span>
        {% if period.is_locked %}<span class="review review--locked">{{ locked_label }}</span>{% endif %}</h3>
      {% if row.value.story %}<p>{{ row.value.story|linebreaksbr }}</p>{% else %}<p class="muted">{{ no_story }}</p>{% endif %}
      {% if row.value.status == "returned" %}<p class="notice notice--returned">{% blocktranslate with reason=row.value.return_reason %}Returned: {{ reason }}{% endblocktranslate %}</p>{% endif %}
      <p class="muted small">{% if row.value.entered_by %}{% blocktranslate with who=row.value.entered_by when=row.value.updated_at|date:"j M Y H:i" %}Figure last saved by {{ who }}, {{ when }}{% endblocktranslate %}{% else %}{% blocktranslate with when=row.value.updated_at|date:"j M Y H:i" %}Figure last saved {{ when }}{% endblocktranslate %}{% endif %}</p>
      {% if row.breakdown %}
        {% with table=row.breakdown %}
        <div class="table-wrap" role="region" aria-label="{{ breakdown_label }}" tabindex="0">
        <table class="measures breakdown-table">
          <caption>{% quarter_by quarter_label table.first table.second %}</caption>
          <thead><tr><th scope="col">{{ table.first }}</th>{% for column in table.columns %}<th scope="col">{{ column }}</th>{% endfor %}{% if table.columns %}<th scope="col">{{ all_label }}</th>{% else %}<th scope="col">{{ measure.unit|capfirst|default:_("Count") }}</th>{% endif %}</tr></thead>
          <tbody>
            {% for name, cells, total in table.rows %}<tr><th scope="row">{{ name }}</th>{% if table.columns %}{% for cell in cells %}<td>{{ cell|default_if_none:"—" }}</td>{% endfor %}{% endif %}<td>{{ total }}</td></tr>{% endfor %}
          </tbody>
          <tfoot><tr><th scope="row">{{ breakdown_total }}</th>{% if table.columns %}{% for total in table.column_totals %}<td>{{ total }}</td>{% endfor %}{% endif %}<td>{{ table.total }}</td></tr></tfoot>
        </table>
        </div>
        {% endwith %}
      {% endif %}
      {% if row.history %}
      <details class="history-details">
        <summary>{% blocktranslate with q=quarter_label count counter=row.history|length %}History of {{ q }} ({{ counter }} change){% plural %}History of {{ q }} ({{ counter }} changes){% endblocktranslate %}</summary>
        <div class="table-wrap" role="region" aria-label="{{ history_label }}" tabindex="0">
        <table class="measures history">
          <thead><tr><th scope="col">{{ when_label }}</th><th scope="col">{{ who_label }}</th><th scope="col">{{ how_label }}</th><th scope="col">{{ what_label }}</th></tr></thead>
          <tbody>{% for entry in row.history %}<tr><td>{{ entry.at|date:"j M Y H:i:s" }}</td><td>{{ entry.who }}</td><td>{{ entry.path }}</td><td>{{ entry.changes|join:"; " }}</td></tr>{% endfor %}</tbody>
        </table>
        </div>
      </details>
      {% endif %}
    </li>
  {% endwith %}{% endwith %}{% endfor %}"""  # noqa: E501
)
CHANGES_REFERENCE = Template(
    """{% for entry in measure_history %}<tr><td>{{ entry.at|date:"j M Y H:i:s" }}</td><td>{{ entry.who }}</td><td>{{ entry.path }}</td><td>{{ entry.changes|join:"; " }}</td></tr>{% endfor %}"""  # noqa: E501
)


def _normalised(html: str) -> str:
    """Runs of whitespace read as one space in the page."""
    return re.sub(r"\s+", " ", str(html)).strip()


def _page(client, measure, language):
    path = reverse(
        "reports:measure_detail",
        kwargs={"slug": measure.partnership.slug, "pk": measure.pk},
    )
    with translation.override(language):
        page = client.get(path if language == "en-gb" else f"/cy{path}")
        assert page.status_code == 200
        context = page.context
        # The references render in the page's language, from its context.
        shown = {
            name: context[name]
            for name in ("page", "measure", "value_rows", "measure_history")
        }
        for reference, written in (
            (YEARS_REFERENCE, "years_html"),
            (SERIES_REFERENCE, "series_html"),
            (STORIES_REFERENCE, "stories_html"),
            (CHANGES_REFERENCE, "measure_history_html"),
        ):
            assert _normalised(context[written]) == _normalised(
                reference.render(Context(shown))
            ), written
            assert _normalised(context[written]) in _normalised(page.content.decode())
    return context


@pytest.fixture
def broken_down():
    """Two measures broken down (by two dimensions, without a unit; by one,
    with a unit), with stories, a returned figure, a locked quarter and a
    figure saved by nobody, names and words to escape."""
    partnership = PartnershipFactory()
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    admin.full_name = "Ann <O'Neil> & co"
    admin.save(update_fields=["full_name"])
    age = DimensionFactory(
        partnership=partnership, name='Age <group> & "kind"', name_cy="Oedran"
    )
    area = DimensionFactory(partnership=partnership, name="Area", name_cy="Ardal")
    young = DimensionCategoryFactory(dimension=age, name="Young", position=0)
    old = DimensionCategoryFactory(dimension=age, name="Older & wiser", position=1)
    north = DimensionCategoryFactory(dimension=area, name="North", position=0)
    south = DimensionCategoryFactory(dimension=area, name="South", position=1)
    two = MeasureFactory(
        partnership=partnership,
        name="Visits <escalated>",
        unit="",
        breakdown_first=age,
        breakdown_second=area,
    )
    one = MeasureFactory(
        partnership=partnership,
        name="Calls",
        unit="people & pets",
        unit_cy="pobl",
        breakdown_first=age,
    )
    now = current_quarter(partnership=partnership)
    quarters = now.back(6)
    for index, quarter in enumerate(quarters):
        period = services.period_get_or_create(partnership=partnership, quarter=quarter)
        for measure, cells in (
            (
                two,
                {
                    f"{young.pk}:{north.pk}": index,
                    f"{young.pk}:{south.pk}": 1,
                    f"{old.pk}:{north.pk}": 2,
                },
            ),
            (one, {str(young.pk): index, str(old.pk): 3}),
        ):
            value = recording.quarterly_value_record(
                partnership=partnership,
                measure=measure,
                period=period,
                actor=admin,
                value=D(sum(cells.values())),
                story="" if index == 2 else f"Said <b>{index}</b> & more\nline two",
                breakdown=cells,
            )
            if index:
                # Corrected once: two changes in its history.
                recording.quarterly_value_record(
                    partnership=partnership,
                    measure=measure,
                    period=period,
                    actor=admin,
                    value=D(sum(cells.values())),
                    story=value.story and f"{value.story} (corrected)",
                    breakdown=cells,
                    expected_version=value.version,
                )
    first = quarters[0]
    QuarterlyValue.objects.filter(
        partnership=partnership, period__year=first.year, period__quarter=first.quarter
    ).update(status=ReviewStatus.APPROVED)
    review.period_lock(partnership=partnership, quarter=first, actor=admin)
    returned = QuarterlyValue.objects.get(
        measure=two, period__year=quarters[3].year, period__quarter=quarters[3].quarter
    )
    QuarterlyValue.objects.filter(pk=returned.pk).update(status=ReviewStatus.SUBMITTED)
    review.value_return(
        partnership=partnership,
        value_id=returned.pk,
        actor=admin,
        reason="Too high <check> & resend",
    )
    QuarterlyValue.objects.filter(
        measure=one, period__year=quarters[4].year, period__quarter=quarters[4].quarter
    ).update(entered_by=None)
    PerformanceMeasure.objects.filter(pk=two.pk).update(name_cy="Ymweliadau")
    return admin, two, one


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_each_story_breakdown_and_history_is_what_the_template_wrote(
    client, broken_down, language
):
    admin, two, one = broken_down
    client.force_login(admin)
    for measure in (two, one):
        context = _page(client, measure, language)
        rows = context["value_rows"]
        assert len(rows) == 6
        assert all(row.breakdown for row in rows)
        assert all(len(row.history) >= 1 for row in rows)
        assert any(len(row.history) >= 2 for row in rows)
        assert any(row.value.period.is_locked for row in rows)
        assert any(not row.value.story for row in rows)
    # What makes a story differ is in this data.
    two_stories = _page(client, two, language)["stories_html"]
    assert "Said &lt;b&gt;1&lt;/b&gt; &amp; more<br>line two" in two_stories
    assert "Too high &lt;check&gt; &amp; resend" in two_stories
    assert "Ann &lt;O&#x27;Neil&gt; &amp; co" in two_stories
    one_stories = _page(client, one, language)["stories_html"]
    assert ("People &amp; pets" if language == "en-gb" else "Pobl") in one_stories
    assert "Older &amp; wiser" in one_stories
    assert any(row.value.entered_by is None for row in rows)
    if language == "en-gb":
        assert re.search(r"Figure last saved \d", one_stories)


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_each_year_and_quarter_row_is_what_the_template_wrote(client, language):
    partnership = every_kind_of_measure()
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    client.force_login(admin)
    years = []
    for measure in PerformanceMeasure.objects.filter(partnership=partnership):
        years += _page(client, measure, language)["page"].years
    # What makes a year's row differ is in this data.
    assert any(year.missing_note for year in years)
    assert any(year.due_note for year in years)
    assert any(year.rate_only for year in years)
    assert len({year.status for year in years}) >= 4
