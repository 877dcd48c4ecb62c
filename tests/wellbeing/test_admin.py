"""Platform staff set a partnership's framework on its admin page."""

import pytest
from django.urls import reverse

from tests.factories import NationalFrameworkFactory, PartnershipFactory, UserFactory
from wellbeing.selectors import framework_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_partnership_list_shows_each_partnerships_framework(staff):
    framework = NationalFrameworkFactory(name="The Welsh framework")
    PartnershipFactory(name="Adopting", framework=framework)
    PartnershipFactory(name="Without one")
    page = staff.get(reverse("admin:partnerships_partnership_changelist"))
    assert page.status_code == 200
    assert "The Welsh framework" in page.content.decode()


def test_staff_adopt_a_framework_on_the_partnership_page(staff):
    framework = NationalFrameworkFactory()
    partnership = PartnershipFactory()
    url = reverse("admin:partnerships_partnership_change", args=[partnership.pk])
    page = staff.get(url)
    assert page.status_code == 200
    assert "framework_adoption-TOTAL_FORMS" in page.content.decode()
    form = {
        "name": partnership.name,
        "slug": partnership.slug,
        "reporting_year_start_month": partnership.reporting_year_start_month,
        "quarter_deadline_days": partnership.quarter_deadline_days,
        "reminder_days_before": partnership.reminder_days_before,
        "remind_when_overdue": "on",
        "area_code": "",
        "comparator_area_code": "",
        "framework_adoption-TOTAL_FORMS": "1",
        "framework_adoption-INITIAL_FORMS": "0",
        "framework_adoption-0-framework": framework.pk,
    }
    for prefix in ("organisation_set", "membership_set"):
        form[f"{prefix}-TOTAL_FORMS"] = "0"
        form[f"{prefix}-INITIAL_FORMS"] = "0"
    response = staff.post(url, form)
    assert response.status_code == 302
    assert framework_for(partnership=partnership) == framework
