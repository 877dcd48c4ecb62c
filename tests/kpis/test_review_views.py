"""The review cycle through the browser's eyes: conflicts, review, lock, history."""

from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpis import recording, review, selectors, services
from kpis.models import PeriodLockChange, QuarterlyValue, ReviewStatus
from kpis.selectors import current_quarter
from partnerships.models import Role
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)

# The data is laid out relative to today: the clock is pinned (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def member(partnership, role, **fields):
    return MembershipFactory(partnership=partnership, role=role, **fields).user


def key(quarter) -> str:
    return quarter.key


@pytest.fixture
def site():
    partnership = PartnershipFactory()
    measure = MeasureFactory(partnership=partnership, name="Schools engaged")
    lead = member(partnership, Role.LEAD)
    services.measure_assign_lead(partnership=partnership, measure=measure, user=lead)
    now = current_quarter(partnership=partnership)
    slug = partnership.slug
    return SimpleNamespace(
        partnership=partnership,
        measure=measure,
        lead=lead,
        admin=member(partnership, Role.ADMIN),
        viewer=member(partnership, Role.VIEWER),
        now=now,
        # The review page's own default: the last quarter that has ended.
        review_quarter=now.previous(),
        entry_url=f"{reverse('kpis:my_measures', kwargs={'slug': slug})}?quarter={key(now)}",
    )


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def review_url(site, name="quarter_review", **kwargs) -> str:
    url = reverse(f"kpis:{name}", kwargs={"slug": site.partnership.slug, **kwargs})
    return f"{url}?quarter={key(site.review_quarter)}"


def record(site, actor, value, *, quarter=None, measure=None, **kwargs):
    period = services.period_get_or_create(
        partnership=site.partnership, quarter=quarter or site.now
    )
    return recording.quarterly_value_record(
        partnership=site.partnership,
        measure=measure or site.measure,
        period=period,
        actor=actor,
        value=D(value),
        **kwargs,
    )


def submitted(site, value=12, measure=None, lead=None):
    """A figure of the review quarter, submitted by its lead."""
    lead = lead or site.lead
    figure = record(site, lead, value, quarter=site.review_quarter, measure=measure)
    review.quarter_submit(
        partnership=site.partnership, quarter=site.review_quarter, actor=lead
    )
    figure.refresh_from_db()
    return figure


def post_entry(client, url, measure, htmx=False, **fields):
    data = {"measure": measure.pk}
    data.update({f"m{measure.pk}-{name}": value for name, value in fields.items()})
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(url, data, **extra)


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# Two people saving the same figure


def test_a_conflicting_save_shows_the_stored_figure_and_keeps_the_typed_one(site):
    figure = record(site, site.lead, 57)
    assert figure.version == 1
    lead, admin = as_user(site.lead), as_user(site.admin)

    first = post_entry(admin, site.entry_url, site.measure, value="58", version="1")
    assert first.status_code == 302

    second = post_entry(
        lead, site.entry_url, site.measure, value="60", story="Mine", version="1"
    )
    assert second.status_code == 400
    page = second.content.decode()
    assert f"{site.admin} saved this figure at" in page
    assert "Now stored:</strong> 58" in page
    # What the lead typed is still there, now based on the stored version.
    assert 'value="60"' in page and "Mine</textarea>" in page
    assert f'name="m{site.measure.pk}-version" value="2"' in page
    stored = QuarterlyValue.objects.get(pk=figure.pk)
    assert stored.value == D(58) and stored.version == 2

    third = post_entry(lead, site.entry_url, site.measure, value="60", version="2")
    assert third.status_code == 302
    stored.refresh_from_db()
    assert stored.value == D(60) and stored.version == 3


