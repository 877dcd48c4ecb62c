from django.db import migrations

from partnerships.rls import enable_rls


class Migration(migrations.Migration):
    dependencies = [("kpis", "0011_population_data")]

    # The indicator series are shared reference data (no partnership, the
    # reference trigger); the stories behind their curves are the tenant's.
    operations = [enable_rls("kpis_curvestory")]
