"""A measure's lead is a member of its partnership, whatever the path.

The admin site let a person who is not a member become a measure's lead
(their email then showed on the Quarter page and in the API). A composite
foreign key from (partnership_id, user_id) to the memberships refuses that
from every path; removing a member removes their lead assignments with them
(ON DELETE CASCADE), so their measures show "no lead" while their figures
and history stay. Assignments of people who are not members are dropped
first: they should never have existed.
"""

from django.db import migrations

CONSTRAINT = "kpis_measurelead_lead_is_member"


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0016_approval_lapses_on_change"),
        ("partnerships", "0009_invitations_and_member_events"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                # Row-level security admits nothing without a context.
                "SELECT set_config('civic.platform', 'on', true)",
                "DELETE FROM kpis_measurelead lead WHERE NOT EXISTS ("
                "SELECT 1 FROM partnerships_membership membership "
                "WHERE membership.partnership_id = lead.partnership_id "
                "AND membership.user_id = lead.user_id)",
                f"ALTER TABLE kpis_measurelead ADD CONSTRAINT {CONSTRAINT} "
                "FOREIGN KEY (partnership_id, user_id) REFERENCES "
                "partnerships_membership (partnership_id, user_id) "
                "ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED",
            ],
            reverse_sql=f"ALTER TABLE kpis_measurelead DROP CONSTRAINT {CONSTRAINT}",
        ),
    ]
