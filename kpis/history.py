"""History written once per statement: pghistory's insert, update and
delete events as statement-level triggers over the transition tables.

pghistory's row-level triggers run a plpgsql function and one INSERT per
changed row, and each of those INSERTs evaluates the event table's
row-level security policy afresh (in the platform scope, a keyed hash of
the platform proof): a 15,000-row UPDATE of figures spent most of its time
there. These triggers write the same events (the same columns, label,
context and condition: an update is recorded only where a tracked field
changed) with one ``INSERT ... SELECT`` from the statement's transition
tables.

pghistory's own statement level (``level=pghistory.Statement``) also calls
``_pgh_attach_context()``, which writes pghistory's context table, a table
Civic does not use (the context is JSON in the event, ``ContextJSONField``);
hence this small variant. An UPDATE that changed a row's primary key would
find no old row to pair it with and write no event; nothing in Civic
changes a figure's primary key.
"""

import pghistory
import pgtrigger
from pghistory import trigger


class _StatementEvent(trigger.Event):
    """One INSERT ... SELECT of the events of every row a statement changed."""

    def get_func(self, model):
        # pghistory's row-level INSERT gives the columns and their values
        # (NEW."story", the context from the session's settings, NOW(), the
        # label); here they are read from the transition table instead.
        self.level = pgtrigger.Row
        try:
            row_sql = super().get_func(model).func
        finally:
            self.level = pgtrigger.Statement
        insert, values = row_sql.split(" VALUES (", 1)
        values = values.rsplit("); RETURN NULL;", 1)[0]
        alias = "new_values" if self.row == "NEW" else "old_values"
        values = values.replace(f'{self.row}."', f'{alias}."')
        assert "_pgh_attach_context" not in values, "a context table is not used"
        source = "{cond_joined_values}" if self.operation == pgtrigger.Update else alias
        return pgtrigger.Func(f"{insert} SELECT {values} FROM {source}; RETURN NULL;")


class _StatementTracker(pghistory.RowEvent):
    def add_event_trigger(self, event_model):
        pgtrigger.register(
            _StatementEvent(
                event_model=event_model,
                label=self.label,
                name=self.trigger_name,
                row=self.row,
                operation=self.operation,
                condition=self.condition,
                level=pgtrigger.Statement,
            )
        )(event_model.pgh_tracked_model)


class InsertEvents(_StatementTracker, pghistory.InsertEvent):
    """pghistory.InsertEvent, once per statement."""


class UpdateEvents(_StatementTracker, pghistory.UpdateEvent):
    """pghistory.UpdateEvent (only the rows whose tracked fields changed),
    once per statement."""


class DeleteEvents(_StatementTracker, pghistory.DeleteEvent):
    """pghistory.DeleteEvent, once per statement."""
