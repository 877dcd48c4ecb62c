"""The Quarter page's rows, written in Python (kpis.review_rows), are what
the row template they replaced writes (kpis/includes/quarter_review_row.html):
submitted, returned, approved, draft and missing figures, plausibility
flags, stories with line breaks, several leads and organisations, none,
names to escape, with and without the Review column, English and Welsh."""

import re
from decimal import Decimal as D

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from kpis import review
from kpis.models import ReviewStatus
from kpis.periods import Quarter
from kpis.review_rows import ROW_TEMPLATE, review_rows_html
from partnerships.models import Role
from tests.factories import (
    MeasureFactory,
    MeasureLeadFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    QuarterlyValueFactory,
)

pytestmark = pytest.mark.django_db

# With the factories' September start, 2024/25 Q2 runs December to February.
Q2 = Quarter(2024, 2, 9)
PREFIXES = {
    "measure_url_prefix": "/p/site/measures/",
    "review_url_prefix": "/p/site/quarter/values/",
    "quarter_key": Q2.key,
}
TOKEN = "a-csrf-token"


def _normalised(html: str) -> str:
    """Runs of whitespace read as one space in the page."""
    return re.sub(r"\s+", " ", html).strip()


@pytest.fixture
def quarter_review():
    partnership = PartnershipFactory()
    health = OrganisationFactory(partnership=partnership, name="Health & <Care>")
    council = OrganisationFactory(partnership=partnership, name="Council")
    ana = MembershipFactory(
        partnership=partnership, role=Role.LEAD, organisation=health
    ).user
    ana.full_name = "Ana <O'Neill>"
    ana.save()
    bryn = MembershipFactory(
        partnership=partnership, role=Role.LEAD, organisation=council
    ).user
    cara = MembershipFactory(partnership=partnership, role=Role.LEAD).user

    def measure(name, **fields):
        return MeasureFactory(partnership=partnership, name=name, **fields)

    jumped = measure(
        "Reports <escalated> & more",
        name_cy="Adroddiadau a uwchgyfeiriwyd",
        change_threshold=D("10"),
    )
    returned = measure("Returned one")
    approved = measure("Approved one", name_cy="Un wedi'i gymeradwyo")
    draft = measure("Draft one")
    missing = measure("Missing one")
    for lead, led in ((ana, jumped), (bryn, jumped), (cara, missing), (ana, draft)):
        MeasureLeadFactory(partnership=partnership, measure=led, user=lead)
    previous = Q2.previous()
    QuarterlyValueFactory(
        measure=jumped,
        period__year=previous.year,
        period__quarter=previous.quarter,
        value=10,
        status=ReviewStatus.APPROVED,
    )
    current = {"period__year": Q2.year, "period__quarter": Q2.quarter}
    QuarterlyValueFactory(
        measure=jumped,
        value=1000,
        status=ReviewStatus.SUBMITTED,
        story="A new <school> joined.\nAnd another & more.",
        **current,
    )
    QuarterlyValueFactory(
        measure=returned,
        value=5,
        status=ReviewStatus.RETURNED,
        return_reason="Check <May> & June",
        **current,
    )
    QuarterlyValueFactory(measure=approved, value=7, status="approved", **current)
    QuarterlyValueFactory(measure=draft, value=0, status=ReviewStatus.DRAFT, **current)
    result = review.quarter_review_with_flags(partnership=partnership, quarter=Q2)
    assert {row.state for row in result.rows} == {
        "submitted",
        "returned",
        "approved",
        "draft",
        "missing",
    }
    assert any(row.flags for row in result.rows), "a row with a plausibility flag"
    assert any(len(row.leads) > 1 for row in result.rows)
    return result


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("reviewing", [True, False])
def test_each_row_is_what_the_template_wrote(quarter_review, language, reviewing):
    with translation.override(language):
        for row in quarter_review.rows:
            expected = render_to_string(
                ROW_TEMPLATE,
                {
                    "row": row,
                    "reviewing": reviewing,
                    "return_form": None,
                    "csrf_token": TOKEN,
                    **PREFIXES,
                },
            )
            written = review_rows_html(
                [row], csrf_token=TOKEN, reviewing=reviewing, **PREFIXES
            )
            assert _normalised(written) == _normalised(expected)


def test_every_row_is_written_in_order(quarter_review):
    written = review_rows_html(
        quarter_review.rows, csrf_token=TOKEN, reviewing=True, **PREFIXES
    )
    ids = re.findall(r'<tr id="([^"]+)">', written)
    assert ids == [
        f"value-{row.value.pk}" if row.value else f"measure-{row.measure.pk}"
        for row in quarter_review.rows
    ]
    # Names are escaped, never markup.
    assert "<escalated>" not in written and "&lt;escalated&gt;" in written
