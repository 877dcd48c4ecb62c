"""The Welsh framework's Welsh names: goals verified, ways of working not yet."""

import pytest
from django.utils import translation

from wellbeing.models import (
    NationalFramework,
    NationalIndicator,
    WayOfWorking,
    WellbeingGoal,
)

pytestmark = pytest.mark.django_db

GOALS_CY = {
    "A prosperous Wales": "Cymru lewyrchus",
    "A resilient Wales": "Cymru gydnerth",
    "A healthier Wales": "Cymru iachach",
    "A more equal Wales": "Cymru sy'n fwy cyfartal",
    "A Wales of cohesive communities": "Cymru o gymunedau cydlynus",
    "A Wales of vibrant culture and thriving Welsh language": (
        "Cymru â diwylliant bywiog lle mae'r Gymraeg yn ffynnu"
    ),
    "A globally responsible Wales": "Cymru sy'n gyfrifol ar lefel fyd-eang",
}


def test_the_act_and_the_seven_goals_have_their_verified_welsh_names():
    act = NationalFramework.objects.get(slug="wales-wfg-2015")
    assert act.name_cy == "Deddf Llesiant Cenedlaethau'r Dyfodol (Cymru) 2015"
    goals = WellbeingGoal.objects.filter(framework=act)
    assert {g.name_en: g.name_cy for g in goals} == GOALS_CY
    assert all(g.welsh_confirmed for g in goals)
    with translation.override("cy"):
        assert str(goals.get(code="prosperous")) == "Cymru lewyrchus"


def test_the_ways_of_working_have_welsh_names_marked_unconfirmed():
    ways = WayOfWorking.objects.filter(framework__slug="wales-wfg-2015")
    assert {w.code: w.name_cy for w in ways} == {
        "long_term": "Hirdymor",
        "prevention": "Atal",
        "integration": "Integreiddio",
        "collaboration": "Cydweithio",
        "involvement": "Cynnwys",
    }
    assert not any(w.welsh_confirmed for w in ways)


def test_no_indicator_has_an_unsourced_welsh_title():
    indicators = NationalIndicator.objects.filter(framework__slug="wales-wfg-2015")
    assert indicators.count() >= 50
    assert not indicators.exclude(title_cy=None).exists()
    with translation.override("cy"):
        first = indicators.get(number=1)
        assert first.title == first.title_en  # English, shown lang="en"
