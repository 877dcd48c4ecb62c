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

    def test_wakefield_has_welsh_wherever_it_has_english(self):
        """Every translated text of Wakefield Together (its mission, priorities,
        outcomes, measures, the engagement measures and its community
        breakdown) has its Welsh: no Welsh column is empty where the English
        one is set."""
        from modeltranslation.translator import translator

        from partnerships.admin_tenancy import is_tenant_model

        partnership = Partnership.objects.get(slug="wakefield-together")
        assert welsh.texts_without_welsh(partnership=partnership) == []
        checked = 0
        for model in translator.get_registered_models():
            fields = translator.get_options_for_model(model).fields
            if not is_tenant_model(model):
                continue
            for row in model.objects.filter(partnership=partnership):
                for field in fields:
                    if getattr(row, f"{field}_en"):
                        checked += 1
                        assert getattr(row, f"{field}_cy"), (model, row.pk, field)
        assert checked > 60
        measure = PerformanceMeasure.objects.get(partnership=partnership, code="WT-E3")
        with translation.override("cy"):
            assert (
                measure.name == "Pobl sy'n cymryd rhan mewn gweithgareddau ymgysylltu"
            )
        community = Dimension.objects.get(partnership=partnership, name_en="Community")
        assert community.name_cy == "Cymuned"
        assert "Yr ardal gyfan" in {c.name_cy for c in community.categories.all()}

    def test_wakefields_actions_and_activities_in_welsh(self):
        """The action plan's rows and the engagement log's titles have their
        Welsh (the general check above covers every one); the sample label
        is translated as well."""
        from delivery.models import Action
        from engagement.models import Activity

        partnership = Partnership.objects.get(slug="wakefield-together")
        actions = Action.objects.filter(partnership=partnership)
        assert actions.count() == 15
        assert all(action.name_cy for action in actions)
        database = actions.get(name_en="Develop a community engagement data base")
        assert database.name_cy == "Datblygu cronfa ddata ymgysylltu â'r gymuned"
        activities = Activity.objects.filter(partnership=partnership)
        assert activities.count() > 10
        for activity in activities:
            assert activity.title_en.endswith(" (sample)")
            assert activity.title_cy.endswith(" (enghraifft)")
        with translation.override("cy"):
            shown = Action.objects.get(pk=database.pk)
            assert shown.name == "Datblygu cronfa ddata ymgysylltu â'r gymuned"
