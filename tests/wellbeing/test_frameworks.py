"""The national frameworks: shipped reference data, shared and read-only."""

import io
import shutil

import pytest
from django.core.management import call_command
from django.db import ProgrammingError, transaction

from partnerships import tenancy
from tests.factories import PartnershipFactory
from wellbeing.frameworks import REFERENCE_DIR, ReferenceDataError, load_frameworks
from wellbeing.models import (
    IndicatorDirection,
    IndicatorSet,
    IndicatorSetMembership,
    NationalFramework,
    NationalIndicator,
    WayOfWorking,
    WellbeingGoal,
)
from wellbeing.selectors import framework_for

pytestmark = pytest.mark.django_db

WALES = "wales-wfg-2015"
REFERENCE_MODELS = (
    NationalFramework,
    WellbeingGoal,
    WayOfWorking,
    IndicatorSet,
    NationalIndicator,
    IndicatorSetMembership,
)


def _snapshot() -> dict:
    return {
        model.__name__: sorted(
            tuple(sorted(row.items())) for row in model.objects.values()
        )
        for model in REFERENCE_MODELS
    }


@pytest.fixture
def wales():
    load_frameworks()
    return NationalFramework.objects.get(slug=WALES)


def _indicator(number: int) -> NationalIndicator:
    return NationalIndicator.objects.get(framework__slug=WALES, number=number)


def test_the_welsh_framework_ships_its_goals_ways_and_indicators(wales):
    assert wales.nation == "Wales"
    assert WellbeingGoal.objects.filter(framework=wales).count() == 7
    assert list(
        WayOfWorking.objects.filter(framework=wales).values_list("code", flat=True)
    ) == ["long_term", "integration", "involvement", "collaboration", "prevention"]
    assert NationalIndicator.objects.filter(framework=wales).count() == 50
    assert _indicator(35).title.startswith("Percentage of people attending")
    assert _indicator(1).unit_kind == "percentage"


def test_the_2016_set_holds_46_indicators_and_the_2021_set_50(wales):
    sets = {s.slug: s for s in IndicatorSet.objects.filter(framework=wales)}
    assert set(sets) == {"2016", "2021"}
    assert sets["2021"].is_current and not sets["2016"].is_current
    in_2016 = set(sets["2016"].indicators.values_list("number", flat=True))
    in_2021 = set(sets["2021"].indicators.values_list("number", flat=True))
    assert in_2016 == set(range(1, 47))
    assert in_2021 == set(range(1, 51))
    assert set(_indicator(48).sets.values_list("slug", flat=True)) == {"2021"}


def test_the_2016_wording_is_kept_where_it_differs(wales):
    old = IndicatorSetMembership.objects.get(
        indicator_set__slug="2016", indicator=_indicator(5)
    )
    assert "fewer than two" in old.title_in_set
    # "Fewer than two" falls as things improve; "two or more" rises.
    assert old.direction_in_set == IndicatorDirection.DOWN
    assert _indicator(5).direction == IndicatorDirection.UP
    current = IndicatorSetMembership.objects.get(
        indicator_set__slug="2021", indicator=_indicator(5)
    )
    assert current.title_in_set == ""


def test_only_verified_rows_are_confirmed(wales):
    confirmed = set(
        NationalIndicator.objects.filter(framework=wales, confirmed=True).values_list(
            "number", flat=True
        )
    )
    assert confirmed == {1, 2, 3, 5, 6, 16, 35, 43, 44}
    assert _indicator(46).verification == "UNKNOWN"
    assert _indicator(47).verification == "MEMORY-LOW"
    assert not _indicator(14).confirmed
    assert _indicator(50).direction == IndicatorDirection.UNKNOWN


def test_loading_twice_changes_nothing(wales):
    before = _snapshot()
    result = load_frameworks()
    assert not result.changed
    assert not result.kept
    assert sum(result.unchanged.values()) == sum(len(v) for v in before.values())
    assert _snapshot() == before


def test_the_command_reports_an_up_to_date_database(wales):
    out = io.StringIO()
    call_command("load_frameworks", stdout=out)
    assert "Already up to date." in out.getvalue()
    assert WALES in out.getvalue()


