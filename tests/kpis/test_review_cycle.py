"""Submit, return, approve, lock and reopen; conflicts, breakdowns and history.

Every test runs against the real PostgreSQL, because the quarter lock, the
check constraints and the change history are all enforced or written there.
"""

from decimal import Decimal as D
from types import SimpleNamespace

import pghistory
import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from kpis import recording, review, selectors, services
from kpis.models import (
    Aggregation,
    PeriodLockChange,
    QuarterlyValue,
    ReviewStatus,
    ValueType,
)
from kpis.periods import Quarter
from partnerships.models import Role
from tests.factories import (
    DimensionCategoryFactory,
    DimensionFactory,
    MeasureFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    PeriodFactory,
    QuarterlyValueFactory,
)

pytestmark = pytest.mark.django_db

# With the factories' September start, 2024/25 Q2 runs December to February.
Q2 = Quarter(2024, 2, 9)
Q1 = Q2.previous()


def member(partnership, role, **fields):
    return MembershipFactory(partnership=partnership, role=role, **fields).user


def make_team(partnership=None):
    partnership = partnership or PartnershipFactory()
    measure = MeasureFactory(
        partnership=partnership, name="Schools engaged", annual_target=50
    )
    lead = member(partnership, Role.LEAD)
    services.measure_assign_lead(partnership=partnership, measure=measure, user=lead)
    return SimpleNamespace(
        partnership=partnership,
        measure=measure,
        lead=lead,
        admin=member(partnership, Role.ADMIN),
        viewer=member(partnership, Role.VIEWER),
        period=services.period_get_or_create(partnership=partnership, quarter=Q2),
    )


@pytest.fixture
def team():
    return make_team()


def record(team, actor, value, *, measure=None, period=None, **kwargs):
    return recording.quarterly_value_record(
        partnership=team.partnership,
        measure=measure or team.measure,
        period=period or team.period,
        actor=actor,
        value=D(value),
        **kwargs,
    )


def submit(team, actor=None):
    return review.quarter_submit(
        partnership=team.partnership, quarter=Q2, actor=actor or team.lead
    )


def approve(team, value, actor=None):
    return review.value_approve(
        partnership=team.partnership, value_id=value.pk, actor=actor or team.admin
    )


def send_back(team, value, reason, actor=None):
    return review.value_return(
        partnership=team.partnership,
        value_id=value.pk,
        actor=actor or team.admin,
        reason=reason,
    )


def lock(team, actor=None):
    return review.period_lock(
        partnership=team.partnership, quarter=Q2, actor=actor or team.admin
    )


def reopen(team, reason, actor=None):
    return review.period_reopen(
        partnership=team.partnership,
        quarter=Q2,
        actor=actor or team.admin,
        reason=reason,
    )


def approved_and_locked(team, value=12):
    figure = record(team, team.lead, value)
    submit(team)
    approve(team, figure)
    lock(team)
    figure.refresh_from_db()
    team.period.refresh_from_db()
    return figure


def web(user):
    """The context HistoryContextMiddleware gives a web request's changes."""
    return pghistory.context(user=user.pk, path="web")


def messages_of(error) -> str:
    return " ".join(error.value.messages)


# Submitting, returning and approving


def test_a_lead_submits_their_figures_for_review(team):
    figure = record(team, team.lead, 12)
    result = submit(team)
    assert result.submitted == [figure]
    assert result.needs_note == {} and result.missing == []
    figure.refresh_from_db()
    assert figure.status == ReviewStatus.SUBMITTED
    assert figure.submitted_by == team.lead and figure.submitted_at is not None


def test_submitting_with_nothing_new_is_refused(team):
    record(team, team.lead, 12)
    submit(team)
    with pytest.raises(ValidationError, match="nothing new to submit"):
        submit(team)


def test_a_viewer_cannot_submit(team):
    with pytest.raises(PermissionDenied):
        submit(team, actor=team.viewer)


@pytest.mark.parametrize(
    ("approve_first", "message"),
    [(False, "submitted and waiting for review"), (True, "approved")],
)
def test_a_lead_cannot_change_a_submitted_or_approved_figure_but_an_admin_can(
    team, approve_first, message
):
    figure = record(team, team.lead, 12)
    submit(team)
    if approve_first:
        approve(team, figure)
    with pytest.raises(ValidationError) as error:
        record(team, team.lead, 13)
    assert message in messages_of(error)
    figure.refresh_from_db()
    assert figure.value == D(12) and figure.version == 1
    corrected = record(team, team.admin, 14)
    assert corrected.value == D(14) and corrected.version == 2


