"""The Import and export pages: who sees what, the upload → preview → confirm flow."""

import csv
import io

import pytest
from django.urls import reverse

from exchange import services
from exchange.models import ImportJob, ImportStatus
from kpis.models import QuarterlyValue
from partnerships.models import Role
from tests.factories import (
    MembershipFactory,
    PartnershipFactory,
    PeriodFactory,
    QuarterlyValueFactory,
    UserFactory,
)

from .helpers import csv_upload

pytestmark = pytest.mark.django_db


def url(name, partnership, *args):
    return reverse(f"exchange:{name}", args=[partnership.slug, *args])


@pytest.mark.parametrize(
    ("role", "sees", "hidden"),
    [
        ("admin", ["Import quarterly figures", "Framework: mission"], []),
        ("lead", ["Import quarterly figures"], ["Framework: mission"]),
        ("viewer", ["Export quarterly figures"], ["Import quarterly figures"]),
    ],
)
def test_the_page_offers_each_role_what_it_may_do(client, world, role, sees, hidden):
    client.force_login(getattr(world, role))
    page = client.get(url("data", world.partnership)).content.decode()
    assert "Export quarterly figures" in page
    for text in sees:
        assert text in page
    for text in hidden:
        assert text not in page
    assert f'href="{url("data", world.partnership)}" aria-current="page"' in page


def test_upload_preview_confirm_and_done_through_the_pages(
    client, world, django_capture_on_commit_callbacks
):
    p = world.partnership
    client.force_login(world.lead)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            url("import_upload", p),
            {
                "kind": "values",
                "file": csv_upload(
                    [["2024/25 Q1", "CU1", "", "", "9", "", "", "Nine"]]
                ),
            },
        )
    assert response.status_code == 302 and len(callbacks) == 1
    job = ImportJob.objects.get()
    assert response["Location"] == url("import_job", p, job.pk)
    page = client.get(response["Location"]).content.decode()
    assert "Waiting to be checked" in page
    assert 'hx-trigger="every 1s"' in page and "<progress" in page

    services.import_job_check(job_id=job.pk, partnership_id=p.pk)
    partial = client.get(response["Location"], headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<div id="job-status"')
    page = client.get(response["Location"]).content.decode()
    assert "Ready to import" in page
    assert "1 to create, 0 to change, 0 unchanged." in page
    assert "Confirm and import" in page and "hx-trigger" not in page

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url("import_confirm", p, job.pk))
    assert response.status_code == 302 and len(callbacks) == 1
    assert not QuarterlyValue.objects.exists()
    services.import_job_apply(job_id=job.pk, partnership_id=p.pk)
    page = client.get(url("import_job", p, job.pk)).content.decode()
    assert "Imported: 1 new row, 0 changed." in page
    assert QuarterlyValue.objects.get().value == 9


def test_the_problems_are_listed_by_sheet_row_and_column(client, world):
    client.force_login(world.admin)
    client.post(
        url("import_upload", world.partnership),
        {"kind": "values", "file": csv_upload([["2024/25 Q1", "XX", "", "", "1"]])},
    )
    job = ImportJob.objects.get()
    services.import_job_check(job_id=job.pk, partnership_id=world.partnership.pk)
    page = client.get(url("import_job", world.partnership, job.pk)).content.decode()
    assert "1 problem: nothing has been imported" in page
    assert "Sheet CSV" in page
    assert "<td>2</td><td>Code</td>" in page
    assert "No measure has the code “XX” in this partnership." in page
    assert "Confirm and import" not in page


def test_another_partnerships_job_is_not_found(client, world):
    other = PartnershipFactory()
    stranger = UserFactory()
    MembershipFactory(partnership=other, user=stranger, role=Role.ADMIN)
    job = ImportJob.objects.create(
        partnership=world.partnership,
        kind="values",
        original_name="f.csv",
        file_name="f.csv",
        size_bytes=1,
        created_by=world.admin,
        status=ImportStatus.READY,
    )
    client.force_login(stranger)
    assert client.get(url("import_job", other, job.pk)).status_code == 404
    assert client.post(url("import_confirm", other, job.pk)).status_code == 404
    assert client.get(url("import_job", world.partnership, job.pk)).status_code == 404
    # Nor does a lead see an admin's import of their own partnership.
    client.force_login(world.lead)
    assert client.get(url("import_job", world.partnership, job.pk)).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportStatus.READY


