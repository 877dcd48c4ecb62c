"""What writing figures costs follows the rows written.

The figures' history (kpis.history) is written once per statement, from
the statement's transition tables, and says what pghistory's row triggers
said: one event per figure inserted, changed or deleted, with the figure as
it then was, the label, the time and the context; none for a figure an
UPDATE left as it was. Whatever a statement touches, no trigger on the
figures runs once per row except the one that must change the row. And a
change to no indexed column is made in place (kpis migration 0030)."""

from decimal import Decimal as D

import pghistory
import pytest
from django.apps import apps
from django.db import connection
from django.db.models import F
from django.utils import timezone

from kpis.models import QuarterlyValue, ReviewStatus
from partnerships.tenancy import partnership_scope
from tests.factories import (
    MeasureFactory,
    PartnershipFactory,
    PeriodFactory,
    QuarterlyValueFactory,
)

pytestmark = pytest.mark.django_db

Event = apps.get_model("kpis", "QuarterlyValueEvent")


@pytest.fixture
def figures():
    """Six figures of one quarter, the first three approved."""
    partnership = PartnershipFactory()
    period = PeriodFactory(partnership=partnership, year=2024, quarter=1)
    made = [
        QuarterlyValueFactory(
            measure=MeasureFactory(partnership=partnership),
            period=period,
            value=n,
            story=f"Story {n}",
        )
        for n in range(6)
    ]
    QuarterlyValue.objects.filter(pk__in=[f.pk for f in made[:3]]).update(
        status=ReviewStatus.APPROVED, reviewed_at=timezone.now()
    )
    return partnership, period, made


def _last_event():
    return Event.objects.order_by("-pgh_id").values_list("pgh_id", flat=True)[0]


def _events(label, ids, after=0):
    return list(
        Event.objects.filter(pgh_label=label, pgh_obj_id__in=ids, pgh_id__gt=after)
        .order_by("pgh_obj_id")
        .values_list("pgh_obj_id", "value", "story", "status", "pgh_context")
    )


def test_a_bulk_update_records_each_figure_it_changed_once(figures):
    partnership, _, made = figures
    ids = [f.pk for f in made]
    before = Event.objects.filter(pgh_label="update").count()
    last = _last_event()
    with (
        partnership_scope(partnership.pk),
        pghistory.context(path="bulk", user=7),
    ):
        # The first four change (two approved ones among them); the last
        # two are written as they were.
        changed = QuarterlyValue.objects.filter(pk__in=ids[:4]).update(value=D(40))
        unchanged = QuarterlyValue.objects.filter(pk__in=ids[4:]).update(
            story=F("story")
        )
    assert (changed, unchanged) == (4, 2)
    assert Event.objects.filter(pgh_label="update").count() == before + 4
    events = _events("update", ids, after=last)
    # An approved figure that changed goes back to "submitted" (the row
    # trigger before the update), and its event says so.
    assert [(e[0], e[1], e[2], e[3]) for e in events] == [
        (ids[0], D(40), "Story 0", ReviewStatus.SUBMITTED),
        (ids[1], D(40), "Story 1", ReviewStatus.SUBMITTED),
        (ids[2], D(40), "Story 2", ReviewStatus.SUBMITTED),
        (ids[3], D(40), "Story 3", ReviewStatus.DRAFT),
    ]
    assert {(e[4]["path"], e[4]["user"]) for e in events} == {("bulk", 7)}
    # Only the updated_at an UPDATE bumps is not tracked: no event.
    with partnership_scope(partnership.pk):
        QuarterlyValue.objects.filter(pk__in=ids).update(updated_at=timezone.now())
    assert Event.objects.filter(pgh_label="update").count() == before + 4


