"""The texts that still need Welsh: listed for admins, and added on the page."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse

from kpis import welsh
from kpis.models import PerformanceMeasure
from outcomes.models import Priority
from partnerships.models import Role, WelshStatus
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    MissionFactory,
    PartnershipFactory,
    PriorityFactory,
)

pytestmark = pytest.mark.django_db


def member(partnership, role):
    return MembershipFactory(partnership=partnership, role=role).user


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def site():
    partnership = PartnershipFactory()
    MissionFactory(partnership=partnership, statement="End inequality")
    priority = PriorityFactory(
        partnership=partnership, name="Keeping well", name_cy="Cadw'n iach"
    )
    measure = MeasureFactory(
        partnership=partnership, name="Events", unit="events", definition=""
    )
    return partnership, priority, measure


def _missing(partnership) -> set[tuple[str, int, str]]:
    return {
        (group.kind.key, text.obj.pk, text.field)
        for group in welsh.texts_without_welsh(partnership=partnership)
        for text in group.texts
    }


def test_every_english_text_without_welsh_is_listed(site):
    partnership, priority, measure = site
    missing = _missing(partnership)
    mission = partnership.mission
    assert ("mission", mission.pk, "statement") in missing
    assert ("measure", measure.pk, "name") in missing
    assert ("measure", measure.pk, "unit") in missing
    # A Welsh name is there; an empty English definition needs nothing.
    assert ("priority", priority.pk, "name") not in missing
    assert ("priority", priority.pk, "mission_statement") in missing
    assert ("measure", measure.pk, "definition") not in missing
    # Another partnership's texts never come back.
    other = PartnershipFactory()
    MeasureFactory(partnership=other, name="Theirs")
    assert all(
        text.obj.partnership_id == partnership.pk
        for group in welsh.texts_without_welsh(partnership=partnership)
        for text in group.texts
    )


def test_the_admin_adds_a_welsh_text_on_the_page(site):
    partnership, _priority, measure = site
    admin = member(partnership, Role.ADMIN)
    url = reverse("kpis:welsh_texts", kwargs={"slug": partnership.slug})
    client = as_user(admin)
    page = client.get(url)
    assert page.status_code == 200
    assert f'id="text-measure-{measure.pk}-name"' in page.text
    response = client.post(
        url,
        {"kind": "measure", "pk": measure.pk, "field": "name", "text": "Digwyddiadau"},
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.name_cy == "Digwyddiadau" and measure.name_en == "Events"
    assert f'id="text-measure-{measure.pk}-name"' not in client.get(url).text
    # The set-up page counts what is left.
    setup = client.get(
        reverse("kpis:reporting_setup", kwargs={"slug": partnership.slug})
    )
    count = welsh.texts_without_welsh_count(partnership=partnership)
    assert f"{count} texts need Welsh" in setup.text


def test_a_too_long_welsh_text_is_refused_beside_its_field(site):
    partnership, _priority, measure = site
    client = as_user(member(partnership, Role.ADMIN))
    url = reverse("kpis:welsh_texts", kwargs={"slug": partnership.slug})
    response = client.post(
        url, {"kind": "measure", "pk": measure.pk, "field": "unit", "text": "x" * 61}
    )
    assert response.status_code == 400
    assert f'id="welsh-measure-{measure.pk}-unit-error"' in response.text
    assert "Keep this under 60 characters" in response.text
    measure.refresh_from_db()
    assert measure.unit_cy is None


def test_a_welsh_name_another_priority_has_is_refused(site):
    partnership, _priority, _measure = site
    admin = member(partnership, Role.ADMIN)
    other = PriorityFactory(partnership=partnership, name="Skills")
    with pytest.raises(ValidationError):
        welsh.welsh_text_set(
            partnership=partnership,
            actor=admin,
            kind="priority",
            pk=other.pk,
            field="name",
            text="Cadw'n iach",
        )
    assert Priority.objects.get(pk=other.pk).name_cy is None


def test_only_admins_and_only_their_partnerships_texts(site):
    partnership, _priority, measure = site
    lead = member(partnership, Role.LEAD)
    url = reverse("kpis:welsh_texts", kwargs={"slug": partnership.slug})
    assert as_user(lead).get(url).status_code == 403
    other = PartnershipFactory()
    theirs = MeasureFactory(partnership=other)
    with pytest.raises(Http404):
        welsh.welsh_text_set(
            partnership=partnership,
            actor=member(partnership, Role.ADMIN),
            kind="measure",
            pk=theirs.pk,
            field="name",
            text="Rhywbeth",
        )
    with pytest.raises(PermissionDenied):
        welsh.welsh_text_set(
            partnership=partnership,
            actor=lead,
            kind="measure",
            pk=measure.pk,
            field="name",
            text="Rhywbeth",
        )
    with pytest.raises(ValidationError):
        welsh.welsh_text_set(
            partnership=partnership,
            actor=member(partnership, Role.ADMIN),
            kind="measure",
            pk=measure.pk,
            field="code",
            text="X",
        )
    assert PerformanceMeasure.objects.get(pk=measure.pk).name_cy is None


def test_a_draft_translation_is_said_to_be_one(site):
    partnership, *_ = site
    partnership.welsh_status = WelshStatus.DRAFT
    partnership.save()
    page = as_user(member(partnership, Role.ADMIN)).get(
        reverse("kpis:welsh_texts", kwargs={"slug": partnership.slug})
    )
    assert "Draft translation, to be checked" in page.text
