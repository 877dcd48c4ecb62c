"""Row-level security: the database itself keeps partnerships apart."""

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, connection, transaction
from django.db.utils import ProgrammingError

from kpis.models import PerformanceMeasure, QuarterlyValue
from outcomes.models import Outcome
from partnerships import selectors, tenancy
from partnerships.models import DataVersion, Membership, Organisation
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    PartnershipFactory,
    PriorityFactory,
    QuarterlyValueFactory,
)

pytestmark = pytest.mark.django_db

TENANT_TABLES = [
    "partnerships_organisation",
    "partnerships_membership",
    # Also readable by the digest an invitation link names, before anyone is
    # a member (tests/partnerships/test_members.py).
    "partnerships_invitation",
    # Events outside any partnership (a null partnership) are visible only in
    # the platform scope (tests/partnerships/test_security_events.py).
    "partnerships_securityevent",
    # Also readable by the partnership's members before a tenant is chosen
    # (tests/partnerships/test_data_version.py).
    "partnerships_dataversion",
    "outcomes_mission",
    "outcomes_priority",
    "outcomes_outcome",
    "outcomes_project",
    "kpis_period",
    "kpis_performancemeasure",
    "kpis_measurelead",
    "kpis_measuretarget",
    "kpis_measuretargetevent",
    "kpis_quarterlyvalue",
    "kpis_periodlockchange",
    "kpis_dimension",
    "kpis_dimensioncategory",
    "kpis_measureevent",
    "kpis_quarterlyvalueevent",
    "kpis_reminder",
    # wellbeing's, under the names they had in kpis (wellbeing/models.py).
    "kpis_contribution",
    "kpis_curvestory",
    "wellbeing_frameworkadoption",
    "kpis_digestsent",
    # Action plans (delivery).
    "delivery_action",
    "delivery_actionevent",
    "delivery_actionleadagency",
    "delivery_actionoutcome",
    "delivery_actionmeasure",
    "delivery_actionupdate",
    "delivery_actionupdateevent",
    "delivery_curvestoryaction",
    # The engagement log.
    "engagement_continuumlevelname",
    "engagement_engagementstandard",
    "engagement_activity",
    "engagement_activityorganisation",
    "engagement_activitycommunity",
    "engagement_activitystandard",
    "engagement_computedmeasure",
    # Publishing: also readable by anyone while published, through policies
    # of their own (public/migrations/0002, tests/public/).
    "public_publication",
    "public_publishedpriority",
    "public_publishedmeasure",
    "public_publishedreport",
    "public_publicsnapshot",
    # A partnership's place in a learning network, its adoptions, and the
    # copies it shares (readable by the network's accepted members too:
    # tests/networks/test_services.py).
    "networks_networkmembership",
    "networks_adoption",
    "networks_sharedcopy",
]

# A learning network and its library belong to no partnership: readable by
# the partnerships with a place in it, written by platform staff alone
# (tests/networks/test_services.py).
NETWORK_TABLES = ["networks_network", "networks_sharedmeasure"]

# Shared reference data: no partnership, no row-level security; a trigger
# refuses writes outside the platform context (tests/kpis/test_frameworks.py).
REFERENCE_TABLES = [
    "kpis_nationalframework",
    "kpis_wellbeinggoal",
    "kpis_wayofworking",
    "kpis_indicatorset",
    "kpis_nationalindicator",
    "kpis_indicatorsetmembership",
    # Population data by area is public: shared like the frameworks
    # (tests/kpis/test_population.py).
    "kpis_indicatorseries",
    "kpis_indicatorobservation",
]


@pytest.fixture
def two_partnerships():
    ours, theirs = PartnershipFactory(), PartnershipFactory()
    for partnership in (ours, theirs):
        QuarterlyValueFactory(measure=MeasureFactory(partnership=partnership))
        OrganisationFactory(partnership=partnership)
        MembershipFactory(partnership=partnership)
    return ours, theirs


def test_unscoped_queries_in_one_partnership_see_none_of_another(two_partnerships):
    ours, theirs = two_partnerships
    with tenancy.partnership_scope(ours.pk):
        for model in (
            PerformanceMeasure,
            QuarterlyValue,
            Outcome,
            Organisation,
            Membership,
        ):
            rows = list(model.objects.all())
            assert rows, model
            assert {row.partnership_id for row in rows} == {ours.pk}, model
        assert not PerformanceMeasure.objects.filter(partnership=theirs).exists()


def test_without_a_context_nothing_is_visible(two_partnerships):
    with tenancy.scope():
        assert PerformanceMeasure.objects.count() == 0
        assert QuarterlyValue.objects.count() == 0


