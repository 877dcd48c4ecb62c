"""The demo in both languages: draft Welsh texts, loaded by the builder."""

import pytest
from django.utils import translation

from kpis import welsh
from kpis.models import Dimension, PerformanceMeasure
from outcomes.models import Mission, Priority
from partnerships.models import Partnership, WelshStatus


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_database")
class TestTheDemoInWelsh:
    def test_both_partnerships_carry_a_draft_translation(self):
        for partnership in Partnership.objects.filter(is_demo=True):
            assert partnership.welsh_status == WelshStatus.DRAFT
            mission = Mission.objects.get(partnership=partnership)
            assert mission.statement_cy and mission.description_cy

    def test_the_civic_missions_texts_in_welsh(self):
        partnership = Partnership.objects.get(slug="wrexham-civic-mission")
        priorities = Priority.objects.filter(partnership=partnership)
        assert {p.name_cy for p in priorities} == {
            "Arweinyddiaeth, llywodraethu a gweithio system gyfan",
            "Meithrin cydnerthedd cymunedol",
            "Cadw'n iach",
        }
        measure = PerformanceMeasure.objects.get(
            partnership=partnership, name_en="C4C collaborative events"
        )
        with translation.override("cy"):
            assert measure.name == "Digwyddiadau cydweithredol C4C"
            assert measure.unit == "digwyddiadau"
        # One measure is left in English, to show the fallback.
        left = PerformanceMeasure.objects.get(
            partnership=partnership, name_en="Partners at CoP events"
        )
        assert left.name_cy is None
        missing = welsh.texts_without_welsh(partnership=partnership)
        assert any(text.obj == left for group in missing for text in group.texts)

    def test_the_breakdowns_and_their_categories_in_welsh(self):
        dimension = Dimension.objects.get(name_en="Age group")
        assert dimension.name_cy == "Grŵp oedran"
        assert [c.name_cy for c in dimension.categories.order_by("position")] == [
            "Plant",
            "Pobl ifanc",
            "Oedolion",
        ]