def test_returning_a_figure_needs_a_reason(team):
    figure = record(team, team.lead, 12)
    submit(team)
    with pytest.raises(ValidationError) as error:
        send_back(team, figure, "   ")
    assert "reason" in error.value.message_dict
    figure.refresh_from_db()
    assert figure.status == ReviewStatus.SUBMITTED and figure.return_reason == ""


def test_a_returned_figure_goes_back_to_its_lead_to_fix_and_resubmit(team):
    figure = record(team, team.lead, 12)
    submit(team)
    send_back(team, figure, "  The May events are counted twice.  ")
    figure.refresh_from_db()
    assert figure.status == ReviewStatus.RETURNED
    assert figure.return_reason == "The May events are counted twice."
    assert figure.reviewed_by == team.admin

    corrected = record(team, team.lead, 9, expected_version=figure.version)
    assert corrected.value == D(9)
    result = submit(team)
    assert [v.pk for v in result.submitted] == [figure.pk]
    approve(team, figure)
    figure.refresh_from_db()
    assert figure.status == ReviewStatus.APPROVED
    assert figure.value == D(9) and figure.reviewed_by == team.admin


def test_an_approved_figure_can_be_returned_but_a_draft_cannot(team):
    figure = record(team, team.lead, 12)
    with pytest.raises(ValidationError, match="Only a submitted or approved"):
        send_back(team, figure, "Too early")
    submit(team)
    approve(team, figure)
    assert send_back(team, figure, "Wrong quarter").status == ReviewStatus.RETURNED


def test_approving_twice_changes_nothing(team):
    figure = record(team, team.lead, 12)
    submit(team)
    first = approve(team, figure)
    again = approve(team, figure)
    assert again.status == ReviewStatus.APPROVED
    assert again.reviewed_at == first.reviewed_at


# Who may review


@pytest.mark.parametrize("role", ["lead", "viewer"])
def test_only_admins_approve_return_lock_and_reopen(team, role):
    actor = getattr(team, role)
    figure = record(team, team.lead, 12)
    submit(team)
    with pytest.raises(PermissionDenied):
        approve(team, figure, actor=actor)
    with pytest.raises(PermissionDenied):
        send_back(team, figure, "No", actor=actor)
    approve(team, figure)
    with pytest.raises(PermissionDenied):
        lock(team, actor=actor)
    lock(team)
    with pytest.raises(PermissionDenied):
        reopen(team, "Because", actor=actor)
    figure.refresh_from_db()
    team.period.refresh_from_db()
    assert figure.status == ReviewStatus.APPROVED and team.period.is_locked


def test_an_admin_of_another_partnership_cannot_review(team):
    figure = record(team, team.lead, 12)
    submit(team)
    outsider = member(PartnershipFactory(), Role.ADMIN)
    with pytest.raises(PermissionDenied):
        approve(team, figure, actor=outsider)


def test_another_partnerships_figure_does_not_exist_for_review(team):
    theirs = make_team()
    their_figure = record(theirs, theirs.lead, 5)
    submit(theirs)
    with pytest.raises(QuarterlyValue.DoesNotExist):
        approve(team, their_figure)
    with pytest.raises(QuarterlyValue.DoesNotExist):
        send_back(team, their_figure, "Not yours")
    their_figure.refresh_from_db()
    assert their_figure.status == ReviewStatus.SUBMITTED


# Locking and reopening


def test_a_quarter_cannot_be_locked_while_a_figure_is_unapproved(team):
    other = MeasureFactory(partnership=team.partnership)
    services.measure_assign_lead(
        partnership=team.partnership, measure=other, user=team.lead
    )
    first = record(team, team.lead, 12)
    second = record(team, team.lead, 3, measure=other)
    submit(team)
    approve(team, first)
    with pytest.raises(ValidationError) as error:
        lock(team)
    assert "1 figure of" in messages_of(error)
    team.period.refresh_from_db()
    assert not team.period.is_locked
    assert not PeriodLockChange.objects.exists()

    approve(team, second)
    period = lock(team)
    assert period.is_locked and period.locked_by == team.admin
    change = PeriodLockChange.objects.get()
    assert change.action == PeriodLockChange.Action.LOCKED
    assert change.actor == team.admin and change.period == period


