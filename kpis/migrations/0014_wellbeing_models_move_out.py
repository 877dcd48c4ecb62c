"""The national frameworks, contributions, population series and curve
stories leave kpis for wellbeing (wellbeing/0001_initial.py says how).

Their reference-data triggers go (wellbeing/0001 installed them again under
the names pgtrigger gives them in wellbeing); then the models leave kpis's
state only: their tables and rows stay, now wellbeing's.
"""


import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('kpis', '0013_locked_quarter_guard_per_statement'),
        ('partnerships', '0007_remove_partnership_framework'),
        ('wellbeing', '0001_initial'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="nationalframework", name="reference_data_platform_only"
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="indicatorset", name="reference_data_platform_only"
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="nationalindicator", name="reference_data_platform_only"
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="indicatorsetmembership", name="reference_data_platform_only"
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="wayofworking", name="reference_data_platform_only"
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="wellbeinggoal", name="reference_data_platform_only"
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="indicatorseries", name="reference_data_platform_only"
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="indicatorobservation", name="reference_data_platform_only"
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='curvestory',
                    name='indicator',
                ),
                migrations.RemoveField(
                    model_name='curvestory',
                    name='partnership',
                ),
                migrations.RemoveField(
                    model_name='curvestory',
                    name='updated_by',
                ),
                migrations.RemoveField(
                    model_name='indicatorobservation',
                    name='series',
                ),
                migrations.RemoveField(
                    model_name='indicatorseries',
                    name='indicator',
                ),
                migrations.RemoveField(
                    model_name='indicatorset',
                    name='framework',
                ),
                migrations.RemoveField(
                    model_name='indicatorsetmembership',
                    name='indicator_set',
                ),
                migrations.RemoveField(
                    model_name='nationalindicator',
                    name='sets',
                ),
                migrations.RemoveField(
                    model_name='indicatorsetmembership',
                    name='indicator',
                ),
                migrations.RemoveField(
                    model_name='wellbeinggoal',
                    name='framework',
                ),
                migrations.RemoveField(
                    model_name='wayofworking',
                    name='framework',
                ),
                migrations.RemoveField(
                    model_name='nationalindicator',
                    name='framework',
                ),
                migrations.DeleteModel(
                    name='Contribution',
                ),
                migrations.DeleteModel(
                    name='CurveStory',
                ),
                migrations.DeleteModel(
                    name='IndicatorObservation',
                ),
                migrations.DeleteModel(
                    name='IndicatorSeries',
                ),
                migrations.DeleteModel(
                    name='IndicatorSet',
                ),
                migrations.DeleteModel(
                    name='IndicatorSetMembership',
                ),
                migrations.DeleteModel(
                    name='WellbeingGoal',
                ),
                migrations.DeleteModel(
                    name='WayOfWorking',
                ),
                migrations.DeleteModel(
                    name='NationalFramework',
                ),
                migrations.DeleteModel(
                    name='NationalIndicator',
                ),
            ],
            database_operations=[],
        ),
    ]
