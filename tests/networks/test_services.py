"""Networks' services and the guards the database keeps for them."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from kpis.models import PerformanceMeasure, QuarterlyValue, ValueType
from kpis.recording import quarterly_value_record
from networks import services
from networks.copies import copies_refresh
from networks.models import (
    Adoption,
    MembershipStatus,
    Network,
    NetworkMembership,
    SharedCopy,
    SharedMeasure,
)
from networks.selectors import network_page_get
from partnerships import tenancy
from partnerships.models import Role
from tests.factories import MeasureFactory, MembershipFactory, PriorityFactory

from .conftest import adopt, join

pytestmark = pytest.mark.django_db


def _year(copy, language="en-gb") -> dict:
    years = copy.payload["languages"][language]["years"]
    return next(y for y in years if y["year"] == 2024)


def _figures(copy) -> list[str]:
    return [q["figure"] for q in _year(copy)["quarters"]]


def _page_copies(three, member):
    with tenancy.partnership_scope(member.partnership.pk):
        pages = network_page_get(partnership=member.partnership, network=three.network)
        return {c.partnership_name: c for c in pages[0].copies}


def test_sharing_makes_a_copy_with_disclosure_control(three):
    copies = _page_copies(three, three.quiet)
    assert set(copies) == {"Ours", "Theirs"}
    # The small one is "fewer than 5", and another quarter is withheld so
    # that it cannot be worked out from the year's total.
    assert _figures(copies["Theirs"]) == ["withheld", "31", "fewer than 5", "40"]
    open_values = [q["value"] for q in _year(copies["Theirs"])["quarters"]]
    assert open_values == [None, "31", None, "40"]
    assert "Their open day brought many." in str(copies["Theirs"].payload)
    # The year's total stays: with two quarters hidden it pins neither.
    assert _year(copies["Theirs"])["figure"] == "103"


def test_an_unshared_measures_figures_are_copied_nowhere(three):
    assert not SharedCopy.objects.filter(partnership=three.quiet.partnership).exists()
    everything = str(list(SharedCopy.objects.values_list("payload", flat=True)))
    assert "779" not in everything and "Quiet secret story" not in everything


def test_a_members_session_reads_copies_but_never_the_tenant_tables(three):
    with tenancy.partnership_scope(three.quiet.partnership.pk):
        assert set(SharedCopy.objects.values_list("partnership_name", flat=True)) == {
            "Ours",
            "Theirs",
        }
        assert set(QuarterlyValue.objects.values_list("partnership", flat=True)) == {
            three.quiet.partnership.pk
        }
        assert not Adoption.objects.exclude(
            partnership=three.quiet.partnership
        ).exists()


def test_a_non_members_session_sees_no_copy_network_or_library(three):
    with tenancy.partnership_scope(three.outsider.partnership.pk):
        assert not SharedCopy.objects.exists()
        assert not Network.objects.exists()
        assert not SharedMeasure.objects.exists()
        assert not NetworkMembership.objects.exists()


def test_an_invited_partnership_sees_the_library_but_no_copy(three):
    services.network_invite(
        actor=three.staff, network=three.network, partnership=three.outsider.partnership
    )
    with tenancy.partnership_scope(three.outsider.partnership.pk):
        assert Network.objects.count() == 1
        assert SharedMeasure.objects.count() == 1
        assert not SharedCopy.objects.exists()


def test_no_session_can_write_a_copy_for_another_partnership(three):
    adoption = Adoption.objects.get(partnership=three.ours.partnership)
    with (
        pytest.raises(ProgrammingError, match="row-level security"),
        tenancy.partnership_scope(three.quiet.partnership.pk),
    ):
        SharedCopy.objects.create(
            partnership=three.ours.partnership,
            network=three.network,
            shared_measure=three.shared,
            adoption=adoption,
            partnership_name="Forged",
        )


def test_a_non_member_cannot_make_a_copy_even_of_its_own(three):
    outsider = three.outsider
    with tenancy.partnership_scope(outsider.partnership.pk):
        adoption = Adoption.objects.create(
            partnership=outsider.partnership,
            network=three.network,
            shared_measure_id=three.shared.pk,
            measure=outsider.measure,
            is_shared=True,
        )
        with (
            pytest.raises(ProgrammingError, match="row-level security"),
            transaction.atomic(),
        ):
            SharedCopy.objects.create(
                partnership=outsider.partnership,
                network=three.network,
                shared_measure_id=three.shared.pk,
                adoption=adoption,
                partnership_name="Outsider",
            )


def test_a_member_cannot_change_or_delete_anothers_copy(three):
    with tenancy.partnership_scope(three.quiet.partnership.pk):
        assert SharedCopy.objects.update(partnership_name="Changed") == 0
        assert (
            SharedCopy.objects.filter(partnership=three.ours.partnership).delete()[0]
            == 0
        )
    assert SharedCopy.objects.filter(partnership_name="Changed").count() == 0


def test_a_figure_recorded_through_the_service_reaches_the_copy(three):
    theirs = three.theirs
    value = QuarterlyValue.objects.get(measure=theirs.measure, period__quarter=3)
    with tenancy.partnership_scope(theirs.partnership.pk):
        quarterly_value_record(
            partnership=theirs.partnership,
            measure=theirs.measure,
            period=value.period,
            actor=theirs.admin.user,
            value=Decimal(33),
        )
    copies = _page_copies(three, three.quiet)
    assert _figures(copies["Theirs"]) == ["30", "31", "33", "40"]
    assert _year(copies["Theirs"])["figure"] == "134"


def test_a_figure_written_by_raw_sql_as_the_runtime_role_reaches_the_copy(three):
    ours = three.ours
    with tenancy.partnership_scope(ours.partnership.pk), connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] != "civic_owner"
        cursor.execute(
            "UPDATE kpis_quarterlyvalue SET value = 2 WHERE measure_id = %s "
            "AND period_id IN (SELECT id FROM kpis_period WHERE quarter = 4)",
            [ours.measure.pk],
        )
        assert cursor.rowcount == 1
    copies = _page_copies(three, three.theirs)
    assert _figures(copies["Ours"]) == ["12", "14", "fewer than 5", "fewer than 5"]


def test_a_copy_is_rebuilt_only_when_stale(three):
    with tenancy.partnership_scope(three.quiet.partnership.pk):
        assert copies_refresh(network_id=three.network.pk) == 0
    with tenancy.partnership_scope(three.ours.partnership.pk):
        PerformanceMeasure.objects.filter(pk=three.ours.measure.pk).update(
            name="Renamed volunteers"
        )
    with tenancy.partnership_scope(three.quiet.partnership.pk):
        assert copies_refresh(network_id=three.network.pk) == 1
    copy = SharedCopy.objects.get(partnership=three.ours.partnership)
    assert copy.payload["languages"]["en-gb"]["name"]["text"] == "Renamed volunteers"


def test_withdrawing_removes_the_copy(three):
    adopt(three, three.ours, share=False)
    assert not SharedCopy.objects.filter(partnership=three.ours.partnership).exists()
    assert set(_page_copies(three, three.quiet)) == {"Theirs"}


def test_leaving_withdraws_everything_shared(three):
    services.network_leave(
        partnership=three.theirs.partnership,
        membership=three.theirs.admin,
        network_id=three.network.pk,
    )
    assert not SharedCopy.objects.filter(partnership=three.theirs.partnership).exists()
    assert not Adoption.objects.get(partnership=three.theirs.partnership).is_shared
    assert (
        NetworkMembership.objects.get(partnership=three.theirs.partnership).status
        == MembershipStatus.LEFT
    )
    with tenancy.partnership_scope(three.theirs.partnership.pk):
        assert not SharedCopy.objects.exists()


def test_sharing_is_off_by_default(three):
    adoption = services.adoption_set(
        partnership=three.quiet.partnership,
        membership=three.quiet.admin,
        actor=three.quiet.admin.user,
        shared_measure=three.shared,
        measure_id=three.quiet.measure.pk,
    )
    assert not adoption.is_shared


def test_a_measure_of_another_kind_cannot_be_linked(three):
    rate = MeasureFactory(
        partnership=three.quiet.partnership,
        value_type=ValueType.PERCENTAGE,
        aggregation="ratio",
        annual_target=50,
    )
    with pytest.raises(ValidationError) as error:
        services.adoption_set(
            partnership=three.quiet.partnership,
            membership=three.quiet.admin,
            actor=three.quiet.admin.user,
            shared_measure=three.shared,
            measure_id=rate.pk,
        )
    assert "kind that compares" in str(error.value.message_dict["measure"])


def test_another_partnerships_measure_cannot_be_linked(three):
    with pytest.raises(ValidationError):
        services.adoption_set(
            partnership=three.quiet.partnership,
            membership=three.quiet.admin,
            actor=three.quiet.admin.user,
            shared_measure=three.shared,
            measure_id=three.ours.measure.pk,
        )


def test_a_new_measure_is_made_from_the_shared_definition(three):
    priority = PriorityFactory(partnership=three.quiet.partnership)
    adoption = services.adoption_set(
        partnership=three.quiet.partnership,
        membership=three.quiet.admin,
        actor=three.quiet.admin.user,
        shared_measure=three.shared,
        new_code="NET1",
        new_priority_id=priority.pk,
    )
    measure = adoption.measure
    assert (measure.code, measure.name_en, measure.name_cy) == (
        "NET1",
        "Volunteers recruited",
        "Gwirfoddolwyr",
    )
    assert measure.value_type == ValueType.COUNT and measure.priority == priority


@pytest.mark.parametrize("role", [Role.VIEWER, Role.LEAD])
def test_only_admins_adopt_share_answer_or_leave(three, role):
    member = MembershipFactory(partnership=three.quiet.partnership, role=role)
    with pytest.raises(PermissionDenied):
        services.adoption_set(
            partnership=three.quiet.partnership,
            membership=member,
            actor=member.user,
            shared_measure=three.shared,
            measure_id=three.quiet.measure.pk,
            is_shared=True,
        )
    with pytest.raises(PermissionDenied):
        services.network_leave(
            partnership=three.quiet.partnership,
            membership=member,
            network_id=three.network.pk,
        )
    assert not SharedCopy.objects.filter(partnership=three.quiet.partnership).exists()


def test_only_staff_run_networks(three):
    with pytest.raises(PermissionDenied):
        services.network_save(
            actor=three.ours.admin.user, english={"name": "Mine"}, welsh={}
        )
    with pytest.raises(PermissionDenied):
        services.network_invite(
            actor=three.ours.admin.user,
            network=three.network,
            partnership=three.outsider.partnership,
        )


def test_an_invitation_is_answered_once(three):
    join(three, three.outsider, three.staff)
    with pytest.raises(ValidationError):
        services.invitation_respond(
            partnership=three.outsider.partnership,
            membership=three.outsider.admin,
            network_id=three.network.pk,
            accept=False,
        )


def test_an_adopted_shared_measures_kind_cannot_change(three):
    with pytest.raises(ValidationError) as error:
        services.shared_measure_save(
            actor=three.staff,
            network=three.network,
            shared_measure=three.shared,
            question=three.shared.question,
            value_type=ValueType.SCORE,
            english={"name": "Volunteers"},
            welsh={},
        )
    assert "value_type" in error.value.message_dict