def test_a_quarter_with_a_draft_cannot_be_locked(team):
    record(team, team.lead, 12)
    with pytest.raises(ValidationError, match="not approved yet"):
        lock(team)


def test_a_locked_quarter_refuses_every_change_through_the_services(team):
    figure = approved_and_locked(team)
    expected = recording.locked_message(team.period)
    assert "2024/25 Q2 is locked" in expected
    for actor in (team.admin, team.lead):
        with pytest.raises(ValidationError) as error:
            record(team, actor, 13)
        assert error.value.messages == [expected]
    with pytest.raises(ValidationError, match="is locked"):
        send_back(team, figure, "Too late")
    with pytest.raises(ValidationError, match="is locked"):
        submit(team)
    figure.refresh_from_db()
    assert figure.value == D(12) and figure.status == ReviewStatus.APPROVED


def test_a_stale_copy_of_the_period_still_cannot_get_past_the_lock(team):
    stale = services.period_get_or_create(partnership=team.partnership, quarter=Q2)
    approved_and_locked(team)
    assert not stale.is_locked
    # The service's own check passes on the stale copy; the database guard
    # refuses the save, and the service turns that into the locked message.
    with pytest.raises(ValidationError) as error:
        record(team, team.admin, 13, period=stale)
    assert error.value.messages == [recording.locked_message(stale)]
    assert QuarterlyValue.objects.get().value == D(12)


def test_the_database_refuses_a_bulk_update_of_a_locked_quarter(team):
    figure = approved_and_locked(team)
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        QuarterlyValue.objects.filter(pk=figure.pk).update(value=D(99))
    assert recording.is_locked_quarter_error(error.value)
    assert "The quarter is locked" in str(error.value)
    figure.refresh_from_db()
    assert figure.value == D(12)


def test_the_database_refuses_deleting_a_locked_quarters_figure(team):
    figure = approved_and_locked(team)
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        QuarterlyValue.objects.filter(pk=figure.pk).delete()
    assert recording.is_locked_quarter_error(error.value)
    assert QuarterlyValue.objects.filter(pk=figure.pk).exists()


def test_the_database_refuses_raw_sql_on_a_locked_quarter(team):
    figure = approved_and_locked(team)
    with (
        pytest.raises(IntegrityError) as error,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE kpis_quarterlyvalue SET value = 99 WHERE id = %s", [figure.pk]
        )
    assert recording.is_locked_quarter_error(error.value)
    figure.refresh_from_db()
    assert figure.value == D(12)


def test_the_database_refuses_a_new_figure_in_a_locked_quarter(team):
    approved_and_locked(team)
    other = MeasureFactory(partnership=team.partnership)
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        QuarterlyValueFactory(measure=other, period=team.period)
    assert recording.is_locked_quarter_error(error.value)


def test_the_guard_leaves_other_quarters_alone(team):
    approved_and_locked(team)
    earlier = PeriodFactory(partnership=team.partnership, year=Q1.year, quarter=1)
    open_figure = QuarterlyValueFactory(measure=team.measure, period=earlier)
    QuarterlyValue.objects.filter(pk=open_figure.pk).update(value=D(40))
    open_figure.refresh_from_db()
    assert open_figure.value == D(40)


def test_other_integrity_errors_are_not_mistaken_for_the_lock(team):
    figure = record(team, team.lead, 12)
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        QuarterlyValue.objects.filter(pk=figure.pk).update(value=D(-1))
    assert not recording.is_locked_quarter_error(error.value)


def test_reopening_needs_a_reason(team):
    approved_and_locked(team)
    with pytest.raises(ValidationError) as error:
        reopen(team, "  ")
    assert "reason" in error.value.message_dict
    team.period.refresh_from_db()
    assert team.period.is_locked
    assert PeriodLockChange.objects.count() == 1


def test_reopening_is_recorded_and_lets_figures_change_again(team):
    figure = approved_and_locked(team)
    period = reopen(team, "  The council sent a late correction.  ")
    assert not period.is_locked and period.locked_by is None
    changes = list(PeriodLockChange.objects.values_list("action", "reason", "actor"))
    assert changes == [
        ("locked", "", team.admin.pk),
        ("reopened", "The council sent a late correction.", team.admin.pk),
    ]
    team.period.refresh_from_db()
    corrected = record(team, team.admin, 15)
    assert corrected.value == D(15)
    assert QuarterlyValue.objects.filter(pk=figure.pk).update(story="Checked") == 1