def test_writing_into_another_partnership_is_refused(two_partnerships):
    ours, theirs = two_partnerships
    with (
        pytest.raises(ProgrammingError, match="row-level security"),
        tenancy.partnership_scope(ours.pk),
    ):
        Organisation.objects.create(partnership=theirs, name="Smuggled in")


def test_bulk_update_cannot_reach_another_partnership(two_partnerships):
    ours, theirs = two_partnerships
    with tenancy.partnership_scope(ours.pk):
        changed = PerformanceMeasure.objects.update(name="Renamed")
    assert changed == 1
    assert PerformanceMeasure.objects.get(partnership=theirs).name != "Renamed"


def test_members_see_their_own_memberships_before_choosing(two_partnerships):
    ours, theirs = two_partnerships
    person = MembershipFactory(partnership=ours).user
    MembershipFactory(partnership=theirs, user=person)
    with tenancy.scope(user_id=person.pk):
        assert Membership.objects.count() == 2
        assert set(Membership.objects.values_list("user", flat=True)) == {person.pk}


def test_entering_a_partnership_reads_the_membership_and_scopes_to_it(
    two_partnerships,
):
    ours, theirs = two_partnerships
    person = MembershipFactory(partnership=ours, role="lead").user
    with tenancy.platform_scope():
        expected = DataVersion.objects.get(partnership=ours).version
    with tenancy.scope(user_id=person.pk):
        membership = selectors.membership_enter(user=person, slug=ours.slug)
        assert (membership.partnership, membership.user) == (ours, person)
        assert membership.role == "lead"
        assert membership.data_version == expected
        assert tenancy.current_partnership_id() == ours.pk
        assert {m.partnership_id for m in PerformanceMeasure.objects.all()} == {ours.pk}


def test_entering_a_partnership_one_is_not_a_member_of_sets_nothing(
    two_partnerships,
):
    ours, theirs = two_partnerships
    person = MembershipFactory(partnership=ours).user
    with tenancy.scope(user_id=person.pk):
        assert selectors.membership_enter(user=person, slug=theirs.slug) is None
        assert selectors.membership_enter(user=person, slug="no-such") is None
        assert tenancy.current_partnership_id() is None
        assert PerformanceMeasure.objects.count() == 0


def test_nested_scopes_restore_the_outer_context(two_partnerships):
    ours, theirs = two_partnerships
    with tenancy.partnership_scope(ours.pk):
        with tenancy.partnership_scope(theirs.pk):
            assert tenancy.current_partnership_id() == theirs.pk
        assert tenancy.current_partnership_id() == ours.pk


def test_the_application_role_cannot_bypass_row_level_security():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        assert cursor.fetchone() == (False, False)
        cursor.execute(
            "SELECT relname, relrowsecurity, relforcerowsecurity, "
            "pg_get_userbyid(relowner) = current_user "
            "FROM pg_class WHERE relname = ANY(%s)",
            [TENANT_TABLES + NETWORK_TABLES],
        )
        rows = {
            name: (enabled, forced, owned) for name, enabled, forced, owned in cursor
        }
    assert set(rows) == set(TENANT_TABLES + NETWORK_TABLES)
    for table, (enabled, forced, owned) in rows.items():
        assert enabled, f"{table} has no row-level security"
        # An owner is exempt from its own policies unless they are FORCEd.
        assert forced or not owned, f"{table} is owned by the app without FORCE"


def test_every_tenant_table_carries_partnership_id():
    from django.apps import apps

    for app in (
        "partnerships",
        "outcomes",
        "kpis",
        "wellbeing",
        "delivery",
        "engagement",
        "public",
        "networks",
    ):
        for model in apps.get_app_config(app).get_models():
            # People, the tenants themselves, and people's API tokens and
            # recovery codes (which act in every partnership their user
            # belongs to).
            if model._meta.db_table in (
                "partnerships_user",
                "partnerships_partnership",
                "partnerships_apitoken",
                "partnerships_recoverycodedevice",
            ):
                continue
            if model._meta.auto_created:
                continue
            if model._meta.db_table in NETWORK_TABLES:
                with pytest.raises(FieldDoesNotExist):
                    model._meta.get_field("partnership")
                continue
            if model._meta.db_table in REFERENCE_TABLES:
                with pytest.raises(FieldDoesNotExist):
                    model._meta.get_field("partnership")
                continue
            assert model._meta.db_table in TENANT_TABLES, model
            model._meta.get_field("partnership")


def test_a_child_cannot_point_at_another_partnerships_parent():
    ours, theirs = PartnershipFactory(), PartnershipFactory()
    their_priority = PriorityFactory(partnership=theirs)
    with pytest.raises(IntegrityError), transaction.atomic():
        Outcome.objects.create(partnership=ours, priority=their_priority, statement="x")
        # The same-partnership key is checked at commit; force it now.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert not OutcomeFactory._meta.model.objects.filter(statement="x").exists()
