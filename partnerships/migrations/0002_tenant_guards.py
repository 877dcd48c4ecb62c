from django.db import migrations

from partnerships.rls import OWN_MEMBERSHIP, enable_rls, same_partnership_fk


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0001_initial")]

    operations = [
        enable_rls("partnerships_organisation"),
        # People see their own memberships before choosing a partnership.
        enable_rls("partnerships_membership", extra_read=OWN_MEMBERSHIP),
        same_partnership_fk(
            "partnerships_membership", ["organisation_id"], "partnerships_organisation"
        ),
    ]
