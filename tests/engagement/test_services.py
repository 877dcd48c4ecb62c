"""Who may log what, the checks beside each field, locked quarters and the
duplication warning."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from engagement.models import (
    Activity,
    ActivityCommunity,
    ActivityOrganisation,
    ActivityStatus,
    ContinuumLevel,
)
from engagement.selectors import activity_list, level_names, overlaps_for
from engagement.services import (
    ActivitiesRefused,
    ActivityInput,
    ActivityWrite,
    activities_record,
    activity_create,
    activity_delete,
    activity_update,
    level_names_set,
)
from kpis.models import LOCKED_QUARTER_SQLSTATE
from kpis.periods import Quarter
from kpis.review import period_lock
from partnerships import tenancy
from tests.factories import OrganisationFactory, PartnershipFactory

D = datetime.date


def _input(activity, **changes):
    data = {
        "title": activity.title,
        "starts_on": activity.starts_on,
        "ends_on": activity.ends_on,
        "level": activity.level,
        "status": activity.status,
        "participants": activity.participants,
        "organisation_ids": [o.pk for o in activity.organisations.all()],
    }
    data.update(changes)
    return ActivityInput(**data)


def test_a_lead_logs_their_own_organisations_activity(log):
    activity = log.activity(actor=log.council_lead)
    assert activity.recorded_by == log.council_lead
    assert list(activity.organisations.all()) == [log.council]


def test_a_lead_cannot_log_for_another_organisation_alone(log):
    with pytest.raises(ValidationError) as refusal:
        log.activity(actor=log.council_lead, organisation_ids=[log.health.pk])
    assert refusal.value.message_dict["organisations"] == [
        "Include your own organisation: project leads log their "
        "organisation's activity."
    ]
    assert not Activity.objects.exists()


def test_a_steering_group_member_cannot_log(log):
    with pytest.raises(PermissionDenied):
        log.activity(actor=log.viewer)


def test_only_leads_of_an_organisation_it_names_change_an_activity(log):
    activity = log.activity(actor=log.council_lead)
    with pytest.raises(PermissionDenied):
        activity_update(
            partnership=log.partnership,
            actor=log.health_lead,
            activity=activity,
            data=_input(activity, title="Taken over"),
        )
    with pytest.raises(PermissionDenied):
        activity_delete(
            partnership=log.partnership, actor=log.health_lead, activity=activity
        )
    activity_update(
        partnership=log.partnership,
        actor=log.admin,
        activity=activity,
        data=_input(activity, title="Renamed by the admin"),
    )
    activity.refresh_from_db()
    assert activity.title == "Renamed by the admin"


def test_bad_input_is_refused_beside_each_field(log):
    with pytest.raises(ValidationError) as refusal:
        log.activity(
            title=" ",
            starts_on=D(2026, 5, 4),
            ends_on=D(2026, 5, 1),
            level="shouting",
            participants=None,
            organisation_ids=[],
            breakdown={log.young_people.pk: 3},
        )
    assert refusal.value.message_dict == {
        "title": ["Give the activity a title."],
        "ends_on": ["The last day cannot be before the first day."],
        "level": ["Choose a level of engagement."],
        "participants": ["Say how many people took part (0 if nobody came)."],
        "organisations": ["Choose at least one organisation involved."],
        "breakdown": ["Give the number of participants first."],
    }
    assert not Activity.objects.exists()


def test_another_partnerships_organisation_or_community_is_refused(log):
    elsewhere = OrganisationFactory()
    with pytest.raises(ValidationError) as refusal:
        log.activity(organisation_ids=[elsewhere.pk])
    assert refusal.value.message_dict["organisations"] == [
        "Choose organisations of this partnership."
    ]


def test_a_breakdown_cannot_exceed_the_participants(log):
    with pytest.raises(ValidationError) as refusal:
        log.activity(participants=5, breakdown={log.young_people.pk: 6})
    assert refusal.value.message_dict["breakdown"] == [
        "The counts by Age group add up to more than the participants."
    ]
    activity = log.activity(participants=5, breakdown={log.young_people.pk: 4})
    assert activity.participant_breakdown == {str(log.young_people.pk): 4}


@pytest.fixture
def locked_q1(log):
    """Q1 of 2026/27 (April to June 2026), locked."""
    activity = log.activity(starts_on=D(2026, 5, 4), ends_on=D(2026, 5, 4))
    period_lock(
        partnership=log.partnership, quarter=Quarter(2026, 1, 4), actor=log.admin
    )
    return activity


def test_a_locked_quarters_activity_cannot_change_or_go(log, locked_q1):
    message = (
        "2026/27 Q1 is locked, so its activities cannot change. An admin can "
        "reopen it, giving a reason."
    )
    with pytest.raises(ValidationError) as refusal:
        activity_update(
            partnership=log.partnership,
            actor=log.admin,
            activity=locked_q1,
            data=_input(locked_q1, starts_on=D(2026, 8, 3), ends_on=D(2026, 8, 3)),
        )
    assert refusal.value.messages == [message]
    with pytest.raises(ValidationError) as refusal:
        activity_delete(
            partnership=log.partnership, actor=log.admin, activity=locked_q1
        )
    assert refusal.value.messages == [message]
    with pytest.raises(ValidationError) as refusal:
        log.activity(starts_on=D(2026, 6, 1), ends_on=D(2026, 6, 1))
    assert refusal.value.messages == [message]
    assert Activity.objects.count() == 1


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE engagement_activity SET participants = 99",
        "UPDATE engagement_activity SET starts_on = '2026-08-03', "
        "ends_on = '2026-08-03'",
        "DELETE FROM engagement_activityorganisation",
        "DELETE FROM engagement_activity",
    ],
)
def test_the_database_refuses_a_locked_quarters_activity_whatever_the_path(
    log, locked_q1, statement
):
    with (
        pytest.raises(DatabaseError) as refusal,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert refusal.value.__cause__.sqlstate == LOCKED_QUARTER_SQLSTATE
    assert ActivityOrganisation.objects.filter(activity=locked_q1).exists()


def test_the_database_refuses_moving_an_activity_into_a_locked_quarter(log, locked_q1):
    later = log.activity(starts_on=D(2026, 8, 3), ends_on=D(2026, 8, 3))
    with pytest.raises(DatabaseError) as refusal, transaction.atomic():
        Activity.objects.filter(pk=later.pk).update(
            starts_on=D(2026, 6, 1), ends_on=D(2026, 6, 1)
        )
    assert refusal.value.__cause__.sqlstate == LOCKED_QUARTER_SQLSTATE


def test_partners_planning_with_one_community_in_overlapping_weeks_are_warned(log):
    # Monday 2 November 2026 to Sunday 8 November.
    council = log.activity(
        title="Council drop-in",
        status=ActivityStatus.PLANNED,
        participants=None,
        starts_on=D(2026, 11, 2),
        ends_on=D(2026, 11, 2),
        community_ids=[log.eastmoor.pk, log.warwick.pk],
    )
    health = log.activity(
        title="Health check day",
        status=ActivityStatus.PLANNED,
        participants=None,
        starts_on=D(2026, 11, 8),
        ends_on=D(2026, 11, 10),
        organisation_ids=[log.health.pk],
        community_ids=[log.eastmoor.pk],
    )
    own_again = log.activity(  # the same organisation: its own business
        title="Council again",
        status=ActivityStatus.PLANNED,
        participants=None,
        starts_on=D(2026, 11, 3),
        ends_on=D(2026, 11, 3),
        community_ids=[log.eastmoor.pk],
    )
    next_week = log.activity(  # Monday 16 November: no common week
        title="Later",
        status=ActivityStatus.PLANNED,
        participants=None,
        starts_on=D(2026, 11, 16),
        ends_on=D(2026, 11, 16),
        organisation_ids=[log.health.pk],
        community_ids=[log.eastmoor.pk],
    )
    cancelled = log.activity(
        title="Called off",
        status=ActivityStatus.CANCELLED,
        participants=None,
        starts_on=D(2026, 11, 4),
        ends_on=D(2026, 11, 4),
        organisation_ids=[log.health.pk],
        community_ids=[log.eastmoor.pk],
    )
    other_community = log.activity(
        title="Elsewhere",
        status=ActivityStatus.PLANNED,
        participants=None,
        starts_on=D(2026, 11, 4),
        ends_on=D(2026, 11, 4),
        organisation_ids=[log.health.pk],
        community_ids=[log.young_people.pk],
    )
    found = overlaps_for(
        partnership=log.partnership,
        activity_ids=[
            a.pk
            for a in (council, health, own_again, next_week, cancelled, other_community)
        ],
    )
    assert {
        mine: [(o.other_title, o.communities) for o in others]
        for mine, others in found.items()
    } == {
        council.pk: [("Health check day", ("Eastmoor",))],
        own_again.pk: [("Health check day", ("Eastmoor",))],
        health.pk: [
            ("Council drop-in", ("Eastmoor",)),
            ("Council again", ("Eastmoor",)),
        ],
    }


def test_another_partnerships_activities_never_come_back(log):
    mine = log.activity()
    other = PartnershipFactory()
    with tenancy.scope(partnership_id=other.pk):
        assert list(activity_list(partnership=other)) == []
        assert list(activity_list(partnership=log.partnership)) == []
    with tenancy.scope(partnership_id=log.partnership.pk):
        assert list(activity_list(partnership=log.partnership)) == [mine]


def test_admins_rename_the_levels_and_blank_restores_the_shipped_name(log):
    level_names_set(
        partnership=log.partnership,
        actor=log.admin,
        names={ContinuumLevel.GIVING_INFORMATION: "Informing"},
    )
    assert (
        level_names(partnership=log.partnership)[ContinuumLevel.GIVING_INFORMATION]
        == "Informing"
    )
    level_names_set(
        partnership=log.partnership,
        actor=log.admin,
        names={ContinuumLevel.GIVING_INFORMATION: ""},
    )
    names = level_names(partnership=log.partnership)
    assert list(names.values()) == [
        "Giving information",
        "Getting information",
        "Forums for debate",
        "Participation",
        "Partnership",
        "Empowerment",
    ]
    with pytest.raises(PermissionDenied):
        level_names_set(
            partnership=log.partnership,
            actor=log.council_lead,
            names={ContinuumLevel.EMPOWERMENT: "Power"},
        )


def _columns(*activities) -> list[dict]:
    """The rows as stored, every column but the key and the times."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM engagement_activity WHERE id = ANY(%s) ORDER BY id",
            [[a.pk for a in activities]],
        )
        names = [column.name for column in cursor.description]
        return [
            {
                name: value
                for name, value in zip(names, row, strict=True)
                if name not in ("id", "created_at", "updated_at")
            }
            for row in cursor.fetchall()
        ]