def test_reopening_a_quarter_that_is_not_locked_is_refused(team):
    with pytest.raises(ValidationError, match="not locked"):
        reopen(team, "Just in case")


# Plausibility notes and missing figures at submission


@pytest.fixture
def flagged(team):
    """Two measures: one up from 10 to 30 with no story, one quiet."""
    quiet = MeasureFactory(partnership=team.partnership, name="Research bids")
    services.measure_assign_lead(
        partnership=team.partnership, measure=quiet, user=team.lead
    )
    q1 = services.period_get_or_create(partnership=team.partnership, quarter=Q1)
    QuarterlyValueFactory(measure=team.measure, period=q1, value=10)
    QuarterlyValueFactory(measure=quiet, period=q1, value=4)
    jumped = record(team, team.lead, 30)
    steady = record(team, team.lead, 4, measure=quiet)
    return jumped, steady


def test_submission_waits_for_the_story_behind_a_flagged_figure(team, flagged):
    jumped, steady = flagged
    result = submit(team)
    assert result.submitted == []
    assert list(result.needs_note) == [team.measure.pk]
    (flag,) = result.needs_note[team.measure.pk]
    assert flag.code == "big_change" and "200% up" in str(flag.message)
    # Nothing is submitted, the quiet figure included.
    statuses = set(
        QuarterlyValue.objects.filter(period=team.period).values_list(
            "status", flat=True
        )
    )
    assert statuses == {ReviewStatus.DRAFT}


def test_submission_goes_through_once_the_story_is_added(team, flagged):
    jumped, steady = flagged
    submit(team)
    record(team, team.lead, 30, story="A new partner joined with twenty schools.")
    result = submit(team)
    assert result.needs_note == {}
    assert {v.pk for v in result.submitted} == {jumped.pk, steady.pk}


def test_a_measures_own_threshold_decides_whether_a_note_is_needed(team, flagged):
    team.measure.change_threshold = 250
    team.measure.save()
    result = submit(team)
    assert result.needs_note == {} and len(result.submitted) == 2


def test_measures_without_a_figure_are_reported_missing_and_hold_nothing_back(team):
    empty = MeasureFactory(partnership=team.partnership, name="Volunteers")
    services.measure_assign_lead(
        partnership=team.partnership, measure=empty, user=team.lead
    )
    figure = record(team, team.lead, 12)
    result = submit(team)
    assert result.missing == [empty]
    assert result.submitted == [figure]


# Two people editing the same figure


def test_the_second_of_two_saves_from_the_same_version_is_a_conflict(team):
    loaded = record(team, team.lead, 57)
    seen = loaded.version
    first = record(team, team.admin, 58, expected_version=seen)
    assert first.version == seen + 1

    with pytest.raises(recording.ValueConflict) as conflict:
        record(team, team.lead, 60, expected_version=seen)
    assert conflict.value.current.pk == loaded.pk
    assert conflict.value.current.value == D(58)
    assert conflict.value.current.version == seen + 1
    assert conflict.value.current.entered_by == team.admin
    stored = QuarterlyValue.objects.get(pk=loaded.pk)
    assert stored.value == D(58) and stored.version == seen + 1

    again = record(team, team.lead, 60, expected_version=seen + 1)
    assert again.value == D(60) and again.version == seen + 2


def test_expecting_no_figure_when_one_now_exists_is_a_conflict(team):
    record(team, team.admin, 57)
    with pytest.raises(recording.ValueConflict) as conflict:
        record(team, team.lead, 60, expected_version=0)
    assert conflict.value.current.value == D(57)


def test_expecting_no_figure_creates_the_first_version(team):
    assert record(team, team.lead, 57, expected_version=0).version == 1


# A stored figure corrected from the version the editor saw is changed in
# one statement (recording._change_in_place); every rule holds as on the
# full path.


def test_a_correction_from_the_version_seen_is_saved_and_told_in_the_history(team):
    with web(team.lead):
        first = record(team, team.lead, 57, expected_version=0)
    with web(team.lead):
        corrected = record(
            team, team.lead, 58, expected_version=first.version, story="Recount."
        )
    stored = QuarterlyValue.objects.get(pk=first.pk)
    for figure in (corrected, stored):
        assert figure.pk == first.pk
        assert figure.value == D(58) and figure.story == "Recount."
        assert figure.version == first.version + 1
        assert figure.entered_by == team.lead
        assert figure.status == ReviewStatus.DRAFT
        assert figure.breakdown == {}
    assert corrected.updated_at == stored.updated_at > first.updated_at
    assert corrected.measure == team.measure and corrected.period == team.period
    entries = selectors.value_history(
        partnership=team.partnership, measure=team.measure
    )[team.period.pk]
    assert [(e.who, e.path, e.changes) for e in entries] == [
        (str(team.lead), "Web", ["Entered 57"]),
        (str(team.lead), "Web", ["Figure 57 → 58", "Story changed"]),
    ]