def test_a_conflicting_htmx_save_returns_the_row_with_the_message(site):
    record(site, site.lead, 57)
    post_entry(
        as_user(site.admin), site.entry_url, site.measure, value="58", version="1"
    )
    lead = as_user(site.lead)

    response = post_entry(
        lead, site.entry_url, site.measure, htmx=True, value="60", version="1"
    )
    page = response.content.decode()
    assert "<html" not in page
    assert f'id="measure-{site.measure.pk}"' in page
    assert "saved this figure at" in page and "Now stored:</strong> 58" in page
    assert 'value="60"' in page
    assert f"{site.measure.name} was not saved" in page
    assert QuarterlyValue.objects.get().value == D(58)

    again = post_entry(
        lead, site.entry_url, site.measure, htmx=True, value="60", version="2"
    )
    assert again.status_code == 200 and "Saved." in again.content.decode()
    assert QuarterlyValue.objects.get().value == D(60)


def test_saving_a_figure_that_was_submitted_meanwhile_is_explained(site):
    """The lead's page still offers the form; the figure was submitted since."""
    record(site, site.lead, 57)
    review.quarter_submit(
        partnership=site.partnership, quarter=site.now, actor=site.lead
    )
    response = post_entry(
        as_user(site.lead), site.entry_url, site.measure, value="60", version="1"
    )
    assert response.status_code == 400
    assert "submitted and waiting for review" in response.content.decode()
    assert QuarterlyValue.objects.get().value == D(57)


def test_saving_into_a_quarter_locked_meanwhile_is_explained(site):
    figure = record(site, site.lead, 57)
    review.quarter_submit(
        partnership=site.partnership, quarter=site.now, actor=site.lead
    )
    review.value_approve(
        partnership=site.partnership, value_id=figure.pk, actor=site.admin
    )
    review.period_lock(partnership=site.partnership, quarter=site.now, actor=site.admin)
    response = post_entry(
        as_user(site.admin), site.entry_url, site.measure, value="60", version="1"
    )
    assert response.status_code == 400
    assert "is locked, so its figures cannot change" in response.content.decode()
    assert QuarterlyValue.objects.get().value == D(57)


# Submitting


def test_submitting_says_how_many_went_and_what_is_missing(site):
    empty = MeasureFactory(partnership=site.partnership, name="Volunteers")
    services.measure_assign_lead(
        partnership=site.partnership, measure=empty, user=site.lead
    )
    record(site, site.lead, 12)
    lead = as_user(site.lead)
    url = reverse("kpis:my_measures_submit", kwargs={"slug": site.partnership.slug})
    response = lead.post(f"{url}?quarter={key(site.now)}")
    assert response.status_code == 302
    assert response["Location"] == site.entry_url
    assert page_messages(lead.get(response["Location"])) == [
        "Submitted 1 figure for review. 1 measure still has no figure."
    ]
    assert QuarterlyValue.objects.get().status == ReviewStatus.SUBMITTED


def test_submitting_a_flagged_figure_without_its_story_names_the_measure(site):
    record(site, site.lead, 10, quarter=site.now.previous())
    record(site, site.lead, 40)
    lead = as_user(site.lead)
    url = reverse("kpis:my_measures_submit", kwargs={"slug": site.partnership.slug})
    response = lead.post(f"{url}?quarter={key(site.now)}", follow=True)
    (message,) = page_messages(response)
    assert message.startswith("Nothing was submitted.")
    assert "Schools engaged" in message
    assert "Needs the story behind the number" in response.content.decode()
    assert set(QuarterlyValue.objects.values_list("status", flat=True)) == {"draft"}


# The quarter's progress page


def test_an_admin_sees_approve_and_return_for_a_submitted_figure(site):
    figure = submitted(site)
    response = as_user(site.admin).get(review_url(site))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="value-{figure.pk}"' in page
    assert 'name="action" value="approve"' in page
    assert 'name="action" value="return"' in page
    assert (
        reverse(
            "kpis:quarter_review_value",
            kwargs={"slug": site.partnership.slug, "pk": figure.pk},
        )
        in page
    )