def test_viewers_cannot_upload_figures_or_download_the_template(client, world):
    client.force_login(world.viewer)
    response = client.post(
        url("import_upload", world.partnership),
        {"kind": "values", "file": csv_upload([])},
    )
    assert response.status_code == 403
    assert client.get(url("values_template", world.partnership)).status_code == 403
    assert client.get(url("framework_export", world.partnership)).status_code == 403


def test_leads_cannot_import_or_export_the_framework(client, world):
    client.force_login(world.lead)
    response = client.post(
        url("import_upload", world.partnership),
        {"kind": "framework", "file": csv_upload([])},
    )
    assert response.status_code == 403
    assert client.get(url("framework_export", world.partnership)).status_code == 403


def test_an_empty_upload_says_so(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.admin)
    response = client.post(
        url("import_upload", world.partnership),
        {"kind": "values", "file": SimpleUploadedFile("e.csv", b"")},
        follow=True,
    )
    assert "The submitted file is empty." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_values_export_by_year_in_csv(client, world):
    period = PeriodFactory(partnership=world.partnership, year=2024, quarter=2)
    QuarterlyValueFactory(measure=world.count, period=period, value=5, story="=1+1")
    old = PeriodFactory(partnership=world.partnership, year=2023, quarter=4)
    QuarterlyValueFactory(measure=world.count, period=old, value=4)
    client.force_login(world.viewer)
    response = client.get(
        url("values_export", world.partnership), {"year": 2024, "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "figures-2024-25.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Quarter", "Code", "Name", "Kind", "Value"]
    assert rows[1:] == [
        ["2024/25 Q2", "CU1", "Schools", "Count", "5", "", "", "'=1+1", "Not submitted"]
    ]


def test_values_export_in_xlsx_and_the_template(client, world):
    from openpyxl import load_workbook

    client.force_login(world.admin)
    response = client.get(url("values_export", world.partnership))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Values", "Year summary", "Breakdowns"]
    response = client.get(
        url("values_template", world.partnership), {"quarter": "2024-1"}
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Values", "Guide"]
    assert [row[1].value for row in book["Values"].iter_rows(min_row=2)] == [
        "CU1",
        "CU2",
        "KW1",
    ]
    response = client.get(url("values_template", world.partnership), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")


def test_the_framework_template_and_example_download(client, world):
    client.force_login(world.admin)
    for name in ("framework_template", "framework_example", "framework_export"):
        response = client.get(url(name, world.partnership))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxml")


def test_the_page_polls_only_while_an_import_is_pending(client, world):
    client.force_login(world.admin)
    page = client.get(url("data", world.partnership)).content.decode()
    assert "hx-trigger" not in page
    ImportJob.objects.create(
        partnership=world.partnership,
        kind="values",
        original_name="f.csv",
        file_name="f.csv",
        size_bytes=1,
        created_by=world.admin,
    )
    page = client.get(url("data", world.partnership)).content.decode()
    assert 'hx-trigger="every 2s"' in page


@pytest.mark.parametrize("year", ["²", "9" * 5000])
def test_a_strange_year_in_the_export_is_no_crash(year):
    from django.test import Client

    from partnerships.models import Role
    from tests.factories import MembershipFactory, PartnershipFactory

    partnership = PartnershipFactory()
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
    client = Client()
    client.force_login(viewer)
    url = reverse("exchange:values_export", kwargs={"slug": partnership.slug})
    assert client.get(url, {"year": year, "format": "csv"}).status_code == 200
    dashboard = reverse("reports:dashboard", kwargs={"slug": partnership.slug})
    assert client.get(dashboard, {"year": year}).status_code == 200