def test_a_lead_cannot_correct_a_submitted_figure_from_the_version_seen(team):
    figure = record(team, team.lead, 57)
    submit(team)
    figure.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        record(team, team.lead, 60, expected_version=figure.version)
    assert "submitted and waiting for review" in messages_of(refused)
    assert QuarterlyValue.objects.get(pk=figure.pk).value == D(57)


def test_an_admin_corrects_a_submitted_figure_and_it_stays_submitted(team):
    figure = record(team, team.lead, 57)
    submit(team)
    figure.refresh_from_db()
    corrected = record(team, team.admin, 55, expected_version=figure.version)
    assert corrected.status == ReviewStatus.SUBMITTED
    assert corrected.submitted_by == team.lead
    assert corrected.entered_by == team.admin and corrected.value == D(55)


def test_an_approved_figure_corrected_from_the_version_seen_goes_back_for_review(
    team,
):
    figure = record(team, team.lead, 57)
    submit(team)
    approve(team, figure)
    figure.refresh_from_db()
    corrected = record(team, team.admin, 59, expected_version=figure.version)
    assert corrected.status == ReviewStatus.SUBMITTED
    assert corrected.submitted_by == team.admin
    stored = QuarterlyValue.objects.get(pk=figure.pk)
    assert (stored.status, stored.value) == (ReviewStatus.SUBMITTED, D(59))


def test_a_locked_quarter_refuses_a_correction_from_the_version_seen(team):
    figure = approved_and_locked(team)
    with pytest.raises(ValidationError) as refused:
        record(team, team.admin, 60, expected_version=figure.version)
    assert "is locked, so its figures cannot change" in messages_of(refused)
    assert QuarterlyValue.objects.get(pk=figure.pk).value == D(12)


def test_a_correction_keeps_a_breakdown_and_its_cells(team):
    dimension = DimensionFactory(partnership=team.partnership)
    young, old = categories(dimension, "Under 25", "25 and over")
    team.measure.breakdown_first = dimension
    team.measure.save()
    cells = {str(young.pk): 3, str(old.pk): 4}
    first = record(team, team.lead, 7, breakdown=cells, expected_version=0)
    cells = {str(young.pk): 5, str(old.pk): 4}
    corrected = record(
        team, team.lead, 9, breakdown=cells, expected_version=first.version
    )
    assert corrected.breakdown == cells
    assert QuarterlyValue.objects.get(pk=first.pk).breakdown == cells


def test_a_figure_deleted_while_editing_is_explained(team):
    figure = record(team, team.lead, 57)
    figure.delete()
    with pytest.raises(ValidationError, match="deleted while you edited"):
        record(team, team.lead, 60, expected_version=1)


# Breakdowns


def categories(dimension, *names):
    return [
        DimensionCategoryFactory(dimension=dimension, name=name, position=i)
        for i, name in enumerate(names)
    ]


@pytest.fixture
def age_groups(team):
    dimension = DimensionFactory(
        partnership=team.partnership, name="Age group", is_exhaustive=True
    )
    return dimension, categories(dimension, "Under 16", "16 to 24", "25 and over")


@pytest.fixture
def broken_down(team, age_groups):
    dimension, cats = age_groups
    team.measure.breakdown_first = dimension
    team.measure.save()
    return cats


def cells(*pairs):
    return {str(category.pk): amount for category, amount in pairs}


def breakdown_error(team, total, breakdown) -> str:
    with pytest.raises(ValidationError) as error:
        record(team, team.lead, total, breakdown=breakdown)
    assert not QuarterlyValue.objects.exists()
    return " ".join(error.value.message_dict["breakdown"])


def test_an_exhaustive_breakdown_must_add_up_to_the_total(team, broken_down):
    young, middle, _old = broken_down
    message = breakdown_error(team, 10, cells((young, 3), (middle, 4)))
    assert "7" in message and "10" in message