def test_a_viewer_sees_the_progress_but_no_review_buttons(site):
    submitted(site)
    response = as_user(site.viewer).get(review_url(site))
    page = response.content.decode()
    assert response.status_code == 200
    assert site.measure.name in page and "Submitted" in page
    assert 'name="action"' not in page
    assert "quarter/lock/" not in page and "quarter/settings/" not in page


def test_a_lead_cannot_see_the_quarters_progress(site):
    assert as_user(site.lead).get(review_url(site)).status_code == 403


def test_someone_from_another_partnership_gets_404(site):
    figure = submitted(site)
    outsider = as_user(member(PartnershipFactory(), Role.ADMIN))
    assert outsider.get(review_url(site)).status_code == 404
    value_url = review_url(site, "quarter_review_value", pk=figure.pk)
    assert outsider.post(value_url, {"action": "approve"}).status_code == 404
    stranger = as_user(UserFactory())
    assert stranger.get(review_url(site)).status_code == 404
    figure.refresh_from_db()
    assert figure.status == ReviewStatus.SUBMITTED


@pytest.mark.parametrize(
    "data",
    [
        {"action": "approve"},
        {"action": "return", "reason": "Not yours"},
        {"action": "return", "reason": ""},
    ],
)
def test_another_partnerships_figure_is_404_to_review(site, data):
    theirs = MeasureFactory()
    their_lead = member(theirs.partnership, Role.LEAD)
    services.measure_assign_lead(
        partnership=theirs.partnership, measure=theirs, user=their_lead
    )
    period = services.period_get_or_create(
        partnership=theirs.partnership,
        quarter=current_quarter(partnership=theirs.partnership),
    )
    their_figure = recording.quarterly_value_record(
        partnership=theirs.partnership,
        measure=theirs,
        period=period,
        actor=their_lead,
        value=D(4),
    )
    url = review_url(site, "quarter_review_value", pk=their_figure.pk)
    if "reason" in data:
        data = {"action": data["action"], f"v{their_figure.pk}-reason": data["reason"]}
    assert as_user(site.admin).post(url, data).status_code == 404
    their_figure.refresh_from_db()
    assert their_figure.status == ReviewStatus.DRAFT


def test_only_an_admin_may_review(site):
    figure = submitted(site)
    url = review_url(site, "quarter_review_value", pk=figure.pk)
    for user in (site.lead, site.viewer):
        assert as_user(user).post(url, {"action": "approve"}).status_code == 403
    figure.refresh_from_db()
    assert figure.status == ReviewStatus.SUBMITTED