def test_many_at_once_stores_what_one_at_a_time_stores_in_either_language(log):
    def data(title="Drop-in"):
        return ActivityInput(
            title=title,
            starts_on=D(2026, 5, 4),
            ends_on=D(2026, 5, 4),
            level=ContinuumLevel.PARTICIPATION,
            status=ActivityStatus.HELD,
            participants=3,
            organisation_ids=[log.council.pk],
            community_ids=[log.eastmoor.pk],
            breakdown={log.young_people.pk: 2},
        )

    with translation.override("cy"):
        one = activity_create(partnership=log.partnership, actor=log.admin, data=data())
        [many] = activities_record(
            partnership=log.partnership,
            actor=log.admin,
            writes=[ActivityWrite(data())],
        )
        assert _columns(one) == _columns(many)
        activity_update(
            partnership=log.partnership,
            actor=log.admin,
            activity=one,
            data=data("Drop-in day"),
        )
        activities_record(
            partnership=log.partnership,
            actor=log.admin,
            writes=[ActivityWrite(data("Drop-in day"), many)],
        )
    assert _columns(one) == _columns(many)
    assert _columns(many)[0]["title"] == "Drop-in day"
    many.refresh_from_db()
    assert many.updated_at > many.created_at
    assert sorted(
        ActivityCommunity.objects.filter(activity__in=[one, many]).values_list(
            "category", flat=True
        )
    ) == [log.eastmoor.pk, log.eastmoor.pk]


def test_many_at_once_are_refused_together_each_as_one_would_be(log):
    theirs = log.activity(actor=log.health_lead, organisation_ids=[log.health.pk])
    good = _input(theirs, organisation_ids=[log.council.pk], title="Ours")
    with pytest.raises(ActivitiesRefused) as refusal:
        activities_record(
            partnership=log.partnership,
            actor=log.council_lead,
            writes=[
                ActivityWrite(good),
                ActivityWrite(_input(theirs, title="Mine now"), theirs),
                ActivityWrite(_input(theirs, title="", organisation_ids=[])),
            ],
        )
    errors = refusal.value.errors
    assert set(errors) == {1, 2}
    assert isinstance(errors[1], PermissionDenied)
    assert str(errors[1]) == "You cannot change this activity."
    assert errors[2].message_dict == {
        "title": ["Give the activity a title."],
        "organisations": ["Choose at least one organisation involved."],
    }
    assert Activity.objects.count() == 1