def test_an_exhaustive_breakdown_that_adds_up_is_stored(team, broken_down):
    young, middle, old = broken_down
    figure = record(
        team, team.lead, 10, breakdown=cells((young, 3), (middle, 4), (old, 3))
    )
    figure.refresh_from_db()
    assert figure.breakdown == {str(young.pk): 3, str(middle.pk): 4, str(old.pk): 3}


def test_empty_cells_are_left_out(team, broken_down):
    young, middle, old = broken_down
    figure = record(
        team, team.lead, 10, breakdown=cells((young, None), (middle, ""), (old, 10))
    )
    assert figure.breakdown == {str(old.pk): 10}


def test_a_non_exhaustive_breakdown_may_add_up_to_less(team, age_groups):
    dimension, (young, middle, _old) = age_groups
    dimension.is_exhaustive = False
    dimension.save()
    team.measure.breakdown_first = dimension
    team.measure.save()
    figure = record(team, team.lead, 10, breakdown=cells((young, 3), (middle, 4)))
    assert sum(figure.breakdown.values()) == 7


def test_no_cell_can_be_more_than_the_total(team, age_groups):
    dimension, (young, _middle, _old) = age_groups
    dimension.is_exhaustive = False
    dimension.save()
    team.measure.breakdown_first = dimension
    team.measure.save()
    message = breakdown_error(team, 10, cells((young, 11)))
    assert "more than the total (10)" in message


@pytest.fixture
def grid(team, age_groups):
    """Age group by area, both exhaustive: keys are "<age>:<area>"."""
    ages, (young, middle, old) = age_groups
    areas = DimensionFactory(
        partnership=team.partnership, name="Area", is_exhaustive=True
    )
    north, south = categories(areas, "North", "South")
    team.measure.breakdown_first = ages
    team.measure.breakdown_second = areas
    team.measure.save()
    return (young, middle, old), (north, south), areas


def grid_cells(*triples):
    return {f"{a.pk}:{b.pk}": amount for a, b, amount in triples}


def test_a_two_way_breakdown_must_add_up_to_the_total(team, grid):
    (young, middle, old), (north, south), _areas = grid
    message = breakdown_error(
        team, 10, grid_cells((young, north, 2), (young, south, 3), (old, north, 4))
    )
    assert "9" in message and "10" in message
    figure = record(
        team,
        team.lead,
        10,
        breakdown=grid_cells((young, north, 2), (young, south, 3), (old, north, 5)),
    )
    assert figure.breakdown == {
        f"{young.pk}:{north.pk}": 2,
        f"{young.pk}:{south.pk}": 3,
        f"{old.pk}:{north.pk}": 5,
    }


def test_a_two_way_breakdown_with_one_open_dimension_may_add_up_to_less(team, grid):
    (young, _middle, _old), (north, _south), areas = grid
    areas.is_exhaustive = False
    areas.save()
    team.measure.refresh_from_db()
    figure = record(team, team.lead, 10, breakdown=grid_cells((young, north, 2)))
    assert figure.breakdown == {f"{young.pk}:{north.pk}": 2}


def test_a_two_way_breakdown_needs_both_categories_in_each_key(team, grid):
    (young, _middle, _old), _areas, _dim = grid
    message = breakdown_error(team, 10, {str(young.pk): 10})
    assert "category it does not have" in message


def test_the_breakdown_cannot_name_an_unknown_category(team, broken_down):
    young, _middle, _old = broken_down
    unknown = max(c.pk for c in broken_down) + 1000
    for breakdown in ({str(unknown): 10}, {"abc": 10}, {f"{young.pk}:{young.pk}": 10}):
        message = breakdown_error(team, 10, breakdown)
        assert "category it does not have" in message


def test_the_breakdown_cannot_name_another_partnerships_category(team, broken_down):
    theirs = DimensionCategoryFactory(
        dimension=DimensionFactory(name="Age group", is_exhaustive=True)
    )
    assert theirs.partnership_id != team.partnership.pk
    message = breakdown_error(team, 10, {str(theirs.pk): 10})
    assert "category it does not have" in message


def test_the_breakdown_cannot_name_a_category_of_another_dimension(team, broken_down):
    other = DimensionCategoryFactory(
        dimension=DimensionFactory(partnership=team.partnership, name="Gender")
    )
    assert "category it does not have" in breakdown_error(team, 10, {str(other.pk): 10})