def test_returning_without_a_reason_is_explained_beside_the_field(site):
    figure = submitted(site)
    url = review_url(site, "quarter_review_value", pk=figure.pk)
    response = as_user(site.admin).post(
        url, {"action": "return", f"v{figure.pk}-reason": "  "}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_v{figure.pk}-reason_error"' in page
    assert "Say why you are returning it, so the lead can fix it." in page
    figure.refresh_from_db()
    assert figure.status == ReviewStatus.SUBMITTED and figure.return_reason == ""


def test_returning_and_approving_through_the_page(site):
    figure = submitted(site)
    admin = as_user(site.admin)
    url = review_url(site, "quarter_review_value", pk=figure.pk)

    returned = admin.post(
        url, {"action": "return", f"v{figure.pk}-reason": "Check May."}, follow=True
    )
    assert page_messages(returned) == ["Returned Schools engaged to its lead."]
    figure.refresh_from_db()
    assert figure.status == ReviewStatus.RETURNED
    assert figure.return_reason == "Check May."

    lead_page = as_user(site.lead).get(
        f"{reverse('kpis:my_measures', kwargs={'slug': site.partnership.slug})}"
        f"?quarter={key(site.review_quarter)}"
    )
    assert "Check May." in lead_page.content.decode()

    approved = admin.post(url, {"action": "approve"})
    assert approved.status_code == 302
    assert approved["Location"].endswith(f"#value-{figure.pk}")
    figure.refresh_from_db()
    assert figure.status == ReviewStatus.APPROVED and figure.reviewed_by == site.admin


def test_an_unknown_review_action_is_refused(site):
    figure = submitted(site)
    url = review_url(site, "quarter_review_value", pk=figure.pk)
    assert as_user(site.admin).post(url, {"action": "delete"}).status_code == 400


# Locking and reopening


def test_a_quarter_with_an_unapproved_figure_is_not_locked(site):
    submitted(site)
    response = as_user(site.admin).post(review_url(site, "quarter_lock"), follow=True)
    (message,) = page_messages(response)
    assert "not approved yet" in message
    assert not PeriodLockChange.objects.exists()


def test_locking_and_reopening_through_the_page(site):
    figure = submitted(site)
    review.value_approve(
        partnership=site.partnership, value_id=figure.pk, actor=site.admin
    )
    admin = as_user(site.admin)

    locked = admin.post(review_url(site, "quarter_lock"), follow=True)
    assert page_messages(locked) == [
        f"Locked {site.review_quarter.label}. Its figures can no longer change."
    ]
    figure.period.refresh_from_db()
    assert figure.period.is_locked and figure.period.locked_by == site.admin
    assert f"Reopen {site.review_quarter.label}" in locked.content.decode()
    assert 'name="action"' not in locked.content.decode()

    refused = admin.post(review_url(site, "quarter_reopen"), {"reason": ""})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'id="id_reason_error"' in page
    assert "Say why the quarter is being reopened." in page
    figure.period.refresh_from_db()
    assert figure.period.is_locked

    reopened = admin.post(
        review_url(site, "quarter_reopen"), {"reason": "Late correction"}, follow=True
    )
    assert page_messages(reopened) == [f"Reopened {site.review_quarter.label}."]
    figure.period.refresh_from_db()
    assert not figure.period.is_locked
    assert list(PeriodLockChange.objects.values_list("action", "reason")) == [
        ("locked", ""),
        ("reopened", "Late correction"),
    ]
    assert "Late correction" in reopened.content.decode()


def test_only_an_admin_may_lock(site):
    for user in (site.lead, site.viewer):
        client = as_user(user)
        assert client.post(review_url(site, "quarter_lock")).status_code == 403
        assert (
            client.post(review_url(site, "quarter_reopen"), {"reason": "x"}).status_code
            == 403
        )
    assert not PeriodLockChange.objects.exists()


# Deadline and reminders


def test_reporting_settings_refuse_a_deadline_over_120_days(site):
    response = as_user(site.admin).post(
        review_url(site, "reporting_settings"),
        {"quarter_deadline_days": "121", "reminder_days_before": "7"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_quarter_deadline_days_error"' in page
    assert "less than or equal to 120" in page
    site.partnership.refresh_from_db()
    assert site.partnership.quarter_deadline_days == 30


def test_reporting_settings_are_saved(site):
    response = as_user(site.admin).post(
        review_url(site, "reporting_settings"),
        {
            "quarter_deadline_days": "45",
            "reminder_days_before": "0",
            "remind_when_overdue": "on",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#settings")
    site.partnership.refresh_from_db()
    assert site.partnership.quarter_deadline_days == 45
    assert site.partnership.reminder_days_before == 0
    assert site.partnership.remind_when_overdue is True


def test_only_an_admin_may_change_reporting_settings(site):
    response = as_user(site.viewer).post(
        review_url(site, "reporting_settings"),
        {"quarter_deadline_days": "45", "reminder_days_before": "0"},
    )
    assert response.status_code == 403


# History through the web


def test_a_save_through_the_web_is_recorded_with_its_user_and_path(site):
    lead = as_user(site.lead)
    assert post_entry(lead, site.entry_url, site.measure, value="17").status_code == 302
    event_model = apps.get_model("kpis", "QuarterlyValueEvent")
    event = event_model.objects.get(measure_id=site.measure.pk)
    assert event.pgh_context == {"user": site.lead.pk, "path": "web"}

    page = lead.get(
        reverse(
            "reports:measure_detail",
            kwargs={"slug": site.partnership.slug, "pk": site.measure.pk},
        )
    ).content.decode()
    assert "<td>Web</td>" in page
    assert f"<td>{site.lead}</td>" in page
    assert "Entered 17" in page


def test_a_change_in_the_admin_site_is_recorded_with_the_admin_path(site):
    figure = record(site, site.lead, 17)
    staff = as_user(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:kpis_quarterlyvalue_delete", args=[figure.pk])
    assert staff.post(url, {"post": "yes"}).status_code == 302
    assert not QuarterlyValue.objects.filter(pk=figure.pk).exists()
    history = selectors.value_history(
        partnership=site.partnership, measure=site.measure
    )
    deleted = history[figure.period_id][-1]
    assert deleted.changes == ["Deleted"] and deleted.path == "Admin site"


# Query counts that do not grow with the data


def populate(site, count):
    """``count`` more measures in the review quarter, in every state."""
    partnership = site.partnership
    for n in range(count):
        organisation = OrganisationFactory(partnership=partnership)
        lead = member(partnership, Role.LEAD, organisation=organisation)
        measure = MeasureFactory(partnership=partnership)
        services.measure_assign_lead(
            partnership=partnership, measure=measure, user=lead
        )
        services.measure_assign_lead(
            partnership=partnership, measure=measure, user=site.lead
        )
        if n % 4 == 3:
            continue  # missing
        figure = record(site, lead, n, quarter=site.review_quarter, measure=measure)
        if n % 4 == 0:
            continue  # draft
        review.quarter_submit(
            partnership=partnership, quarter=site.review_quarter, actor=lead
        )
        if n % 4 == 2:
            review.value_return(
                partnership=partnership,
                value_id=figure.pk,
                actor=site.admin,
                reason="Check it",
            )


def queries_for(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def assert_same_queries(few: list[str], many: list[str]) -> None:
    """Equal counts; on failure, name the queries that came back repeated."""
    repeated = sorted({sql for sql in many if many.count(sql) > few.count(sql)})
    assert len(many) == len(few), repeated


def test_the_quarter_review_page_needs_the_same_queries_for_more_measures(
    site, django_assert_max_num_queries
):
    admin = as_user(site.admin)
    url = review_url(site)
    populate(site, 4)
    few = queries_for(admin, url)
    populate(site, 12)
    many = queries_for(admin, url)
    assert_same_queries(few, many)
    with django_assert_max_num_queries(16):
        admin.get(url)


def test_my_measures_needs_the_same_queries_for_more_measures(
    site, django_assert_max_num_queries
):
    lead = as_user(site.lead)
    url = (
        f"{reverse('kpis:my_measures', kwargs={'slug': site.partnership.slug})}"
        f"?quarter={key(site.review_quarter)}"
    )
    populate(site, 4)
    few = queries_for(lead, url)
    populate(site, 12)
    many = queries_for(lead, url)
    assert_same_queries(few, many)
    with django_assert_max_num_queries(15):
        lead.get(url)


def test_the_approval_page_needs_the_same_queries_for_more_submitted_figures(
    site, django_assert_max_num_queries
):
    # Each submitted figure names who submitted it: read with the figures,
    # not a query (and a user row) a figure.
    admin = as_user(site.admin)
    url = review_url(site, "quarter_approve_submitted")
    populate(site, 4)
    few = queries_for(admin, url)
    populate(site, 12)
    many = queries_for(admin, url)
    assert_same_queries(few, many)
    page = admin.get(url).content.decode()
    submitters = QuarterlyValue.objects.filter(
        partnership=site.partnership, status=ReviewStatus.SUBMITTED
    ).select_related("submitted_by")
    assert len(submitters) == 4
    for figure in submitters:
        assert f"<td>{figure.submitted_by}</td>" in page
    with django_assert_max_num_queries(16):
        admin.get(url)
