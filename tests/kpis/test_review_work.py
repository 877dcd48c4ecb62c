"""The Quarter page's review work: approve all submitted after seeing them,
stories and flags beside each figure, counts that add up, no lock of nothing."""

import pytest

from kpis import review, selectors, services
from kpis.models import QuarterlyValue, ReviewStatus
from partnerships.models import Role
from tests.factories import MeasureFactory, PartnershipFactory

from .test_review_views import (
    as_user,
    member,
    page_messages,
    record,
    review_url,
    site,
    submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
__all__ = ["site"]  # the fixture, imported for these tests


def approve_url(site):
    return review_url(site, "quarter_approve_submitted")


def two_submitted(site):
    other = MeasureFactory(partnership=site.partnership, name="Volunteers")
    services.measure_assign_lead(
        partnership=site.partnership, measure=other, user=site.lead
    )
    first = submitted(site, 12)
    record(
        site,
        site.lead,
        30,
        quarter=site.review_quarter,
        measure=other,
        story="A big week.",
    )
    review.quarter_submit(
        partnership=site.partnership, quarter=site.review_quarter, actor=site.lead
    )
    second = QuarterlyValue.objects.get(measure=other)
    first.refresh_from_db()
    return first, second


def test_the_confirmation_lists_every_submitted_figure_with_its_story(site):
    _first, second = two_submitted(site)
    admin = as_user(site.admin)
    quarter_page = admin.get(review_url(site)).content.decode()
    assert "Approve all 2 submitted figures…" in quarter_page
    page = admin.get(approve_url(site)).content.decode()
    assert "You are about to approve these 2 figures." in page
    assert "Schools engaged" in page and "Volunteers" in page
    assert "A big week." in page
    assert f'value="{second.pk}:{second.version}"' in page


def test_approving_all_approves_what_was_shown_and_leaves_what_changed(site):
    first, second = two_submitted(site)
    admin = as_user(site.admin)
    shown = [f"{first.pk}:{first.version}", f"{second.pk}:{second.version}"]
    # The second is returned (and corrected) after the admin looked.
    review.value_return(
        partnership=site.partnership,
        value_id=second.pk,
        actor=site.admin,
        reason="Check the count",
    )
    response = admin.post(approve_url(site), {"value": shown}, follow=True)
    assert page_messages(response) == [
        "Approved 1 figure.",
        "1 figure changed after you looked, so it was not approved: look at it "
        "again below.",
    ]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ReviewStatus.APPROVED
    assert first.reviewed_by == site.admin
    assert second.status == ReviewStatus.RETURNED


def test_a_stale_version_is_not_approved(site):
    first = submitted(site)
    admin = as_user(site.admin)
    admin.post(approve_url(site), {"value": [f"{first.pk}:{first.version - 1}"]})
    first.refresh_from_db()
    assert first.status == ReviewStatus.SUBMITTED


def test_only_an_admin_approves_all_and_another_partnerships_figures_are_untouched(
    site,
):
    first = submitted(site)
    assert as_user(site.viewer).get(approve_url(site)).status_code == 403
    assert (
        as_user(site.viewer)
        .post(approve_url(site), {"value": [f"{first.pk}:{first.version}"]})
        .status_code
        == 403
    )
    outsider = member(PartnershipFactory(), Role.ADMIN)
    url = approve_url(site)
    assert as_user(outsider).post(url, {"value": [f"{first.pk}:1"]}).status_code == 404
    first.refresh_from_db()
    assert first.status == ReviewStatus.SUBMITTED


def test_nonsense_values_approve_nothing(site):
    first = submitted(site)
    response = as_user(site.admin).post(
        approve_url(site), {"value": ["x:y", "1" * 50, ""]}, follow=True
    )
    assert response.status_code == 200
    assert page_messages(response) == ["There were no submitted figures to approve."]
    first.refresh_from_db()
    assert first.status == ReviewStatus.SUBMITTED


def test_the_quarter_page_shows_each_figures_story_and_flags(site):
    record(site, site.lead, 10, quarter=site.review_quarter.previous())
    record(
        site, site.lead, 90, quarter=site.review_quarter, story="A new school joined."
    )
    page = as_user(site.admin).get(review_url(site)).content.decode()
    assert "A new school joined." in page
    assert "800% up on last quarter (10)" in page


def test_a_measure_led_by_two_counts_once_so_the_rows_add_up(site):
    second_lead = member(site.partnership, Role.LEAD)
    services.measure_assign_lead(
        partnership=site.partnership, measure=site.measure, user=second_lead
    )
    MeasureFactory(partnership=site.partnership, name="Trees")
    submitted(site)
    quarter = selectors.quarter_review_get(
        partnership=site.partnership, quarter=site.review_quarter
    )
    assert [group.total for group in quarter.by_lead] == [1, 1]
    assert sum(group.total for group in quarter.by_lead) == quarter.totals.total
    assert sum(g.total for g in quarter.by_organisation) == quarter.totals.total
    names = [group.name for group in quarter.by_lead]
    assert "No lead assigned" in names
    assert any(", " in name for name in names)


def test_a_quarter_with_no_figures_is_not_offered_a_lock(site):
    page = as_user(site.admin).get(review_url(site)).content.decode()
    assert (
        "There are no figures for this quarter yet, so there is nothing to lock."
        in page
    )
    assert "quarter/lock/" not in page