def test_a_cell_key_is_stored_the_way_the_breakdown_table_reads_it(team, broken_down):
    """A key spelt "0<id>" names the same category as "<id>".

    Either refuse it or store it as "<id>": kept as spelt, the measure page's
    table (which looks cells up by "<id>") never shows it.
    """
    young, _middle, _old = broken_down
    try:
        figure = record(team, team.lead, 10, breakdown={f"0{young.pk}": 10})
    except ValidationError:
        return
    assert figure.breakdown == {str(young.pk): 10}
    table = selectors.breakdown_table(
        team.measure, figure.breakdown, {young.dimension_id: broken_down}
    )
    assert table.total == 10


@pytest.mark.parametrize("amount", [-1, D("2.5"), "1.5"])
def test_each_cell_is_a_whole_number_zero_or_more(team, broken_down, amount):
    young, _middle, old = broken_down
    message = breakdown_error(team, 10, {str(young.pk): amount, str(old.pk): 10})
    assert "whole number" in message


def test_a_measure_without_dimensions_takes_no_breakdown(team):
    message = breakdown_error(team, 10, {"1": 10})
    assert "not broken down" in message


def test_the_database_refuses_a_breakdown_on_a_value_that_is_not_a_count(team):
    score = MeasureFactory(
        partnership=team.partnership,
        value_type=ValueType.SCORE,
        aggregation=Aggregation.MEAN,
        annual_target=None,
    )
    with (
        pytest.raises(IntegrityError, match="value_breakdown_counts_only"),
        transaction.atomic(),
    ):
        QuarterlyValueFactory(
            measure=score, period=team.period, value=D("3.5"), breakdown={"1": 3}
        )


# The change history


def value_events(measure):
    event_model = apps.get_model("kpis", "QuarterlyValueEvent")
    return event_model.objects.filter(measure_id=measure.pk).order_by("pgh_id")


def test_value_history_tells_the_whole_review_cycle_with_who_and_how(team):
    with web(team.lead):
        figure = record(team, team.lead, 57)
    with web(team.lead):
        record(team, team.lead, 58)
    with web(team.lead):
        submit(team)
    with web(team.admin):
        send_back(team, figure, "Two schools were counted twice.")
    with web(team.lead):
        record(team, team.lead, 56, story="Corrected the double count.")
    with web(team.lead):
        submit(team)
    with web(team.admin):
        approve(team, figure)
    with web(team.admin):
        lock(team)
    with web(team.admin):
        reopen(team, "The council sent a late correction.")

    history = selectors.value_history(
        partnership=team.partnership, measure=team.measure
    )
    assert list(history) == [team.period.pk]
    entries = history[team.period.pk]
    lead, admin = str(team.lead), str(team.admin)
    assert [(e.who, e.path, e.changes) for e in entries] == [
        (lead, "Web", ["Entered 57"]),
        (lead, "Web", ["Figure 57 → 58"]),
        (lead, "Web", ["Submitted for review"]),
        (admin, "Web", ["Returned: Two schools were counted twice."]),
        (lead, "Web", ["Figure 58 → 56", "Story changed"]),
        (lead, "Web", ["Submitted for review"]),
        (admin, "Web", ["Approved"]),
        (admin, "Web", ["Quarter locked"]),
        (admin, "Web", ["Quarter reopened: The council sent a late correction."]),
    ]
    assert all(
        event.pgh_context["path"] == "web" for event in value_events(team.measure)
    )
    assert {event.pgh_context["user"] for event in value_events(team.measure)} == {
        team.lead.pk,
        team.admin.pk,
    }


def test_a_bulk_update_outside_any_request_shows_as_made_in_the_database(team):
    # No pghistory context is entered in this test: its context settings are
    # transaction-local, and the whole test is one transaction.
    figure = QuarterlyValueFactory(
        measure=team.measure, period=team.period, value=D(57)
    )
    QuarterlyValue.objects.filter(pk=figure.pk).update(value=D(58))
    entries = selectors.value_history(
        partnership=team.partnership, measure=team.measure
    )[team.period.pk]
    assert entries[-1].changes == ["Figure 57 → 58"]
    assert entries[-1].path == "Directly in the database"
    assert entries[-1].who == "—"


def test_history_of_a_deleted_figure_says_so(team):
    with web(team.admin):
        figure = record(team, team.admin, 5)
        QuarterlyValue.objects.filter(pk=figure.pk).delete()
    entries = selectors.value_history(
        partnership=team.partnership, measure=team.measure
    )[team.period.pk]
    assert [e.changes for e in entries] == [["Entered 5"], ["Deleted"]]