def test_a_staff_edit_of_an_unconfirmed_indicator_survives_a_reload(wales):
    indicator = _indicator(50)
    indicator.title = "Checked wording from gov.wales"
    indicator.confirmed = True
    indicator.save()
    result = load_frameworks()
    indicator.refresh_from_db()
    assert indicator.title == "Checked wording from gov.wales"
    assert indicator.confirmed
    assert result.kept == {"national indicators": 1}
    assert not result.changed


def test_a_corrected_shipment_updates_only_unedited_rows(wales, tmp_path):
    edited = _indicator(47)
    edited.title = "Edited by staff"
    edited.save()
    shipped = tmp_path / "wales"
    shutil.copytree(REFERENCE_DIR / "wales", shipped)
    csv_path = shipped / "national_indicators.csv"
    text = csv_path.read_text(encoding="utf-8")
    text = text.replace("[title and number unverified]", "(corrected)")
    text = text.replace("[exact wording and number unverified]", "(corrected)")
    csv_path.write_text(text, encoding="utf-8")

    result = load_frameworks(directory=tmp_path)

    assert result.updated == {"national indicators": 2}  # 48 and 49
    assert result.kept == {"national indicators": 1}
    assert _indicator(47).title == "Edited by staff"
    assert _indicator(48).title.endswith("(corrected)")
    assert load_frameworks(directory=tmp_path).changed is False


def test_a_framework_of_another_nation_loads_the_same_way(tmp_path):
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "framework.toml").write_text(
        'slug = "elsewhere"\nname = "Elsewhere Outcomes Framework"\n'
        'nation = "Elsewhere"\nversion = "1"\n'
        'goals = "goals.csv"\nways_of_working = "ways.csv"\n'
        'indicators = "indicators.csv"\nverification = "verification.csv"\n'
    )
    (folder / "goals.csv").write_text(
        "code,name,short_description\nthriving,Thriving,x\n"
    )
    (folder / "ways.csv").write_text("code,name,short_description\n")
    (folder / "indicators.csv").write_text(
        "number,title,unit_kind,source_hint\n1,Healthy years,other,survey\n"
    )
    (folder / "verification.csv").write_text("number,status,evidence\n1,VERIFIED,x\n")

    load_frameworks(directory=tmp_path)

    framework = NationalFramework.objects.get(slug="elsewhere")
    assert [g.name for g in WellbeingGoal.objects.filter(framework=framework)] == [
        "Thriving"
    ]
    indicator = NationalIndicator.objects.get(framework=framework)
    assert indicator.confirmed and indicator.direction == IndicatorDirection.UNKNOWN


def test_files_that_disagree_are_refused(tmp_path):
    shipped = tmp_path / "wales"
    shutil.copytree(REFERENCE_DIR / "wales", shipped)
    verification = shipped / "national_indicators_verification.csv"
    lines = verification.read_text(encoding="utf-8").splitlines()
    verification.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError):
        load_frameworks(directory=tmp_path)


def test_a_partnership_cannot_write_reference_data(wales):
    partnership = PartnershipFactory()
    indicator = _indicator(46)
    for write in (
        lambda: NationalIndicator.objects.filter(pk=indicator.pk).update(title="x"),
        lambda: WellbeingGoal.objects.create(framework=wales, code="new", name="New"),
        lambda: WayOfWorking.objects.filter(framework=wales).delete(),
    ):
        with (
            pytest.raises(ProgrammingError, match="read-only"),
            transaction.atomic(),
            tenancy.partnership_scope(partnership.pk),
        ):
            write()
    with tenancy.partnership_scope(partnership.pk):
        # ...but reads them, shared by every partnership.
        assert NationalIndicator.objects.filter(framework=wales).count() == 50
    indicator.refresh_from_db()
    assert indicator.title != "x"


def test_nothing_reaches_reference_data_without_a_context(wales):
    with (
        pytest.raises(ProgrammingError, match="read-only"),
        transaction.atomic(),
        tenancy.scope(),
    ):
        NationalFramework.objects.filter(pk=wales.pk).update(name="x")


def test_a_partnership_may_use_no_framework_or_another_one(wales):
    assert framework_for(partnership=PartnershipFactory()) is None
    other = NationalFramework.objects.create(
        slug="england-test", name="An English framework", nation="England", version="1"
    )
    adopting = PartnershipFactory(framework=other)
    assert framework_for(partnership=adopting).nation == "England"
