"""The partnership's texts in Welsh, or in English marked lang="en"."""

import pytest
from django.template import Context, Template
from django.utils import translation

from kpis.models import PerformanceMeasure
from kpis.selectors import measure_history
from outcomes.models import Priority
from partnerships.bilingual import missing_welsh, text_for
from tests.factories import MeasureFactory, PartnershipFactory, PriorityFactory
from wellbeing.models import WayOfWorking

pytestmark = pytest.mark.django_db


def _render(obj, field: str, language: str, extra: str = "") -> str:
    template = Template("{% load bilingual %}{% bilingual obj field " + extra + " %}")
    with translation.override(language):
        return template.render(Context({"obj": obj, "field": field}))


def test_a_welsh_page_shows_the_welsh_text_unmarked():
    measure = MeasureFactory(name_en="Young people reached", name_cy="Pobl ifanc")
    assert _render(measure, "name", "cy") == "Pobl ifanc"
    assert _render(measure, "name", "en-gb") == "Young people reached"


def test_a_missing_welsh_text_falls_back_to_english_marked_lang_en():
    measure = MeasureFactory(name="Schools <taking> part")
    assert measure.name_cy is None
    assert _render(measure, "name", "cy") == (
        '<span lang="en">Schools &lt;taking&gt; part</span>'
    )
    # An English page shows it as it is.
    assert _render(measure, "name", "en-gb") == "Schools &lt;taking&gt; part"


def test_code_reading_the_field_gets_the_active_language_or_english():
    measure = MeasureFactory(name="Volunteers", unit="people")
    measure.name_cy = "Gwirfoddolwyr"
    measure.save()
    measure.refresh_from_db()
    with translation.override("cy"):
        assert measure.name == "Gwirfoddolwyr"
        assert measure.unit == "people"  # no Welsh unit: English
    with translation.override("en-gb"):
        assert measure.name == "Volunteers"


def test_truncating_and_line_breaks_keep_the_mark():
    measure = MeasureFactory(definition="One two three four\nfive")
    assert _render(measure, "definition", "cy", "words=2") == (
        '<span lang="en">One two …</span>'
    )
    assert _render(measure, "definition", "cy", "linebreaks=True") == (
        '<span lang="en">One two three four<br>five</span>'
    )


def test_two_priorities_may_both_lack_a_welsh_name():
    partnership = PartnershipFactory()
    PriorityFactory(partnership=partnership, name="Health")
    PriorityFactory(partnership=partnership, name="Skills")
    assert Priority.objects.filter(partnership=partnership, name_cy=None).count() == 2


def test_missing_welsh_and_text_for():
    measure = MeasureFactory(name="Reach", name_cy=None)
    assert missing_welsh(measure, "name")
    assert text_for(measure, "name", "cy").fallback_language == "en"
    measure.name_cy = "Cyrhaeddiad"
    assert not missing_welsh(measure, "name")
    assert text_for(measure, "name", "cy").text == "Cyrhaeddiad"


def test_the_measures_history_records_a_welsh_definition_change():
    measure = MeasureFactory(definition="Pupils taking part")
    PerformanceMeasure.objects.filter(pk=measure.pk).update(
        definition_cy="Disgyblion sy'n cymryd rhan"
    )
    entries = measure_history(partnership=measure.partnership, measure=measure)
    assert entries[0].changes == ["Definition in Welsh changed"]
    # Copying the English text into its own column is no change to the measure.
    assert len(entries) == 2


def test_welsh_pages_mark_the_ways_of_workings_unconfirmed_names():
    way = WayOfWorking.objects.get(code="long_term")
    assert way.name_cy == "Hirdymor" and not way.welsh_confirmed
    template = Template("{% load bilingual %}{% welsh_unconfirmed way %}")
    with translation.override("cy"):
        assert "tag--unconfirmed" in template.render(Context({"way": way}))
    with translation.override("en-gb"):
        assert template.render(Context({"way": way})) == ""
