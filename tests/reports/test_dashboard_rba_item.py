"""Each measure's item in the dashboard's RBA columns, written in Python
(reports.selectors.MeasureSummary.rba_item), is what the template it
replaced wrote: headline or not, with or without a target, missing quarters,
a breakdown, names to escape, English and Welsh."""

import re
from decimal import Decimal as D

import pytest
from django.template import Context, Template
from django.utils import translation

from kpis import recording, services
from kpis.models import Aggregation, ValueType
from kpis.selectors import current_quarter
from partnerships.models import Role
from reports.selectors import dashboard_get
from tests.factories import (
    DimensionCategoryFactory,
    DimensionFactory,
    MeasureFactory,
    MembershipFactory,
    PartnershipFactory,
)

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
        summaries = dashboard_get(partnership=partnership).all_measures
        assert len(summaries) == 4
        assert any(s.breakdown for s in summaries)
        for summary in summaries:
            reference = REFERENCE.render(Context({"s": summary}))
            assert _normalised(summary.rba_item) == _normalised(reference)
    # The names from data are escaped, not written as markup.
    item = next(s.rba_item for s in summaries if s.breakdown)
    assert "Age &lt;group&gt; &amp; &quot;kind&quot;" in item
    assert "<group>" not in item
