"""Years without figures are not offered, and an admin withdraws a report."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from kpis import services as kpi_services
from kpis.periods import Quarter
from partnerships.models import Membership, Role
from reports import services
from reports.annual import report_years
from reports.models import AnnualReport, ReportStatus
from tests.api import bearer, post_json
from tests.factories import MembershipFactory, PartnershipFactory

from .framework import YEAR, build_framework
from .test_views import ready_report

pytestmark = pytest.mark.django_db

NO_FIGURES = (
    "Choose a reporting year that has figures: a year without any would report "
    "nothing but “No data yet”."
)


@pytest.fixture
def framework():
    partnership, admin, expected = build_framework()
    # A year of quarters that holds no figure at all.
    for q in (1, 2, 3, 4):
        kpi_services.period_get_or_create(
            partnership=partnership,
            quarter=Quarter(YEAR + 1, q, partnership.reporting_year_start_month),
        )
    return partnership, admin, expected


def admin_membership(partnership, admin):
    return Membership.objects.get(partnership=partnership, user=admin)


def test_a_year_of_quarters_without_figures_is_not_a_report_year(framework):
    partnership, _admin, _expected = framework
    assert report_years(partnership=partnership) == [(YEAR, "2024/25")]


def test_the_service_refuses_a_year_without_figures(framework):
    partnership, admin, _expected = framework
    with pytest.raises(ValidationError) as refused:
        services.annual_report_request(
            partnership=partnership,
            membership=admin_membership(partnership, admin),
            year=YEAR + 1,
            actor=admin,
        )
    assert refused.value.message_dict == {"year": [NO_FIGURES]}
    assert not AnnualReport.objects.exists()


def test_the_form_lists_only_years_with_figures_and_refuses_others(client, framework):
    partnership, admin, _expected = framework
    client.force_login(admin)
    url = reverse("reports:reports", args=[partnership.slug])
    page = client.get(url).content.decode()
    assert ">2024/25</option>" in page
    assert ">2025/26</option>" not in page

    response = client.post(url, {"year": YEAR + 1})
    assert response.status_code == 400
    assert NO_FIGURES in response.content.decode()
    assert not AnnualReport.objects.exists()


def test_the_api_refuses_a_year_without_figures(client, framework):
    partnership, admin, _expected = framework
    url = reverse("api:report_list", args=[partnership.slug])
    response = post_json(client, url, {"year": YEAR + 1}, bearer(admin))
    assert response.status_code == 400
    assert response.json()["errors"] == {"year": [NO_FIGURES]}
    assert not AnnualReport.objects.exists()


def test_a_partnership_without_figures_is_told_there_is_nothing_to_report(client):
    membership = MembershipFactory(role=Role.ADMIN)
    partnership = membership.partnership
    kpi_services.period_get_or_create(
        partnership=partnership,
        quarter=Quarter(YEAR, 1, partnership.reporting_year_start_month),
    )
    client.force_login(membership.user)
    page = client.get(reverse("reports:reports", args=[partnership.slug]))
    text = page.content.decode()
    assert "No reporting year has any figures yet" in text
    assert "Request report" not in text


def test_withdrawing_records_who_and_when_and_deletes_the_pdf(
    framework, report_storage, django_capture_on_commit_callbacks
):
    partnership, admin, _expected = framework
    report = ready_report(partnership, admin)
    stored = report_storage / report.file_name
    assert stored.is_file()
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = services.annual_report_withdraw(
            partnership=partnership,
            membership=admin_membership(partnership, admin),
            report_id=report.pk,
            actor=admin,
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.WITHDRAWN == withdrawn.status
    assert report.withdrawn_by == admin
    assert report.withdrawn_at is not None
    assert not stored.exists()

    # Again: nothing changes.
    again = services.annual_report_withdraw(
        partnership=partnership,
        membership=admin_membership(partnership, admin),
        report_id=report.pk,
        actor=admin,
    )
    assert again.withdrawn_at == report.withdrawn_at

    # The year can be asked for again: a new report, not the withdrawn one.
    new, created = services.annual_report_request(
        partnership=partnership,
        membership=admin_membership(partnership, admin),
        year=YEAR,
        actor=admin,
    )
    assert created and new.pk != report.pk


@pytest.mark.parametrize("role", [Role.VIEWER, Role.LEAD])
def test_only_admins_withdraw(framework, report_storage, role):
    partnership, admin, _expected = framework
    report = ready_report(partnership, admin)
    member = MembershipFactory(partnership=partnership, role=role)
    with pytest.raises(PermissionDenied):
        services.annual_report_withdraw(
            partnership=partnership,
            membership=member,
            report_id=report.pk,
            actor=member.user,
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.READY


def test_an_unfinished_report_cannot_be_withdrawn(framework):
    partnership, admin, _expected = framework
    report, _created = services.annual_report_request(
        partnership=partnership,
        membership=admin_membership(partnership, admin),
        year=YEAR,
        actor=admin,
    )
    with pytest.raises(ValidationError) as refused:
        services.annual_report_withdraw(
            partnership=partnership,
            membership=admin_membership(partnership, admin),
            report_id=report.pk,
            actor=admin,
        )
    assert refused.value.messages == ["Only a ready report can be withdrawn."]


def test_the_database_refuses_a_withdrawn_report_without_its_time(framework):
    partnership, _admin, _expected = framework
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualReport.objects.create(
            partnership=partnership,
            year=YEAR,
            year_label="2024/25",
            data_version="0" * 64,
            status=ReportStatus.WITHDRAWN,
        )


def test_the_page_withdraws_after_a_confirmation_and_lists_it_as_withdrawn(
    client, framework, report_storage
):
    partnership, admin, _expected = framework
    report = ready_report(partnership, admin)
    client.force_login(admin)
    listing = reverse("reports:reports", args=[partnership.slug])
    withdraw = reverse("reports:report_withdraw", args=[partnership.slug, report.pk])
    download = reverse("reports:report_download", args=[partnership.slug, report.pk])
    assert f'href="{withdraw}"' in client.get(listing).content.decode()

    confirm = client.get(withdraw).content.decode()
    assert "Withdraw the 2024/25 report (English)" in confirm
    assert "deletes its PDF" in confirm
    assert AnnualReport.objects.get().status == ReportStatus.READY

    response = client.post(withdraw)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "The 2024/25 report (English) has been withdrawn." in page
    assert "Withdrawn" in page
    assert f"by {admin.get_full_name()}" in page
    assert f'href="{download}"' not in page
    assert "No longer available" in page
    assert client.get(download).status_code == 404


def test_a_viewer_cannot_withdraw_through_the_page(client, framework, report_storage):
    partnership, admin, _expected = framework
    report = ready_report(partnership, admin)
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
    client.force_login(viewer)
    withdraw = reverse("reports:report_withdraw", args=[partnership.slug, report.pk])
    assert (
        withdraw
        not in client.get(
            reverse("reports:reports", args=[partnership.slug])
        ).content.decode()
    )
    assert client.post(withdraw).status_code == 403
    assert AnnualReport.objects.get().status == ReportStatus.READY


def test_another_partnerships_report_is_a_404_to_withdraw(
    client, framework, report_storage
):
    partnership, admin, _expected = framework
    report = ready_report(partnership, admin)
    own = MembershipFactory(partnership=PartnershipFactory(), role=Role.ADMIN)
    client.force_login(own.user)
    mine = reverse("reports:report_withdraw", args=[own.partnership.slug, report.pk])
    assert client.post(mine).status_code == 404
    api = reverse("api:report_withdraw", args=[own.partnership.slug, report.pk])
    assert post_json(client, api, {}, bearer(own.user)).status_code == 404
    assert AnnualReport.objects.get().status == ReportStatus.READY


def test_the_api_withdraws_and_the_download_is_gone(client, framework, report_storage):
    partnership, admin, _expected = framework
    report = ready_report(partnership, admin)
    headers = bearer(admin)
    url = reverse("api:report_withdraw", args=[partnership.slug, report.pk])
    response = post_json(client, url, {}, headers)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "withdrawn"
    assert body["withdrawn_by"] == admin.email
    assert body["withdrawn_at"]
    assert body["download_url"] is None
    download = reverse("api:report_download", args=[partnership.slug, report.pk])
    assert client.get(download, headers=headers).status_code == 404

    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
    refused = post_json(client, url, {}, bearer(viewer))
    assert refused.status_code == 403