def test_measure_history_shows_a_target_change(team):
    with web(team.admin):
        services.measure_upsert(
            partnership=team.partnership, code=team.measure.code, annual_target=D(60)
        )
    entries = selectors.measure_history(
        partnership=team.partnership, measure=team.measure
    )
    newest, created = entries
    assert newest.changes == ["Annual target: 50 → 60"]
    assert (newest.who, newest.path) == (str(team.admin), "Web")
    assert created.changes == ["Measure created"]


def test_history_selectors_never_return_another_partnerships_events(team):
    theirs = make_team()
    with web(theirs.admin):
        their_figure = record(theirs, theirs.admin, 7)
        services.measure_upsert(
            partnership=theirs.partnership,
            code=theirs.measure.code,
            annual_target=D(70),
        )
        submit(theirs)
        approve(theirs, their_figure)
        lock(theirs)
    with web(team.admin):
        record(team, team.admin, 3)

    ours = selectors.value_history(partnership=team.partnership, measure=team.measure)
    assert [e.changes for e in ours[team.period.pk]] == [["Entered 3"]]
    assert set(ours) == {team.period.pk}
    # Asking for their measure through our partnership finds nothing.
    assert (
        selectors.value_history(partnership=team.partnership, measure=theirs.measure)
        == {}
    )
    assert (
        selectors.measure_history(partnership=team.partnership, measure=theirs.measure)
        == []
    )
    assert [
        e.changes
        for e in selectors.measure_history(
            partnership=team.partnership, measure=team.measure
        )
    ] == [["Measure created"]]


# The quarter's progress


def test_quarter_review_counts_by_lead_and_organisation(team):
    partnership = team.partnership
    university = OrganisationFactory(partnership=partnership, name="University")
    ana = member(partnership, Role.LEAD, organisation=university)
    ana.full_name = "Ana"
    ana.save()
    reported = MeasureFactory(partnership=partnership, name="Reported")
    waiting = MeasureFactory(partnership=partnership, name="Waiting")
    for measure in (reported, waiting):
        services.measure_assign_lead(partnership=partnership, measure=measure, user=ana)
    # team.measure's lead has no organisation; reported is submitted by Ana.
    record(team, ana, 4, measure=reported)
    submit(team, actor=ana)
    figure = record(team, team.lead, 12)
    submit(team)
    approve(team, figure)

    review = selectors.quarter_review_get(partnership=partnership, quarter=Q2)
    states = {row.measure.name: row.state for row in review.rows}
    assert states == {
        "Schools engaged": "approved",
        "Reported": "submitted",
        "Waiting": "missing",
    }
    assert review.totals.counts == {"approved": 1, "submitted": 1, "missing": 1}
    by_lead = {group.name: group.counts for group in review.by_lead}
    assert by_lead == {
        "Ana": {"submitted": 1, "missing": 1},
        str(team.lead): {"approved": 1},
    }
    by_organisation = {group.name: group.counts for group in review.by_organisation}
    assert by_organisation == {
        "University": {"submitted": 1, "missing": 1},
        "No organisation": {"approved": 1},
    }
    assert not review.can_lock
    approve(team, QuarterlyValue.objects.get(measure=reported))
    assert selectors.quarter_review_get(partnership=partnership, quarter=Q2).can_lock


def test_quarter_review_never_shows_another_partnerships_measures_or_locks(team):
    theirs = make_team()
    their_figure = record(theirs, theirs.lead, 7)
    submit(theirs)
    approve(theirs, their_figure)
    lock(theirs)
    record(team, team.lead, 3)

    review = selectors.quarter_review_get(partnership=team.partnership, quarter=Q2)
    # The rows carry lean measure records (ReviewMeasure), compared by key as
    # model instances are.
    assert [row.measure.pk for row in review.rows] == [team.measure.pk]
    assert review.period == team.period
    assert not review.is_locked and review.lock_changes == []
    assert review.totals.counts == {"draft": 1}
    assert [group.name for group in review.by_lead] == [str(team.lead)]
    assert str(theirs.lead) not in {g.name for g in review.by_lead}


def test_quarter_review_of_a_quarter_never_opened_lists_every_measure_missing(team):
    review = selectors.quarter_review_get(
        partnership=team.partnership, quarter=Q2.next()
    )
    assert review.period is None and not review.is_locked
    assert [row.state for row in review.rows] == ["missing"]