def test_a_many_row_insert_and_delete_record_every_figure(figures):
    partnership, period, made = figures
    newcomers = [MeasureFactory(partnership=partnership) for _ in range(3)]
    with partnership_scope(partnership.pk), pghistory.context(path="import"):
        created = QuarterlyValue.objects.bulk_create(
            QuarterlyValue(
                partnership=partnership,
                measure=measure,
                period=period,
                value_type=measure.value_type,
                value=D(n + 100),
                story=f"New {n}",
            )
            for n, measure in enumerate(newcomers)
        )
        ids = [f.pk for f in created]
        assert [e[:3] for e in _events("insert", ids)] == [
            (ids[n], D(n + 100), f"New {n}") for n in range(3)
        ]
        assert {e[4]["path"] for e in _events("insert", ids)} == {"import"}
        gone = [f.pk for f in made[3:]]
        QuarterlyValue.objects.filter(pk__in=gone).delete()
    assert [e[:3] for e in _events("delete", gone)] == [
        (gone[n], D(n + 3), f"Story {n + 3}") for n in range(3)
    ]


def test_one_statement_over_several_partnerships_records_each_in_its_own(figures):
    partnership, _, made = figures
    other = QuarterlyValueFactory(value=5, story="Elsewhere")
    last = _last_event()
    # The platform scope (a data fix): row-level security admits each
    # partnership's events into its own history.
    QuarterlyValue.objects.filter(pk__in=[made[5].pk, other.pk]).update(value=D(9))
    assert sorted(
        Event.objects.filter(pgh_label="update", pgh_id__gt=last).values_list(
            "pgh_obj_id", "partnership_id"
        )
    ) == sorted([(made[5].pk, partnership.pk), (other.pk, other.partnership_id)])
    with partnership_scope(partnership.pk):
        assert list(
            Event.objects.filter(pgh_label="update", pgh_id__gt=last).values_list(
                "pgh_obj_id", flat=True
            )
        ) == [made[5].pk]


def test_no_trigger_on_the_figures_runs_once_per_row_but_the_approval_lapse():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT tgname FROM pg_trigger
            WHERE tgrelid = 'kpis_quarterlyvalue'::regclass
              AND NOT tgisinternal
              AND tgtype & 1 = 1
            ORDER BY tgname
            """
        )
        per_row = [name for (name,) in cursor.fetchall()]
    # The approval lapse changes the row itself, so it is a BEFORE ROW
    # trigger (whose WHEN skips every figure that was not approved); the
    # history, the locked-quarter guard, the data version and the shared
    # copies' staleness all run once per statement.
    assert len(per_row) == 1
    assert per_row[0].startswith("pgtrigger_approval_lapses_on_change_")


def _hot_updates():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables "
            "WHERE relname = 'kpis_quarterlyvalue'"
        )
        return cursor.fetchone()


def test_a_figures_story_changes_in_place_without_new_index_entries():
    # Pages of figures written in one go, then a story changed in every
    # twentieth: each new version fits on its own page (the table keeps a
    # tenth of each page free), so no index of the figures grows.
    partnership = PartnershipFactory()
    period = PeriodFactory(partnership=partnership, year=2024, quarter=1)
    measures = MeasureFactory.create_batch(400, partnership=partnership)
    QuarterlyValue.objects.bulk_create(
        QuarterlyValue(
            partnership=partnership,
            measure=measure,
            period=period,
            value_type=measure.value_type,
            value=D(1),
            story="A story of a figure, long enough to be like the real ones.",
        )
        for measure in measures
    )
    every_twentieth = list(
        QuarterlyValue.objects.filter(partnership=partnership)
        .order_by("pk")
        .values_list("pk", flat=True)
    )[::20]
    updated, hot = _hot_updates()
    QuarterlyValue.objects.filter(pk__in=every_twentieth).update(story="Changed.")
    after_updated, after_hot = _hot_updates()
    assert after_updated - updated == 20
    assert after_hot - hot == 20


def test_an_event_is_indexed_only_for_how_the_history_is_read():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'kpis_quarterlyvalueevent'"
        )
        definitions = " ".join(d for (d,) in cursor.fetchall())
    # Read by partnership, measure, quarter and figure (kpis.selectors
    # value_history); never by person, so no index for them to write.
    for column in ("partnership_id", "measure_id", "period_id", "pgh_obj_id"):
        assert f"({column})" in definitions
    for column in ("entered_by_id", "submitted_by_id", "reviewed_by_id"):
        assert column not in definitions
