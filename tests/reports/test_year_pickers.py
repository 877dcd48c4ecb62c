"""Every year picker lists the years the same way: the newest first."""

import re

import pytest
from django.urls import reverse

from kpis.models import PerformanceMeasure
from tests.factories import PeriodFactory, QuarterlyValueFactory

from .framework import YEAR, build_framework

pytestmark = pytest.mark.django_db


def offered(page: str, name: str) -> list[int]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
    assert select, f"no {name} picker"
    return [int(v) for v in re.findall(r'value="(\d{4})"', select.group(0))]


@pytest.mark.clock("2026-06-15 12:00:00")
def test_the_dashboard_reports_and_data_pages_list_the_newest_year_first(client, clock):
    partnership, admin, _expected = build_framework()
    measure = PerformanceMeasure.objects.filter(partnership=partnership).first()
    QuarterlyValueFactory(
        measure=measure,
        period=PeriodFactory(partnership=partnership, year=YEAR + 1, quarter=1),
    )
    client.force_login(admin)
    slug = partnership.slug
    pages = {
        "dashboard": client.get(reverse("reports:dashboard", args=[slug])),
        "reports": client.get(reverse("reports:reports", args=[slug])),
        "data": client.get(reverse("exchange:data", args=[slug])),
    }
    for where, response in pages.items():
        years = offered(response.content.decode(), "year")
        assert YEAR in years and YEAR + 1 in years, where
        assert years == sorted(years, reverse=True), where
