"""Population data: the CSV import of national indicator series."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import ProgrammingError, transaction

from partnerships import tenancy
from tests.factories import (
    NationalFrameworkFactory,
    NationalIndicatorFactory,
    PartnershipFactory,
)
from wellbeing.models import IndicatorObservation, IndicatorSeries
from wellbeing.population import (
    IndicatorImportError,
    indicator_series_import,
    period_start,
)

pytestmark = pytest.mark.django_db

GOOD = """# SAMPLE DATA: made up for a test.
# Source: nowhere.
Indicator,Area code,Area,Period,Value,Breakdown
7,A01,Alphaton,2019-20,10.5,
7,A01,Alphaton,2020-21,11.0,
7,N00,Testland,2019-20,12,
7,N00,Testland,2020-21,..,
8,A01,Alphaton,2021,3,Female
"""


@pytest.fixture
def framework():
    framework = NationalFrameworkFactory(nation="Testland")
    NationalIndicatorFactory(framework=framework, number=7)
    NationalIndicatorFactory(framework=framework, number=8)
    return framework


def test_periods_read_as_statswales_labels_them():
    assert period_start("2021") == datetime.date(2021, 1, 1)
    assert period_start("2019-20") == datetime.date(2019, 4, 1)
    assert period_start("1999-00") == datetime.date(1999, 4, 1)
    assert period_start("2019-21") is None
    assert period_start("Q1 2020") is None


def test_a_good_file_imports_its_series_and_notes(framework):
    result = indicator_series_import(text=GOOD, framework=framework)
    assert (result.series, result.created, result.skipped) == (2, 4, 1)
    whole = IndicatorSeries.objects.get(indicator__number=7, breakdown="")
    assert whole.is_sample and "Source: nowhere." in whole.source_note
    assert list(
        whole.observations.filter(area_code="A01").values_list("period_label", "value")
    ) == [("2019-20", Decimal("10.5")), ("2020-21", Decimal("11.0"))]
    female = IndicatorSeries.objects.get(indicator__number=8)
    assert female.breakdown == "Female"
    assert female.observations.get().period_start == datetime.date(2021, 1, 1)


def test_importing_again_changes_nothing_and_a_new_figure_replaces_the_old(
    framework,
):
    indicator_series_import(text=GOOD, framework=framework)
    again = indicator_series_import(text=GOOD, framework=framework)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert IndicatorObservation.objects.count() == 4
    revised = GOOD.replace(
        "7,A01,Alphaton,2020-21,11.0,", "7,A01,Alphaton,2020-21,11.4,"
    )
    result = indicator_series_import(text=revised, framework=framework)
    assert (result.created, result.updated) == (0, 1)
    assert IndicatorObservation.objects.get(
        area_code="A01", period_label="2020-21", series__indicator__number=7
    ).value == Decimal("11.4")


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(framework):
    bad = GOOD + (
        "99,A01,Alphaton,2019-20,1,\n"  # line 9: no such indicator
        "7,,Alphaton,2019-20,1,\n"  # line 10: no area code
        "7,A02,Betaville,sometime,1,\n"  # line 11: period
        "7,A02,Betaville,2019-20,lots,\n"  # line 12: value
        "7,A01,Alphaton,2019-20,10.6,\n"  # line 13: repeats line 4
    )
    with pytest.raises(IndicatorImportError) as raised:
        indicator_series_import(text=bad, framework=framework)
    errors = raised.value.errors
    assert [e.split(":")[0] for e in errors] == [
        "Line 9",
        "Line 10",
        "Line 11",
        "Line 12",
        "Line 13",
    ]
    assert "no indicator 99" in errors[0]
    assert "Area code is empty" in errors[1]
    assert "'sometime'" in errors[2]
    assert "'lots' is not a number" in errors[3]
    assert "repeats line 4" in errors[4]
    assert not IndicatorSeries.objects.exists()
    assert not IndicatorObservation.objects.exists()


def test_a_missing_column_is_reported_on_the_header_line(framework):
    with pytest.raises(IndicatorImportError, match="Line 1: the header lacks Value"):
        indicator_series_import(
            text="Indicator,Area code,Area,Period\n7,A01,A,2020\n",
            framework=framework,
        )


def test_the_command_imports_a_file_and_refuses_a_bad_one(framework, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    out = io.StringIO()
    call_command(
        "import_indicator_series", str(good), framework=framework.slug, stdout=out
    )
    assert "4 created" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD.replace("10.5", "ten"))
    with pytest.raises(CommandError) as raised:
        call_command("import_indicator_series", str(bad), framework=framework.slug)
    assert "Nothing imported: 1 bad row(s)" in str(raised.value)
    assert "Line 4: Value 'ten' is not a number." in str(raised.value)
    assert IndicatorObservation.objects.get(
        area_code="A01", period_label="2019-20"
    ).value == Decimal("10.5")


def test_the_shipped_sample_is_labelled_and_imports(tmp_path):
    from wellbeing.frameworks import REFERENCE_DIR
    from wellbeing.models import NationalFramework

    text = (REFERENCE_DIR / "wales" / "sample_indicator_series.csv").read_text()
    assert text.startswith("# SAMPLE DATA")
    wales = NationalFramework.objects.get(slug="wales-wfg-2015")
    result = indicator_series_import(text=text, framework=wales)
    assert result.series == 3 and result.created == 3 * 3 * 7
    assert all(s.is_sample for s in IndicatorSeries.objects.all())


def test_partnerships_cannot_write_indicator_series(framework):
    indicator_series_import(text=GOOD, framework=framework)
    partnership = PartnershipFactory()
    series = IndicatorSeries.objects.first()
    for write in (
        lambda: IndicatorObservation.objects.update(value=0),
        lambda: IndicatorSeries.objects.filter(pk=series.pk).delete(),
        lambda: IndicatorObservation.objects.create(
            series=series,
            area_code="X",
            area_name="X",
            period_label="2030",
            period_start=datetime.date(2030, 1, 1),
            value=1,
        ),
    ):
        with (
            pytest.raises(ProgrammingError, match="read-only"),
            transaction.atomic(),
            tenancy.partnership_scope(partnership.pk),
        ):
            write()
    with tenancy.partnership_scope(partnership.pk):
        # ...but every partnership reads them.
        assert IndicatorObservation.objects.count() == 4
